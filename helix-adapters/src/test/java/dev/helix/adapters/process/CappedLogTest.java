package dev.helix.adapters.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CappedLogTest {

    @TempDir
    Path dir;

    private static void write(CappedLog log, String text, int chunk) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += chunk) log.write(b, i, Math.min(chunk, b.length - i));
    }

    @Test
    void output_within_the_caps_is_kept_whole() throws Exception {
        CappedLog log = CappedLog.open(dir.resolve("a/b.log"), 10, 10);
        write(log, "one\ntwo\nthree\n", 3);

        assertThat(log.finish()).isEqualTo("one\ntwo\nthree\n");
        assertThat(log.total()).isEqualTo(14);
        assertThat(dir.resolve("a/b.log")).hasContent("one\ntwo\nthree\n");
    }

    @Test
    void beyond_the_caps_whole_lines_of_head_and_tail_are_kept_around_an_omission_line() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1000; i++) text.append("line ").append(i).append('\n');
        for (int chunk : new int[] {1, 7, 100_000}) { // the ring buffer wraps the same way however it is fed
            CappedLog log = CappedLog.open(dir.resolve("c.log"), 20, 20);
            write(log, text.toString(), chunk);

            // head "line 0\nline 1\nline 2" → 2 whole lines; tail "7\nline 998\nline 999\n" → 2
            String kept = "line 0\nline 1\n[... " + (text.length() - 14 - 18) + " bytes omitted ...]\n"
                    + "line 998\nline 999\n";
            assertThat(log.finish()).as("chunk %d", chunk).isEqualTo(kept);
            assertThat(log.total()).isEqualTo(text.length());
            assertThat(dir.resolve("c.log")).hasContent(kept);
        }
    }

    @Test
    void output_without_newlines_is_cut_at_the_byte_caps() throws Exception {
        CappedLog log = CappedLog.open(null, 4, 4);
        write(log, "abcdefghijkl", 5);

        assertThat(log.finish()).isEqualTo("abcd\n[... 4 bytes omitted ...]\nijkl");
    }

    @Test
    void the_file_is_redacted_as_it_is_written_but_the_kept_text_is_not() throws Exception {
        var secrets = dev.helix.core.secret.Secrets.of(java.util.Map.of("MY_API_KEY", "sk-live-0123456789"), java.util.List.of());
        String text = "token sk-live-0123456789\nloss: 0.25\n";
        for (int chunk = 1; chunk <= text.length(); chunk++) {
            CappedLog log = CappedLog.open(dir.resolve("r.log"), 1000, 1000, secrets);
            write(log, text, chunk);
            assertThat(log.finish()).isEqualTo(text); // metrics are parsed from this
            assertThat(dir.resolve("r.log")).as("chunks of " + chunk).hasContent("token [REDACTED:MY_API_KEY]\nloss: 0.25\n");
        }
        // Across the head/tail boundary, and with an omission: head and tail are each redacted.
        for (int chunk : new int[] {1, 5, 1000}) {
            CappedLog log = CappedLog.open(dir.resolve("s.log"), 20, 30, secrets);
            write(log, "head sk-live-0123456789\n" + "x\n".repeat(50) + "tail sk-live-0123456789\n", chunk);
            String kept = log.finish();
            assertThat(kept).contains("sk-live-0123456789");
            String file = java.nio.file.Files.readString(dir.resolve("s.log"));
            assertThat(file).doesNotContain("sk-live").contains("[REDACTED:MY_API_KEY]").contains("bytes omitted");
            // the cap cut the head inside the secret: the piece before the cut is redacted too
            assertThat(file).startsWith("head [REDACTED:MY_API_KEY]\n[... ").endsWith("x\ntail [REDACTED:MY_API_KEY]\n");
        }
        CappedLog across = CappedLog.open(dir.resolve("t.log"), 10, 100, secrets);
        write(across, "abcde sk-live-0123456789 end\n", 3);
        assertThat(across.finish()).isEqualTo("abcde sk-live-0123456789 end\n");
        assertThat(dir.resolve("t.log")).hasContent("abcde [REDACTED:MY_API_KEY] end\n");
    }
}

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
}

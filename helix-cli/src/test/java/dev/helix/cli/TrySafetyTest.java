package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix try in the user's own checkout, with real git: a file Helix did not create survives every
 * try byte for byte.
 */
class TrySafetyTest {
    /** Bytes no text tool would round-trip unchanged: no final newline, CRLF, a NUL, invalid UTF-8. */
    private static final byte[] NOTES = {'t', 'o', 'd', 'o', '\r', '\n', 0, (byte) 0xff, (byte) 0xfe, ' ', 'x'};
    private static final byte[] SKILL = "---\nname: helix\n---\nRun helix try after each edit.".getBytes();

    @TempDir
    Path tmp;

    @Test
    void untrackedFilesOutsideScopeAreLeftAloneNamedAndNeverCommittedWhateverTheVerdict() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        Files.write(repo.dir.resolve("notes.txt"), NOTES);
        setX(repo, "3.0");

        JsonNode kept = tryEdit(repo, "x to 3.0");
        assertThat(kept.get("status").asText()).isEqualTo("keep");
        assertThat(kept.get("left_alone")).isEmpty(); // there before the session: not a change since the last try

        Path skill = repo.dir.resolve(".claude/skills/helix/SKILL.md");
        Files.createDirectories(skill.getParent());
        Files.write(skill, SKILL);
        setX(repo, "3.5");
        JsonNode discarded = tryEdit(repo, "x to 3.5");
        assertThat(discarded.get("status").asText()).isEqualTo("discard");
        assertThat(discarded.get("left_alone")).extracting(JsonNode::asText).containsExactly(".claude/skills/helix/SKILL.md");
        assertThat(repo.read("params.txt")).startsWith("x = 3.0\n");

        // A tracked file out of scope rejects the edit and is restored; the user's changed notes stay as they are.
        byte[] newNotes = java.util.Arrays.copyOf(NOTES, NOTES.length + 1);
        Files.write(repo.dir.resolve("notes.txt"), newNotes);
        repo.write("README.md", "a project, edited\n");
        setX(repo, "2.0");
        JsonNode rejected = tryEdit(repo, "x to 2.0, and the readme");
        assertThat(rejected.get("status").asText()).isEqualTo("rejected");
        assertThat(rejected.get("reason").asText()).isEqualTo("changed files out of scope: README.md (not in scope.editable)");
        assertThat(rejected.get("left_alone")).extracting(JsonNode::asText).containsExactly("notes.txt");
        assertThat(repo.read("README.md")).isEqualTo("a project\n");
        assertThat(repo.read("params.txt")).startsWith("x = 3.0\n");

        setX(repo, "2.0");
        TestRepo.Run text = repo.helix("--text", "try", "-m", "x to 2.0");
        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.out()).contains("keep: ").doesNotContain("left alone");

        assertThat(Files.readAllBytes(repo.dir.resolve("notes.txt"))).isEqualTo(newNotes);
        assertThat(Files.readAllBytes(skill)).isEqualTo(SKILL);
        assertThat(repo.git("ls-files")).doesNotContain("notes.txt", ".claude");
        assertThat(repo.git("log", "--all", "--name-only", "--format=")).doesNotContain("notes.txt", ".claude");
        assertThat(repo.git("status", "--porcelain", "--untracked-files=all")).isEqualTo("?? .claude/skills/helix/SKILL.md\n?? notes.txt");
    }

    @Test
    void theVerdictInTextNamesTheFilesLeftAlone() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        setX(repo, "3.0");
        assertThat(repo.helix("try", "-m", "x to 3.0").code()).isZero();
        repo.write("notes.txt", "written after the first try\n");
        setX(repo, "2.5");

        TestRepo.Run run = repo.helix("--text", "try", "-m", "x to 2.5");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("left alone (untracked, outside scope.editable: not committed, not removed): notes.txt");
        assertThat(repo.read("notes.txt")).isEqualTo("written after the first try\n");
    }

    private static void setX(TestRepo repo, String x) {
        repo.write("params.txt", repo.read("params.txt").replaceFirst("x = [^\\n]*", "x = " + x));
    }

    private static JsonNode tryEdit(TestRepo repo, String message) {
        TestRepo.Run run = repo.helix("try", "-m", message);
        assertThat(run.code()).as(run.toString()).isZero();
        return run.json().get("data");
    }
}

package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix try in the user's own checkout, with real git: a file Helix did not create survives every
 * try byte for byte, and a session that cannot start leaves the branch and the files as they were.
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

    @Test
    void anUncommittedSpecOrProgramBeforeTheFirstTryIsAUsageErrorAndNothingIsTouched() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        String spec = repo.read("helix.yaml").replace("timeout_seconds: 20", "timeout_seconds: 30");
        repo.write("helix.yaml", spec);
        repo.write("program.md", "Move x towards the minimum.\n");
        setX(repo, "3.0");
        String status = repo.git("status", "--porcelain");

        TestRepo.Run run = repo.helix("try", "-m", "x to 3.0");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        JsonNode error = run.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("uncommitted_spec");
        assertThat(error.get("message").asText()).startsWith("commit helix.yaml and program.md first");
        assertThat(error.get("suggestion").asText())
                .isEqualTo("git add -- helix.yaml program.md && git commit -m 'helix: the session spec'");
        assertNothingTouched(repo, status);
        assertThat(repo.read("helix.yaml")).isEqualTo(spec);
        assertThat(repo.read("program.md")).isEqualTo("Move x towards the minimum.\n");
        assertThat(repo.dir.resolve(".helix")).doesNotExist();

        // The suggestion, run as it is, is the way on.
        assertThat(new ProcessBuilder("sh", "-c", error.get("suggestion").asText()).directory(repo.dir.toFile())
                .start().waitFor()).isZero();
        TestRepo.Run next = repo.helix("try", "-m", "x to 3.0");
        assertThat(next.code()).as(next.toString()).isZero();
        assertThat(next.json().get("data").get("status").asText()).isEqualTo("keep");
    }

    @Test
    void aFailingSetupLeavesTheBranchAndTheFilesAsTheyWereAndRecordsNothing() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        repo.write("helix.yaml", repo.read("helix.yaml").replace("  timeout_seconds: 20\n",
                "  timeout_seconds: 20\n  setup: sh setup.sh\n"));
        repo.write("setup.sh", "echo 'no such package: numpyy' >&2\nexit 3\n");
        repo.commitAll("a setup that fails");
        Files.write(repo.dir.resolve("notes.txt"), NOTES);
        setX(repo, "3.0");
        String status = repo.git("status", "--porcelain");

        TestRepo.Run run = repo.helix("try", "-m", "x to 3.0");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.json().get("error").get("code").asText()).isEqualTo("setup_failed");
        assertThat(run.json().get("error").get("message").asText()).contains("no such package: numpyy");
        assertNothingTouched(repo, status);
        assertThat(repo.read("params.txt")).startsWith("x = 3.0\n");
        assertThat(Files.readAllBytes(repo.dir.resolve("notes.txt"))).isEqualTo(NOTES);

        repo.write("setup.sh", "exit 0\n");
        repo.git("commit", "-q", "-m", "a setup that works", "--", "setup.sh");
        TestRepo.Run next = repo.helix("try", "-m", "x to 3.0");
        assertThat(next.code()).as(next.toString()).isZero();
        assertThat(repo.ledger()).extracting(r -> r.get("status").asText()).containsExactly("baseline", "keep");
        assertThat(Files.readAllBytes(repo.dir.resolve("notes.txt"))).isEqualTo(NOTES);
    }

    @Test
    void aBaselineThatCrashesLeavesTheBranchAsItWasAndRecordsNothing() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        repo.write("evaluate.sh", "echo 'Traceback: the data is missing' >&2\nexit 1\n");
        repo.commitAll("an evaluation that crashes");
        setX(repo, "3.0");
        String status = repo.git("status", "--porcelain");

        TestRepo.Run run = repo.helix("try", "-m", "x to 3.0");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.FAILURE);
        JsonNode error = run.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("baseline_crashed");
        assertThat(error.get("message").asText()).contains("the data is missing");
        assertNothingTouched(repo, status);
        assertThat(repo.git("for-each-ref", "refs/helix/")).isEmpty();
        assertThat(repo.read("params.txt")).startsWith("x = 3.0\n");
    }

    @Test
    void aTryKilledDuringTheBaselineLeavesTheBranchAsItWas() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        Path started = tmp.resolve("started");
        repo.write("evaluate.sh", "touch '" + started + "'\nsleep 20\necho 'loss: 1'\n");
        repo.commitAll("a slow evaluation");
        setX(repo, "3.0");
        String status = repo.git("status", "--porcelain");

        Process p = repo.helixProcess(tmp.resolve("helix.log"), "try", "-m", "x to 3.0").start();
        for (int i = 0; i < 300 && !Files.exists(started); i++) Thread.sleep(100);
        assertThat(started).as(Files.exists(tmp.resolve("helix.log")) ? Files.readString(tmp.resolve("helix.log")) : "").exists();
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertNothingTouched(repo, status);
        assertThat(repo.read("params.txt")).startsWith("x = 3.0\n");
    }

    /** The checkout is on main with the same changes, no session branch exists, nothing is in the ledger. */
    private static void assertNothingTouched(TestRepo repo, String status) {
        assertThat(repo.git("rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("main");
        assertThat(repo.git("branch", "--list", "helix/*")).isEmpty();
        assertThat(repo.git("status", "--porcelain")).isEqualTo(status);
        assertThat(repo.ledger()).isEmpty();
    }

    private static void setX(TestRepo repo, String x) {
        repo.write("params.txt", repo.read("params.txt").replaceFirst("x = [^\\n]*", "x = " + x));
    }

    private static JsonNode tryEdit(TestRepo repo, String message) {
        TestRepo.Run run = repo.helix("try", "-m", message);
        assertThat(run.code()).as(run.toString()).isZero();
        return run.json().get("data");
    }

    @Test
    void aCommitTheAgentMadeOnTheSessionBranchIsNeverDroppedByTheNextTry() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        setX(repo, "3.0");
        assertThat(tryEdit(repo, "x to 3.0").get("status").asText()).isEqualTo("keep");
        String best = repo.git("rev-parse", "HEAD");
        repo.write("NOTES.md", "what I learned\n");
        setX(repo, "2.0");
        repo.commitAll("x to 2.0, with notes"); // an agent that commits its own edits
        String own = repo.git("rev-parse", "HEAD");

        TestRepo.Run run = repo.helix("--text", "try", "-m", "x to 2.0");

        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("has commits since its best (#1, " + best.substring(0, 12) + ") that no try recorded (")
                .contains("NOTES.md").contains("git reset --soft " + best.substring(0, 12));
        assertThat(repo.git("rev-parse", "HEAD")).isEqualTo(own);
        assertThat(repo.read("NOTES.md")).isEqualTo("what I learned\n");
        assertThat(repo.git("status", "--porcelain")).isEmpty();
        assertThat(repo.ledger()).hasSize(2);

        repo.git("reset", "-q", "--soft", best); // the fix the error gives: the commit becomes edits again
        repo.git("reset", "-q", "NOTES.md");
        JsonNode verdict = tryEdit(repo, "x to 2.0");
        assertThat(verdict.get("status").asText()).isEqualTo("keep");
        assertThat(repo.read("NOTES.md")).isEqualTo("what I learned\n");
    }
}

package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evaluate.checks on real git and real processes: the parabola project, whose test suite
 * (checks.sh) refuses x = 3.0. The checks run only for a candidate the judge would keep; a failure
 * is a discard the ledger, show and try's verdict explain with the checks' log; doctor runs them
 * once on the unchanged code.
 */
class ChecksRunTest {
    @TempDir
    Path tmp;

    private static final String CHECKS = """
            #!/bin/sh
            x=$(sed -n 's/^x = //p' params.txt)
            echo "test_parses ... ok"
            if [ "$x" = "3.0" ]; then echo "test_not_three ... FAILED: x must not be 3.0"; exit 1; fi
            echo "test_not_three ... ok"
            """;

    /** The parabola (loss = (x - 1.7)^2, x = 4.0 at first) with checks.sh as evaluate.checks and a proposer setting x per experiment. */
    private TestRepo project(String checks) {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        repo.write("checks.sh", checks);
        repo.write("agent.sh", """
                #!/bin/sh
                case "$HELIX_EXPERIMENT" in 1) x=3.0;; 2) x=4.5;; *) x=2.5;; esac
                sed -i "s/^x = .*/x = $x/" params.txt
                echo "{\\"description\\": \\"x = $x\\"}"
                """);
        String spec = repo.read("helix.yaml")
                .replace("backend: tune", "backend: command\n  command: sh agent.sh")
                .replace("  timeout_seconds: 20\n", "  timeout_seconds: 20\n  checks: sh checks.sh\n  checks_timeout_seconds: 30\n");
        repo.write("helix.yaml", spec.substring(0, spec.indexOf("search:")));
        repo.commitAll("a project with a test suite");
        return repo;
    }

    @Test
    void inARunAKeepWhoseChecksFailIsDiscardedWithTheirLogAndOnlyWouldBeKeepsAreChecked() {
        TestRepo repo = project(CHECKS);

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "3");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        JsonNode failed = ledger.get(1);
        assertThat(failed.get("status").asText()).isEqualTo("discard");
        assertThat(failed.get("reason").asText())
                .startsWith("checks failed (exit code 1, log .helix/runs/s/1.checks.log); the judge would have kept it: improved: loss 5.29 -> 1.69");
        assertThat(failed.get("log").asText()).isEqualTo(".helix/runs/s/1.checks.log");
        assertThat(failed.get("log_tail").asText()).endsWith("test_not_three ... FAILED: x must not be 3.0");
        assertThat(ledger.get(2).get("status").asText()).isEqualTo("discard");
        assertThat(ledger.get(2).get("reason").asText()).doesNotContain("checks");
        JsonNode kept = ledger.get(3);
        assertThat(kept.get("status").asText()).isEqualTo("keep");
        assertThat(kept.get("reason").asText()).endsWith("; checks passed");
        assertThat(repo.git("show", "helix/s:params.txt")).contains("x = 2.5");
        assertThat(repo.dir.resolve(".helix/runs/s/1.checks.log")).exists();
        assertThat(repo.dir.resolve(".helix/runs/s/2.checks.log")).as("a candidate the judge discards is never checked").doesNotExist();
        assertThat(repo.dir.resolve(".helix/runs/s/3.checks.log")).content().contains("test_not_three ... ok");
        assertThat(repo.dir.resolve(".helix/runs/s/0.checks.log")).as("the session does not check the baseline").doesNotExist();

        TestRepo.Run log = repo.helix("log", "--tag", "s", "--text");
        assertThat(log.out()).contains("x = 3.0 [checks failed (exit code 1").doesNotContain("x = 4.5 [");

        TestRepo.Run show = repo.helix("show", "1", "--tag", "s", "--text");
        assertThat(show.code()).as(show.toString()).isZero();
        assertThat(show.out()).contains("checks failed").contains("test_not_three ... FAILED: x must not be 3.0");
    }

    @Test
    void checksThatPrintMegabytesOnOneLineLeaveASmallRecordWithTheirLastWords() throws Exception {
        // a progress bar redrawn with \r is one line of megabytes, and its end is what a reader needs
        TestRepo repo = project(CHECKS.replace("echo \"test_parses ... ok\"",
                "awk 'BEGIN { for (i = 0; i < 60000; i++) printf \"progress %06d%%\\r\", i }'; echo; "
                        + "head -c 3000000 /dev/zero | tr -c x =; echo"));

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        List<String> lines = Files.readAllLines(repo.dir.resolve(".helix/experiments.jsonl"));
        assertThat(lines.get(1)).contains("checks failed").hasSizeLessThan(16_000);
        JsonNode failed = repo.ledger().get(1);
        assertThat(failed.get("log_tail").asText()).endsWith("test_not_three ... FAILED: x must not be 3.0").contains("cut");
        assertThat(repo.helix("status", "--json").out()).hasSizeLessThan(24_000);
        assertThat(repo.dir.resolve(".helix/runs/s/1.checks.log")).content().contains("progress 000000%").contains("FAILED");
    }

    @Test
    void inTryAFailingCheckRevertsTheEditAndTheVerdictShowsTheirTail() throws Exception {
        TestRepo repo = project(CHECKS);
        repo.write("params.txt", "x = 3.0\nwidth = 3\n");

        TestRepo.Run first = repo.helix("try", "-m", "x = 3.0", "--text");

        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.out()).contains("discard: checks failed (exit code 1").contains("log tail:")
                .contains("test_not_three ... FAILED: x must not be 3.0");
        assertThat(first.err() + first.out()).contains("evaluate.checks failed");
        assertThat(Files.readString(repo.dir.resolve("params.txt"))).startsWith("x = 4.0");

        repo.write("params.txt", "x = 2.5\nwidth = 3\n");
        TestRepo.Run second = repo.helix("try", "-m", "x = 2.5", "--json");

        assertThat(second.code()).as(second.toString()).isZero();
        JsonNode verdict = second.json().get("data");
        assertThat(verdict.get("status").asText()).as(verdict.toString()).isEqualTo("keep");
        assertThat(Files.readString(repo.dir.resolve("params.txt"))).startsWith("x = 2.5");
    }

    @Test
    void doctorRunsTheChecksOnceOnTheUnchangedCode() {
        TestRepo repo = project(CHECKS.replace("\"3.0\"", "\"4.0\""));

        TestRepo.Run failing = repo.helix("doctor", "--json");

        JsonNode check = check(failing.json().get("data"), "checks_pass");
        assertThat(check.get("status").asText()).as(check.toString()).isEqualTo("fail");
        assertThat(check.get("message").asText()).isEqualTo("evaluate.checks exited with code 1: test_not_three ... FAILED: x must not be 3.0");
        assertThat(check.get("fix").asText()).contains("sh checks.sh").contains(".helix/doctor/checks.log");

        repo.write("checks.sh", CHECKS);
        repo.commitAll("the suite passes on the unchanged code");
        JsonNode passing = check(repo.helix("doctor", "--json").json().get("data"), "checks_pass");
        assertThat(passing.get("status").asText()).as(passing.toString()).isEqualTo("pass");
        assertThat(passing.get("message").asText()).startsWith("passed in ").contains("of their 30s timeout");
    }

    private static JsonNode check(JsonNode data, String id) {
        for (JsonNode c : data.get("checks")) if (c.get("id").asText().equals(id)) return c;
        throw new AssertionError("no check " + id + " in " + data);
    }
}

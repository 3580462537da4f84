package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repository an agent drives with helix try and helix record: what status, log, doctor, record and show tell it. */
class AgentDrivenTest {
    @TempDir
    Path tmp;

    /** The quadratic project with an agent backend that cannot be ready here, as an agent's repository may have. */
    TestRepo repo() {
        TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), """
                  backend: openai
                  model: gpt-4o-mini
                  api_key_env: HELIX_AGENT_DRIVEN_TEST_KEY_THAT_IS_NEVER_SET
                """);
        return repo;
    }

    @Test
    void beforeTheFirstTryStatusAndLogAnswerAnEmptyStateWithExitZero() {
        TestRepo repo = repo();
        TestRepo.Run status = repo.helix("status");
        assertThat(status.code()).as(status.toString()).isZero();
        JsonNode data = status.json().get("data");
        assertThat(data.get("experiments").asInt()).isZero();
        assertThat(data.get("kept").asInt()).isZero();
        assertThat(data.has("tag")).isFalse();
        assertThat(status.json().get("hints").get(0).asText()).startsWith("no experiments yet; run `helix try -m");
        TestRepo.Run text = repo.helix("--text", "status");
        assertThat(text.code()).isZero();
        assertThat(text.out()).startsWith("no experiments yet; run `helix try -m");
        TestRepo.Run log = repo.helix("log", "-n", "30");
        assertThat(log.code()).as(log.toString()).isZero();
        assertThat(log.json().get("data").isArray()).isTrue();
        assertThat(log.json().get("data")).isEmpty();
        assertThat(repo.helix("status", "--tag", "nosuch").code()).as("a named session that does not exist is still an error").isEqualTo(2);
        assertThat(repo.dir.resolve(".helix/experiments.jsonl")).doesNotExist();
    }

    @Test
    void inATrySessionDoctorNeedsNoBackendKeepsTheBranchAndCountsTheEditInProgress() {
        TestRepo repo = repo();
        repo.write("params.txt", "x = 3.0\nwidth = 3\n");
        TestRepo.Run keep = repo.helix("try", "-m", "x to 3.0");
        assertThat(keep.json().at("/data/status").asText()).as(keep.toString()).isEqualTo("keep");
        repo.write("params.txt", "x = 2.5\nwidth = 3\n"); // the next edit, not yet tried

        TestRepo.Run doctor = repo.helix("doctor", "--quick");
        assertThat(doctor.code()).as(doctor.toString()).isZero();
        JsonNode data = doctor.json().get("data");
        assertThat(DoctorCommandTest.check(data, "backend").get("status").asText()).isEqualTo("skip");
        assertThat(DoctorCommandTest.check(data, "backend").get("message").asText())
                .contains("not needed for helix try and helix record").contains("HELIX_AGENT_DRIVEN_TEST_KEY_THAT_IS_NEVER_SET");
        assertThat(DoctorCommandTest.check(data, "branches").get("status").asText()).isEqualTo("pass");
        assertThat(DoctorCommandTest.check(data, "clean_tree").get("message").asText()).contains("your edit in progress (params.txt)");
        assertThat(doctor.out()).doesNotContain("git switch main").doesNotContain("'helix run' will use");
        assertThat(DoctorCommandTest.check(data, "tag").get("message").asText()).contains("helix try continues session ");

        TestRepo.Run status = repo.helix("status");
        assertThat(status.json().get("hints").toString()).contains("then helix try -m").doesNotContain("run --resume");
        assertThat(repo.read("params.txt")).isEqualTo("x = 2.5\nwidth = 3\n");
    }

    @Test
    void aRunRepositoryStillNeedsItsBackend() {
        TestRepo repo = repo();
        JsonNode data = repo.helix("doctor", "--quick").json().get("data");
        assertThat(DoctorCommandTest.check(data, "backend").get("status").asText()).isEqualTo("fail");
        assertThat(DoctorCommandTest.check(data, "backend").get("fix").asText()).contains("helix try needs none");
    }

    @Test
    void recordTakesACrashWithoutAMetricFlagsADiscardThatBeatsTheBestAndGivesTryHints() {
        TestRepo repo = repo();
        assertThat(repo.helix("record", "--status", "baseline", "--metric", "5.0", "-m", "baseline").code()).isZero();
        TestRepo.Run crash = repo.helix("record", "--status", "crash", "-m", "out of memory on the cluster");
        assertThat(crash.code()).as(crash.toString()).isZero();
        assertThat(crash.json().at("/data/status").asText()).isEqualTo("crash");
        assertThat(crash.json().at("/data/primary").isNull()).isTrue();
        TestRepo.Run noMetric = repo.helix("record", "--status", "discard", "-m", "x");
        assertThat(noMetric.code()).isEqualTo(2);
        assertThat(noMetric.json().at("/error/message").asText()).contains("--metric is required for --status discard");

        TestRepo.Run better = repo.helix("record", "--status", "discard", "--metric", "1.0", "-m", "x = 2.7 on the cluster");
        assertThat(better.code()).as(better.toString()).isZero();
        assertThat(better.json().at("/data/better_than_best").asText()).contains("beats the best (#0)").contains("--status keep");
        assertThat(better.json().get("hints").get(0).asText()).contains("beats the best");
        TestRepo.Run worse = repo.helix("record", "--status", "discard", "--metric", "6.0", "-m", "x = 4.2");
        assertThat(worse.json().at("/data/better_than_best").isMissingNode()).isTrue();
        repo.helix("record", "--status", "discard", "--metric", "6.5", "-m", "x = 4.3");
        TestRepo.Run third = repo.helix("--text", "record", "--status", "discard", "--metric", "7.0", "-m", "x = 4.4");
        assertThat(third.out()).contains("hint: 4 discards in a row: try a different direction");

        TestRepo.Run keep = repo.helix("record", "--status", "keep", "--metric", "0.0001", "-m", "x = 1.7");
        TestRepo.Run jump = repo.helix("record", "--status", "keep", "--metric", "0.00000001", "-m", "x = 1.70001");
        assertThat(keep.code()).isZero();
        assertThat(jump.json().get("hints").toString()).contains("check the evaluation is not being gamed");
    }

    @Test
    void aCrashedTryCanBeBroughtBackWithShowPatchOnTheCurrentBest() throws Exception {
        TestRepo repo = repo();
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                case "$x" in *[!0-9.-]*) echo "error: x is not a number: $x" >&2; exit 2;; esac
                awk -v x="$x" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """);
        repo.commitAll("an evaluation that fails on bad input");
        repo.write("params.txt", "x = 3.0\nwidth = 3\n");
        assertThat(repo.helix("try", "-m", "x to 3").json().at("/data/status").asText()).isEqualTo("keep");
        repo.write("params.txt", "x = 2.0O\nwidth = 4\n");
        TestRepo.Run crash = repo.helix("try", "-m", "x to 2 and a wider model");
        assertThat(crash.json().at("/data/status").asText()).as(crash.toString()).isEqualTo("crash");
        assertThat(crash.json().get("hints").toString()).contains("get your edit back: helix show 2 --patch | git apply");
        assertThat(repo.read("params.txt")).isEqualTo("x = 3.0\nwidth = 3\n");

        TestRepo.Run patch = repo.helix("show", "2", "--patch");
        assertThat(patch.code()).as(patch.toString()).isZero();
        assertThat(patch.out()).startsWith("diff --git a/params.txt b/params.txt\n").endsWith("\n");
        Path file = tmp.resolve("crash.patch");
        Files.writeString(file, patch.out());
        repo.git("apply", file.toString());
        assertThat(repo.read("params.txt")).isEqualTo("x = 2.0O\nwidth = 4\n");

        JsonNode json = repo.helix("--json", "show", "2", "--patch").json().get("data");
        assertThat(json.get("run").asInt()).isEqualTo(2);
        assertThat(json.get("patch").asText()).isEqualTo(patch.out());
        assertThat(repo.helix("show", "0", "--patch").code()).as("the baseline changed nothing").isEqualTo(2);
        assertThat(repo.helix("--json", "show", "2", "--patch").json().get("hints").get(0).asText()).contains("| git apply");

        repo.write("params.txt", "x = 2.0\nwidth = 3\n");
        assertThat(repo.helix("try", "-m", "x to 2").json().at("/data/status").asText()).isEqualTo("keep");
        assertThat(repo.helix("--json", "show", "2", "--patch").json().get("hints").get(0).asText())
                .contains("the best has moved since #2").contains("git apply -3");
    }
}

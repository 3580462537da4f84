package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The headline numbers of a session add up and say what they count. */
class HonestNumbersTest {
    @TempDir
    Path tmp;

    @Test
    void aFixUpIsAnAttemptNotAnotherExperiment() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        repo.write("params.txt", "x = 0.5\nwidth = 3\n");
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                if awk -v x="$x" 'BEGIN { exit !(x > 4.5) }'; then echo "boom: x too large" >&2; exit 3; fi
                awk -v x="$x" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """);
        // Call 1 breaks the evaluation, call 2 (the fix-up) makes it worse but valid, call 3 edits out of scope.
        Path calls = tmp.resolve("calls");
        repo.write("agent.sh", """
                #!/bin/sh
                echo . >> %s
                n=$(wc -l < %s | tr -d ' ')
                case $n in
                  1) printf 'x = 9\\nwidth = 3\\n' > params.txt; echo '{"description": "x far out"}' ;;
                  2) printf 'x = 3.0\\nwidth = 3\\n' > params.txt; echo '{"description": "x back in range"}' ;;
                  *) echo more >> README.md; echo '{"description": "touch the readme"}' ;;
                esac
                """.formatted(calls, calls));
        repo.write("helix.yaml", repo.read("helix.yaml").replace("backend: tune", "backend: command\n  command: sh agent.sh"));
        repo.commitAll("an agent that needs a fix-up");

        TestRepo.Run run = repo.helix("run", "--tag", "f", "--max-experiments", "2");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.ledger()).extracting(r -> r.get("status").asText() + "#" + r.get("run").asInt() + "." + r.get("attempt").asInt())
                .containsExactly("baseline#0.0", "crash#1.0", "discard#1.1", "rejected#2.0");

        JsonNode status = repo.helix("status").json().get("data");
        assertThat(status.get("experiments").asInt()).isEqualTo(2);
        assertThat(status.get("attempts").asInt()).isEqualTo(3);
        assertThat(status.get("kept").asInt() + status.get("discarded").asInt() + status.get("crashed").asInt()
                + status.get("rejected").asInt()).isEqualTo(2);
        assertThat(status.get("crashed").asInt()).isZero();
        assertThat(repo.helix("--text", "status").out())
                .contains("2 experiments (3 attempts, each experiment counted by its last): 0 kept, 1 discarded, 0 crashed, 1 rejected");
        assertThat(repo.helix("--json", "report", "--format", "md").json().get("data").get("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void recordedMetricsAreInTheLedgerAndShownAndAMissingOneIsNoCrash() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                echo "train_iters: 28"
                awk -v x="$x" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """);
        repo.write("helix.yaml", repo.read("helix.yaml").replace("optimize: minimize}",
                "optimize: minimize}\n  record: [train_iters, tokens_per_second]"));
        repo.commitAll("record the iterations");

        TestRepo.Run run = repo.helix("run", "--tag", "m", "--max-experiments", "2");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.ledger()).allSatisfy(r -> {
            assertThat(r.get("status").asText()).isIn("baseline", "keep", "discard");
            assertThat(r.get("metrics").get("train_iters").asDouble()).isEqualTo(28.0);
            assertThat(r.get("metrics").has("tokens_per_second")).as("missing, so left out").isFalse();
        });
        assertThat(repo.helix("--text", "show", "baseline").out()).contains("metrics.train_iters: 28");
    }

    @Test
    void onANoisyMetricTheBestIsEstimatedFromEveryMeasurementOfIt() {
        TestRepo repo = NoisyRunTest.noisy(tmp.resolve("p"), "100 + 3 * (x - 4)");
        TestRepo.Run run = repo.helix("run", "--tag", "n", "--max-experiments", "6");
        assertThat(run.code()).as(run.toString()).isZero();
        java.util.List<JsonNode> ledger = repo.ledger();
        JsonNode kept = ledger.stream().filter(r -> r.get("status").asText().equals("keep")).reduce((a, b) -> b).orElseThrow();
        String commit = kept.get("commit").asText();
        int measurements = kept.get("samples").size() + (int) ledger.stream()
                .filter(r -> r.get("stats").isObject() && r.get("stats").get("incumbent").asText().equals(commit))
                .mapToLong(r -> r.get("incumbent_samples").size()).sum();

        JsonNode best = repo.helix("best").json().get("data");
        assertThat(best.get("delta").isNumber()).as("the kept run's own figures stay").isTrue();
        assertThat(best.get("best_estimate").get("n").asInt()).isEqualTo(measurements);
        assertThat(best.get("best_estimate").get("ci_low").asDouble()).isLessThan(best.get("best_estimate").get("mean").asDouble());
        assertThat(best.get("baseline_estimate").get("n").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(best.get("gain").get("delta").asDouble()).isCloseTo(best.get("best_estimate").get("mean").asDouble()
                - best.get("baseline_estimate").get("mean").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(repo.helix("--text", "best").out()).contains(measurements + " measurements) against baseline")
                .contains("its own run measured");

        JsonNode status = repo.helix("status").json().get("data");
        assertThat(status.get("best_estimate")).isEqualTo(best.get("best_estimate"));
        assertThat(status.get("gain")).isEqualTo(best.get("gain"));
        String text = repo.helix("--text", "status").out();
        assertThat(text).contains("Best from every measurement: #" + kept.get("run").asInt());
        assertThat(text.contains("Noise now: sd of a difference")).isEqualTo(status.has("noise_now"));
        JsonNode report = repo.helix("--json", "report", "--format", "md").json().get("data");
        assertThat(report.get("best_estimate")).isEqualTo(best.get("best_estimate"));
        assertThat(report.get("document").asText()).contains("| Best from every measurement | #" + kept.get("run").asInt());
    }

    @Test
    void aDeterministicSessionKeepsItsExactNumbers() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("q"), "");
        assertThat(repo.helix("run", "--tag", "d", "--max-experiments", "3").code()).isZero();
        JsonNode best = repo.helix("best").json().get("data");
        assertThat(best.has("best_estimate")).isFalse();
        assertThat(repo.helix("status").json().get("data").has("gain")).isFalse();
        assertThat(repo.helix("--text", "status").out()).doesNotContain("every measurement");
    }

    @Test
    void theRunSummaryWatchAndReviewShowTheBestFromEveryMeasurementAsBestDoes() throws Exception {
        TestRepo repo = NoisyRunTest.noisy(tmp.resolve("p"), "100 + 3 * (x - 4)");
        TestRepo.Run run = repo.helix("run", "--tag", "n", "--max-experiments", "6");
        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode summary = run.json().get("data");
        JsonNode best = repo.helix("best").json().get("data");
        assertThat(summary.get("best_estimate")).as(summary.toString()).isEqualTo(best.get("best_estimate"));
        assertThat(summary.get("baseline_estimate")).isEqualTo(best.get("baseline_estimate"));
        assertThat(summary.get("gain")).isEqualTo(best.get("gain"));
        assertThat(summary.has("headline")).as("text only").isFalse();
        JsonNode status = repo.helix("status").json().get("data");
        assertThat(summary.get("noise_now")).isEqualTo(status.get("noise_now"));
        assertThat(repo.helix("--json", "report", "--format", "md").json().get("data").get("noise_now")).isEqualTo(status.get("noise_now"));

        int bestRun = summary.get("best_run").asInt();
        TestRepo.Run text = repo.helix("--text", "run", "--tag", "n", "--resume", "--max-experiments", "6");
        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.out()).contains("(as first measured)\n          from every measurement: #" + bestRun + " ")
                .contains(" measurements) against baseline ");
        assertThat(text.out().contains("\nNoise now: sd of a difference")).isEqualTo(status.has("noise_now"));

        String review = repo.helix("--text", "review").out();
        assertThat(review).contains("- Best from every measurement: #" + bestRun + " ");

        // No loop runs and stdout is not a terminal: watch prints its one line and ends by itself.
        TestRepo.Run watched = repo.helix("--text", "watch", "-i", "0.2", "--tag", "n");
        assertThat(watched.code()).as(watched.toString()).isZero();
        String out = watched.out();
        assertThat(out).contains("| score best #" + bestRun + " ").contains(" measurements) against baseline ");
    }

    @Test
    void whenTheMachineGetsNoisierStatusTheSummaryAndTheReportSaySo() {
        // sd 0.2 for the baseline's three runs, then 5: the machine got busy right after the baseline
        TestRepo repo = NoisyRunTest.noisy(tmp.resolve("b"), "100");
        repo.write("evaluate.sh", repo.read("evaluate.sh").replace("100 + z", "100 + (n <= 3 ? 0.2 : 5) * z")
                .replace("-v seed=\"$seed\"", "-v seed=\"$seed\" -v n=\"$n\""));
        repo.commitAll("louder after the baseline");
        TestRepo.Run run = repo.helix("--text", "run", "--tag", "b", "--max-experiments", "8");
        assertThat(run.code()).as(run.toString()).isZero();
        String grown = "the noise has grown several-fold during the session";
        assertThat(run.out()).contains("Noise now: sd of a difference").contains(grown);
        JsonNode status = repo.helix("status").json().get("data");
        assertThat(status.get("noise_now").get("grown").asBoolean()).isTrue();
        assertThat(status.get("noise_now").get("ratio").asDouble()).isGreaterThan(3);
        assertThat(repo.helix("--text", "status").out()).contains(grown);
        assertThat(repo.helix("--json", "report", "--format", "md").json().get("data").get("document").asText())
                .contains("| Noise now | sd of a difference").contains(grown);
    }
}

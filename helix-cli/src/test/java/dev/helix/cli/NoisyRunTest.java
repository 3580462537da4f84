package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix run on a noisy metric, end to end: a real evaluation process that prints a true value plus
 * Gaussian noise (sd 1), and the tuner turning a parameter. The statistical judge must keep
 * (almost) nothing when the parameter does nothing, and keep a real improvement.
 */
class NoisyRunTest {
    @TempDir
    Path tmp;

    /**
     * score = true value + N(0, 1), a fresh draw on every evaluation: awk seeded with the number of
     * evaluations so far (a counter outside the repository), so that a run is reproducible and the
     * test cannot flake. The true value is an awk expression of the tuned x.
     */
    static TestRepo noisy(Path dir, String trueValue) {
        Path counter = dir.resolveSibling(dir.getFileName() + "-evaluations");
        TestRepo repo = new TestRepo(dir);
        repo.write("params.txt", "x = 4.0\n");
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                n=$(( $(cat COUNTER 2>/dev/null || echo 0) + 1 )); echo $n > COUNTER
                seed=$(( n * 7919 + 17 ))
                awk -v x="$x" -v seed="$seed" 'BEGIN {
                    srand(seed)
                    u1 = rand(); u2 = rand(); if (u1 < 1e-12) u1 = 1e-12
                    z = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2)
                    printf "score: %.6f\\n", TRUE + z
                }'
                """.replace("TRUE", trueValue).replace("COUNTER", counter.toString()));
        repo.write("helix.yaml", """
                name: noisy
                domain: testing
                description: A noisy benchmark score.
                scope:
                  editable: [params.txt]
                metrics:
                  primary: {name: score, optimize: maximize}
                evaluate:
                  command: sh evaluate.sh
                  timeout_seconds: 20
                agent:
                  backend: tune
                search:
                  seed: 11
                  parameters:
                    x: {file: params.txt, pattern: 'x = ([-0-9.eE+]+)', type: float, range: [0, 8]}
                """);
        repo.commitAll("a noisy project");
        return repo;
    }

    @Test
    void onPureNoiseAutoTurnsStatisticalAndKeepsAlmostNothing() {
        TestRepo repo = noisy(tmp.resolve("p"), "100");

        TestRepo.Run run = repo.helix("run", "--tag", "noise", "--max-experiments", "12");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        JsonNode baseline = ledger.get(0);
        assertThat(baseline.get("samples")).hasSize(3);
        assertThat(baseline.get("noise").get("mode").asText()).isEqualTo("statistical");
        assertThat(baseline.get("noise").get("sd").asDouble()).isBetween(0.05, 4.0);
        long kept = ledger.stream().filter(r -> r.get("status").asText().equals("keep")).count();
        // False keeps are at most 5% per experiment: over 12 experiments one would be bad luck, two a bug.
        assertThat(kept).as(ledgerText(ledger)).isLessThanOrEqualTo(1);
        for (JsonNode r : ledger.subList(1, ledger.size())) {
            assertThat(r.get("status").asText()).isIn("keep", "discard");
            assertThat(r.get("log").asText()).as("the candidate's own log").endsWith("/" + r.get("run").asInt() + ".log");
            JsonNode stats = r.get("stats");
            assertThat(stats.isObject()).as(r.toString()).isTrue();
            assertThat(r.get("samples").size()).isEqualTo(stats.get("n").asInt()).isBetween(1, 7);
            assertThat(stats.get("evaluations").asInt()).isEqualTo(r.get("samples").size() + r.get("incumbent_samples").size());
            assertThat(stats.get("p_value").isNumber()).isTrue();
            assertThat(stats.get("ci_low").asDouble()).isLessThanOrEqualTo(stats.get("effect").asDouble());
            assertThat(r.get("reason").asText()).contains("score").contains("p=").containsPattern("; \\d+ evaluations?$");
        }
        // The first experiment re-measures the incumbent (only 3 baseline samples): its samples pool.
        assertThat(ledger.get(1).get("incumbent_samples").size()).isPositive();
        assertThat(ledger.get(1).get("stats").get("incumbent").asText()).isEqualTo(baseline.get("commit").asText());
    }

    @Test
    void aRealImprovementOfThreeSigmaIsKept() {
        // Moving x from 4 towards 8 improves the true score by up to 3 sd per unit of x.
        TestRepo repo = noisy(tmp.resolve("p"), "100 + 3 * (x - 4)");

        TestRepo.Run run = repo.helix("run", "--tag", "real", "--max-experiments", "8");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        List<JsonNode> keeps = ledger.stream().filter(r -> r.get("status").asText().equals("keep")).toList();
        assertThat(keeps).as(ledgerText(ledger)).isNotEmpty();
        for (JsonNode k : keeps) {
            JsonNode stats = k.get("stats");
            assertThat(stats.get("p_value").asDouble()).isLessThanOrEqualTo(stats.get("alpha").asDouble());
            assertThat(stats.get("ci_low").asDouble()).as("a keep's interval excludes no change").isPositive();
            assertThat(k.get("reason").asText()).startsWith("score").contains("significant");
        }
        assertThat(repo.helix("status").code()).isZero();
    }

    @Test
    void aDeterministicMetricKeepsTheStrictJudge() {
        TestRepo repo = TestRepo.quadratic(tmp, "");

        TestRepo.Run run = repo.helix("run", "--tag", "det", "--max-experiments", "3");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode baseline = repo.ledger().get(0);
        assertThat(baseline.get("samples")).hasSize(3);
        assertThat(baseline.get("noise").get("sd").asDouble()).isZero();
        assertThat(baseline.get("noise").get("mode").asText()).isEqualTo("strict");
        for (JsonNode r : repo.ledger().subList(1, 4)) {
            assertThat(r.get("samples")).as("strict: one evaluation per experiment").hasSize(1);
            assertThat(r.get("stats").isNull()).isTrue();
        }
    }

    @Test
    void aCrashInAnyRepeatIsACrash() {
        TestRepo repo = noisy(tmp.resolve("p"), "100");
        // The third measurement of the baseline fails: the baseline is a crash, with the repeat named.
        Path counter = tmp.resolve("count");
        repo.write("evaluate.sh", "n=$(( $(cat " + counter + " 2>/dev/null || echo 0) + 1 )); echo $n > " + counter
                + "\nif [ $n -eq 3 ]; then echo 'flaky failure' >&2; exit 3; fi\n" + repo.read("evaluate.sh"));
        repo.commitAll("a flaky evaluation");

        TestRepo.Run run = repo.helix("run", "--tag", "flaky", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isNotZero();
        JsonNode baseline = repo.ledger().get(0);
        assertThat(baseline.get("status").asText()).isEqualTo("crash");
        assertThat(baseline.get("reason").asText()).isEqualTo("repeat 3: exit code 3");
        assertThat(baseline.get("samples")).hasSize(2);
        assertThat(baseline.get("log").asText()).isEqualTo(".helix/runs/flaky/0.3.log");
        assertThat(baseline.get("log_tail").asText()).contains("flaky failure");
    }

    static String ledgerText(List<JsonNode> ledger) {
        StringBuilder b = new StringBuilder();
        ledger.forEach(r -> b.append(r.get("run")).append(' ').append(r.get("status")).append(' ')
                .append(r.get("samples")).append(' ').append(r.get("incumbent_samples")).append(' ')
                .append(r.get("reason")).append('\n'));
        return b.toString();
    }
}

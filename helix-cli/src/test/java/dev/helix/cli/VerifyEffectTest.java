package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.core.judge.Reproduction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix verify on a noisy, drifting metric: the effect of a kept change against its parent is
 * re-measured in balanced blocks, not the absolute value the machine has drifted away from.
 */
class VerifyEffectTest {
    @TempDir
    Path tmp;

    /**
     * The quadratic project with a noisy evaluation: loss = 10 + scale * (x - 1.7)^2 + noise seeded
     * by the evaluation count (sd 0.025, the same with any awk) + a drift of 0.02 per evaluation,
     * the count and the scale kept in files outside the repository (the machine, and the world the
     * change's effect depends on). Only changes gaining more than 0.3 are kept.
     */
    private TestRepo drifting(Path count, Path scale) throws Exception {
        Files.writeString(count, "0\n");
        Files.writeString(scale, "1\n");
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "judge:\n  mode: statistical\n  max_repeats: 4\n  min_improvement: 0.3\n");
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                n=$(( $(cat COUNT) + 1 )); echo "$n" > COUNT
                s=$(cat SCALE)
                awk -v x="$x" -v n="$n" -v s="$s" 'BEGIN { m = 2147483648
                  u1 = (n * 1103515245 + 12345) % m / m; u2 = ((n + 7777) * 1103515245 + 12345) % m / m
                  printf "loss: %.6f\\n", 10 + s * (x - 1.7) * (x - 1.7) + 0.06 * (u1 + u2 - 1) + 0.02 * n }'
                """.replace("COUNT", count.toString()).replace("SCALE", scale.toString()));
        repo.commitAll("a noisy evaluation that drifts");
        TestRepo.Run run = repo.helix("run", "--tag", "n", "--max-experiments", "6");
        assertThat(run.code()).as(run.toString()).isZero();
        return repo;
    }

    private static List<JsonNode> rows(TestRepo repo, String status) {
        return repo.ledger().stream().filter(r -> r.get("status").asText().equals(status)).toList();
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> xs = new ArrayList<>();
        array.forEach(v -> xs.add(v.asDouble()));
        return xs;
    }

    @Test
    void aRealEffectReproducesUnderDriftAndAnEffectThatWentAwayDoesNot() throws Exception {
        Path count = tmp.resolve("count");
        Path scale = tmp.resolve("scale");
        TestRepo repo = drifting(count, scale);
        assertThat(rows(repo, "baseline").get(0).get("noise").get("mode").asText()).isEqualTo("statistical");
        List<JsonNode> keeps = rows(repo, "keep");
        assertThat(keeps).as("the session kept something").isNotEmpty();
        JsonNode best = keeps.get(keeps.size() - 1);
        // The machine drifted on: 100 evaluations later every absolute value is 2.0 higher.
        Files.writeString(count, (Integer.parseInt(Files.readString(count).strip()) + 100) + "\n");

        TestRepo.Run ok = repo.helix("verify", "best", "--repeats", "4");
        assertThat(ok.code()).as(ok.toString()).isZero();
        JsonNode data = ok.json().get("data");
        assertThat(data.get("reproduces").asBoolean()).isTrue();
        assertThat(data.get("run").asInt()).isEqualTo(best.get("run").asInt());
        assertThat(data.get("parent").asText()).isEqualTo(best.get("parent").asText());
        assertThat(data.get("samples")).hasSize(4);
        assertThat(data.get("parent_samples")).hasSize(4);
        assertThat(data.get("blocks").asInt()).isEqualTo(4);
        assertThat(Math.signum(data.get("effect").asDouble())).isEqualTo(Math.signum(best.get("stats").get("effect").asDouble()));
        // machine output keeps 12 significant digits; the ledger keeps every digit
        assertThat(data.get("recorded_effect").asDouble()).isCloseTo(best.get("stats").get("effect").asDouble(), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(data.get("ci_high").asDouble()).isNegative();
        assertThat(data.get("reason").asText()).startsWith("reproduces: effect recorded ").contains("the recorded effect lies");
        // What verify used to answer: the recorded value against the re-measured ones, which drifted away.
        assertThat(Reproduction.check(best.get("primary").asDouble(), doubles(data.get("samples")), 0, 0.95).reproduces()).isFalse();

        JsonNode record = rows(repo, "verify").get(0);
        assertThat(record.get("run").asInt()).isEqualTo(best.get("run").asInt());
        assertThat(doubles(record.get("samples"))).isEqualTo(doubles(data.get("samples")));
        assertThat(doubles(record.get("incumbent_samples"))).isEqualTo(doubles(data.get("parent_samples")));
        assertThat(record.get("stats").get("effect").asDouble()).isCloseTo(data.get("effect").asDouble(), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(record.get("stats").get("incumbent").asText()).isEqualTo(best.get("parent").asText());
        assertThat(record.get("stats").get("evaluations").asInt()).isEqualTo(8);

        // The world changed under the change: x no longer matters, so its effect is gone.
        Files.writeString(scale, "0\n");
        TestRepo.Run gone = repo.helix("verify", "best", "--repeats", "4");
        assertThat(gone.code()).as(gone.toString()).isEqualTo(1);
        assertThat(gone.json().get("data").get("reproduces").asBoolean()).isFalse();
        assertThat(gone.json().get("data").get("reason").asText()).startsWith("does not reproduce");
        assertThat(rows(repo, "verify")).hasSize(2);
        assertThat(repo.helix("verify", "best", "--repeats", "2").code()).as("two blocks leave no spread to judge by").isEqualTo(2);
    }

    @Test
    void allKeptChecksEveryKeepAgainstItsOwnParent() throws Exception {
        TestRepo repo = drifting(tmp.resolve("count"), tmp.resolve("scale"));
        List<JsonNode> keeps = rows(repo, "keep");
        assertThat(keeps).isNotEmpty();

        TestRepo.Run all = repo.helix("verify", "--all-kept");
        assertThat(all.code()).as(all.toString()).isZero();
        JsonNode data = all.json().get("data");
        assertThat(data.get("total").asInt()).isEqualTo(keeps.size());
        assertThat(data.get("reproduced").asInt()).isEqualTo(keeps.size());
        for (int i = 0; i < keeps.size(); i++) {
            JsonNode check = data.get("checks").get(i);
            assertThat(check.get("run").asInt()).isEqualTo(keeps.get(i).get("run").asInt());
            assertThat(check.get("parent").asText()).isEqualTo(keeps.get(i).get("parent").asText());
            assertThat(check.get("parent_samples")).hasSize(4);
        }
        assertThat(rows(repo, "verify")).hasSize(keeps.size());

        TestRepo.Run text = repo.helix("--text", "verify", "--all-kept");
        assertThat(text.out()).contains("recorded effect").contains(keeps.size() + " of " + keeps.size());
        assertThat(repo.helix("verify", "3", "--all-kept").code()).isEqualTo(2);
    }

    @Test
    void aDeterministicSessionStillComparesTheValueExactly() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("strict"), "");
        assertThat(repo.helix("run", "--tag", "s", "--max-experiments", "4").code()).isZero();
        int keeps = rows(repo, "keep").size();

        TestRepo.Run all = repo.helix("verify", "--all-kept", "--repeats", "1");
        assertThat(all.code()).as(all.toString()).isZero();
        JsonNode checks = all.json().get("data").get("checks");
        assertThat(checks).hasSize(keeps);
        checks.forEach(c -> {
            assertThat(c.has("effect")).isFalse();
            assertThat(c.get("recorded").asDouble()).isEqualTo(c.get("mean").asDouble());
            assertThat(c.get("samples")).hasSize(1);
        });
        rows(repo, "verify").forEach(r -> assertThat(r.get("stats").isNull()).isTrue());
    }
}

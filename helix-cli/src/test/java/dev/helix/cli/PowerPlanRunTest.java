package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.core.judge.Power;
import dev.helix.core.judge.PowerPlan;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power planning on real processes: a benchmark score of 100 with Gaussian noise (sd 1, see
 * {@link NoisyRunTest#noisy}). The session says at its start what the baseline's noise lets the
 * judge keep, and warns when judge.min_improvement asks for less; doctor says the same from the ledger.
 */
class PowerPlanRunTest {
    @TempDir
    Path tmp;

    @Test
    void theSessionAndDoctorSayWhatTheNoiseAllowsAndWarnAboutAMinImprovementBelowIt() {
        TestRepo repo = NoisyRunTest.noisy(tmp.resolve("p"), "100");
        JsonNode before = repo.helix("doctor", "--quick", "--json").json().get("data");
        assertThat(before.get("checks").findValuesAsText("id")).as("nothing to plan from yet").doesNotContain("power");

        TestRepo.Run run = repo.helix("run", "--tag", "p", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode baseline = repo.ledger().get(0);
        PowerPlan plan = PowerPlan.of(baseline.get("noise").get("sd").asDouble(), 3, baseline.get("primary").asDouble(),
                new Spec.JudgeSpec(Spec.JudgeMode.AUTO, Spec.Threshold.ZERO, 0.95, true)).orElseThrow();
        assertThat(plan.detectable() / 100).as("about 1.8 sd of one measurement, in proportion to 100").isBetween(0.0005, 0.1);
        String said = run.out() + run.err();
        assertThat(said).contains("note: power planning: " + plan.render())
                .contains("note: judge.min_improvement 0 (0%) is below what the noise allows: an improvement smaller than ");

        JsonNode power = check(repo.helix("doctor", "--quick", "--json").json().get("data"), "power");
        assertThat(power.get("status").asText()).as(power.toString()).isEqualTo("warn");
        assertThat(power.get("message").asText()).isEqualTo(plan.render() + " (from the baseline of p, 3 runs); " + plan.warning().orElseThrow());
        assertThat(power.get("fix").asText()).isEqualTo(plan.advice());

        TestRepo.Run report = repo.helix("report", "--tag", "p", "--format", "md", "--text");
        assertThat(report.code()).as(report.toString()).isZero();
        double rate = Power.keep(0, 7, 0.95);
        long kept = repo.ledger().stream().filter(r -> r.get("status").asText().equals("keep")).count();
        assertThat(report.out()).contains(String.format(java.util.Locale.ROOT, "| False keeps expected | at most %.2f of %d kept "
                + "(1 judgements × %.1f%%, the judge's rate of keeping a change with no real effect at confidence 0.95 with up to 7 "
                + "blocks) |", rate, kept, rate * 100));
        assertThat(rate).isBetween(0.01, 0.05);
    }

    @Test
    void aMinImprovementAboveTheNoiseFloorPassesWithoutAWarning() {
        TestRepo repo = NoisyRunTest.noisy(tmp.resolve("p"), "100");
        repo.write("helix.yaml", repo.read("helix.yaml").replace("agent:\n", "judge:\n  min_improvement: \"10%\"\nagent:\n"));
        repo.commitAll("only a ten percent gain matters");

        TestRepo.Run run = repo.helix("run", "--tag", "q", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out() + run.err()).contains("note: power planning: sd ").doesNotContain("is below what the noise allows");
        JsonNode power = check(repo.helix("doctor", "--quick", "--json").json().get("data"), "power");
        assertThat(power.get("status").asText()).as(power.toString()).isEqualTo("pass");
        assertThat(power.get("message").asText()).contains("the smallest improvement kept with 80% power is 1");
    }

    @Test
    void theFirstTryOfASessionSaysThePlanAmongItsHints() {
        TestRepo repo = NoisyRunTest.noisy(tmp.resolve("p"), "100");
        repo.write("params.txt", "x = 4.5\n");

        TestRepo.Run first = repo.helix("try", "-m", "x = 4.5", "--json");

        assertThat(first.code()).as(first.toString()).isZero();
        JsonNode hints = first.json().get("hints");
        assertThat(hints.toString()).contains("power planning: sd ").contains("is below what the noise allows");
        repo.write("params.txt", "x = 5.0\n");
        TestRepo.Run second = repo.helix("try", "-m", "x = 5.0", "--json");
        assertThat(second.json().get("hints").toString()).as("only the try that measured the baseline").doesNotContain("power planning");
    }

    private static JsonNode check(JsonNode data, String id) {
        for (JsonNode c : data.get("checks")) if (c.get("id").asText().equals(id)) return c;
        throw new AssertionError("no check " + id + " in " + data);
    }
}

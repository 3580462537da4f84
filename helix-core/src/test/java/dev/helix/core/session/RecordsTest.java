package dev.helix.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Evidence;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Noise;
import dev.helix.core.experiment.Status;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordsTest {
    static Experiment record(int run, String commit, Status status, List<Double> samples, List<Double> incumbent,
                             String incumbentCommit, Optional<Noise> noise) {
        Optional<Evidence> evidence = incumbentCommit.isEmpty() ? Optional.empty()
                : Optional.of(new Evidence(0, 0, 0, 0.5, 0.0136, samples.size(), 3, 1, 0.1, 4,
                samples.size() + incumbent.size(), incumbentCommit));
        Optional<Double> primary = samples.isEmpty() ? Optional.empty()
                : Optional.of(samples.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
        return new Experiment(run, "t", 0, "p", commit, status, Map.of(), primary, Optional.empty(), Optional.empty(),
                "", Optional.empty(), "", samples, Instant.EPOCH, Instant.EPOCH, 0, Optional.of(0), false, "",
                DiffStat.NONE, Optional.empty(), List.of(), Optional.empty(), 0, incumbent, evidence, noise);
    }

    @Test
    void theBestPoolsItsOwnSamplesWithEveryReMeasureOfIt() {
        List<Experiment> records = List.of(
                record(0, "base", Status.BASELINE, List.of(1.0, 1.2, 1.1), List.of(), "",
                        Optional.of(new Noise(0.1, 3, Noise.STATISTICAL))),
                record(1, "c1", Status.DISCARD, List.of(0.9), List.of(1.05), "base", Optional.empty()),
                record(2, "c2", Status.KEEP, List.of(1.5, 1.6), List.of(1.15), "base", Optional.empty()),
                record(3, "c3", Status.DISCARD, List.of(1.4), List.of(1.55), "c2", Optional.empty()));
        Map<String, List<Double>> pools = Records.pools(records);
        assertThat(pools.get("base")).containsExactly(1.0, 1.2, 1.1, 1.05, 1.15);
        assertThat(pools.get("c2")).containsExactly(1.5, 1.6, 1.55);
        assertThat(pools.get("c1")).containsExactly(0.9);
        assertThat(Records.noise(records)).contains("noise: sd 0.1 (9.1% of 1.1) over 3 baseline runs -> statistical judge");
        assertThat(Records.evaluationsPerExperiment(records)).isEqualTo((2 + 3 + 2) / 3.0);
    }

    static Experiment attempt(int run, int attempt, Status status) {
        return new Experiment(run, "t", 0, "p", "c" + run + "." + attempt, status, Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), "", Optional.empty(), "", List.of(), Instant.EPOCH, Instant.EPOCH, 0,
                Optional.of(0), false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty(), attempt);
    }

    @Test
    void anExperimentIsCountedOnceByItsLastAttemptAndItsAttemptsApart() {
        List<Experiment> records = List.of(attempt(0, 0, Status.BASELINE),
                attempt(1, 0, Status.CRASH), attempt(1, 1, Status.DISCARD),
                attempt(2, 0, Status.REJECTED),
                attempt(3, 0, Status.CRASH), attempt(3, 1, Status.CRASH), attempt(3, 2, Status.KEEP),
                attempt(4, 0, Status.STALE), attempt(4, 1, Status.DISCARD),
                attempt(5, 0, Status.INTERRUPTED),
                attempt(3, 0, Status.VERIFY));
        var s = Records.summary(records);
        assertThat(List.of(s.experiments(), s.attempts(), s.kept(), s.discarded(), s.crashed(), s.rejected(), s.stale(),
                s.interrupted())).containsExactly(5, 9, 1, 2, 0, 1, 0, 1);
        assertThat(s.kept() + s.discarded() + s.crashed() + s.rejected() + s.stale() + s.interrupted()).isEqualTo(s.experiments());
        assertThat(s.counts()).isEqualTo("5 experiments (9 attempts, each experiment counted by its last):"
                + " 1 kept, 2 discarded, 0 crashed, 1 rejected, 1 interrupted");
    }

    @Test
    void withoutFixUpsTheCountsReadAsBefore() {
        var s = Records.summary(List.of(attempt(0, 0, Status.BASELINE), attempt(1, 0, Status.KEEP), attempt(2, 0, Status.CRASH)));
        assertThat(s.counts()).isEqualTo("2 experiments: 1 kept, 0 discarded, 1 crashed, 0 rejected");
    }

    @Test
    void theHeadlineEstimatesBestAndBaselineFromEveryMeasurementOfThem() {
        List<Experiment> records = List.of(
                record(0, "base", Status.BASELINE, List.of(1.0, 1.2, 1.1), List.of(), "",
                        Optional.of(new Noise(0.1, 3, Noise.STATISTICAL))),
                record(1, "c1", Status.KEEP, List.of(1.5, 1.7), List.of(1.05, 1.15), "base", Optional.empty()),
                record(2, "c2", Status.DISCARD, List.of(1.4), List.of(1.3), "c1", Optional.empty()),
                record(3, "c3", Status.DISCARD, List.of(1.45, 1.35), List.of(1.4, 1.3), "c1", Optional.empty()));
        Estimate.Headline h = Records.headline(records).orElseThrow();
        assertThat(h.bestRun()).isEqualTo(1);
        assertThat(h.best().n()).as("its own two samples and three later re-measures").isEqualTo(5);
        assertThat(h.best().mean()).isCloseTo((1.5 + 1.7 + 1.3 + 1.4 + 1.3) / 5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(h.baseline().n()).isEqualTo(5);
        assertThat(h.baseline().mean()).isCloseTo(1.1, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(h.best().ciLow()).isLessThan(h.best().mean());
        assertThat(h.best().ciHigh() - h.best().mean())
                .as("t(0.975, 4) * sd / sqrt(n)").isCloseTo(2.7764451 * h.best().sd() / Math.sqrt(5), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(h.gain().delta()).isCloseTo(1.44 - 1.1, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(h.gain().pct()).isCloseTo((1.44 - 1.1) / 1.1 * 100, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(h.gain().ciLow()).isLessThan(h.gain().delta()).isPositive();
        assertThat(h.render()).startsWith("#1 1.44 (95% CI ").contains("5 measurements) against baseline 1.1 (95% CI ")
                .contains(": +0.34 (+30.91%; 95% CI +");
    }

    @Test
    void aStrictSessionHasNoHeadlineEstimateItsMeasurementsAreExact() {
        List<Experiment> records = List.of(
                record(0, "base", Status.BASELINE, List.of(1.0), List.of(), "", Optional.of(new Noise(0, 3, Noise.STRICT))),
                record(1, "c1", Status.KEEP, List.of(0.9), List.of(), "", Optional.empty()));
        assertThat(Records.headline(records)).isEmpty();
        assertThat(Records.estimate(records, "c1")).hasValueSatisfying(e -> assertThat(e.n()).isEqualTo(1));
        assertThat(Records.estimate(records, "c1").orElseThrow().render()).isEqualTo("0.9 (1 measurement)");
    }

    @Test
    void theNoiseNowIsTheSpreadOfRecentDifferencesAgainstWhatTheBaselinePredicts() {
        Optional<Noise> quiet = Optional.of(new Noise(0.1, 3, Noise.STATISTICAL));
        Experiment base = record(0, "base", Status.BASELINE, List.of(1.0, 1.1, 1.2), List.of(), "", quiet);
        // differences within each experiment: +-0.1 around its own mean (its effect does not count)
        List<Experiment> calm = List.of(base,
                record(1, "c1", Status.DISCARD, List.of(1.6, 1.4), List.of(1.0, 1.0), "base", Optional.empty()),
                record(2, "c2", Status.DISCARD, List.of(1.1, 0.9), List.of(1.0, 1.0), "base", Optional.empty()));
        NoiseNow now = NoiseNow.of(calm).orElseThrow();
        assertThat(now.sdDifference()).isCloseTo(Math.sqrt(0.02), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(now.df()).isEqualTo(2);
        assertThat(now.ratio()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(now.grown()).isFalse();
        assertThat(now.render()).isEqualTo("noise now: sd of a difference 0.141421 over the last 2 experiments, 1.0× what the baseline predicts");

        List<Experiment> busy = List.of(base,
                record(1, "c1", Status.DISCARD, List.of(2.0, 0.0), List.of(1.0, 1.0), "base", Optional.empty()),
                record(2, "c2", Status.DISCARD, List.of(1.5, 0.5, 1.0), List.of(1.0, 1.0, 1.0), "base", Optional.empty()));
        assertThat(NoiseNow.of(busy).orElseThrow().grown()).isTrue();
        assertThat(NoiseNow.of(busy).orElseThrow().render()).contains("grown several-fold");
        assertThat(NoiseNow.of(List.of(base))).as("no blocks yet").isEmpty();
    }

    @Test
    void theNoiseNowComparesTheLastFiveExperimentsWithTheFiveBefore() {
        Optional<Noise> quiet = Optional.of(new Noise(0.1, 3, Noise.STATISTICAL));
        List<Experiment> records = new java.util.ArrayList<>();
        records.add(record(0, "base", Status.BASELINE, List.of(1.0, 1.1, 1.2), List.of(), "", quiet));
        // five quiet experiments (differences +-0.1), then five with differences +-1: the machine got busy
        for (int i = 1; i <= 10; i++) {
            double h = i <= 5 ? 0.1 : 1.0;
            records.add(record(i, "c" + i, Status.DISCARD, List.of(1.0 + h, 1.0 - h), List.of(1.0, 1.0), "base", Optional.empty()));
        }
        NoiseNow now = NoiseNow.of(records).orElseThrow();
        assertThat(now.experiments()).isEqualTo(5);
        assertThat(now.earlier()).isCloseTo(Math.sqrt(0.02), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(now.trend()).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(now.direction()).contains("rising");
        assertThat(now.grown()).isTrue();
        assertThat(now.render()).contains("; rising (0.141421 over the 5 before)").contains("grown several-fold during the session");

        List<Experiment> quietOnly = new java.util.ArrayList<>(records.subList(0, 6));
        quietOnly.add(records.get(1));
        quietOnly.add(records.get(2));
        NoiseNow calm = NoiseNow.of(quietOnly).orElseThrow();
        assertThat(calm.direction()).as("two experiments before the last five are enough for a trend").contains("steady");
        assertThat(calm.grown()).isFalse();
        assertThat(NoiseNow.of(records.subList(0, 6)).orElseThrow().direction()).as("nothing before the last five").isEmpty();
    }

    @Test
    void theDashboardAndTheReviewShowTheBestFromEveryMeasurement() {
        List<Experiment> records = List.of(
                record(0, "base", Status.BASELINE, List.of(1.0, 1.2, 1.1), List.of(), "",
                        Optional.of(new Noise(0.1, 3, Noise.STATISTICAL))),
                record(1, "c1", Status.KEEP, List.of(1.5, 1.6), List.of(1.15, 1.05), "base", Optional.empty()),
                record(2, "c2", Status.DISCARD, List.of(1.4, 1.3), List.of(1.45, 1.35), "c1", Optional.empty()));
        String headline = Records.headline(records).orElseThrow().render();
        assertThat(headline).startsWith("#1 1.475 (95% CI ").contains("4 measurements) against baseline 1.1 (95% CI");
        Dashboard.View view = new Dashboard.View("t", "score", records, Optional.empty(), Optional.empty());
        assertThat(Dashboard.line(view)).contains("| score best " + headline);
        assertThat(Dashboard.screen(view, Instant.EPOCH, 400)).contains("score: best " + headline);
        String prompt = dev.helix.core.review.ReviewPrompt.build(new dev.helix.core.review.ReviewPrompt.Context("t", "", "score", ""),
                records);
        assertThat(prompt).contains("(as first measured)").contains("- Best from every measurement: " + headline)
                .contains("- Noise now: sd of a difference");
    }
}

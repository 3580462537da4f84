package dev.helix.core.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.HoldoutReading;
import dev.helix.core.experiment.Status;
import dev.helix.core.spec.Direction;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The overfitting flag: the primary improved on the baseline while the hold-out got worse beyond its noise. */
class OverfittingTest {

    private static Experiment record(int run, Status status, double primary, Optional<HoldoutReading> holdout) {
        return new Experiment(run, "t", 0, "p", "c" + run, status, Map.of("loss", primary), Optional.of(primary), Optional.empty(),
                Optional.empty(), "#" + run, Optional.empty(), "", List.of(primary), Instant.EPOCH, Instant.EPOCH, 1, Optional.of(0),
                false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty()).withHoldout(holdout);
    }

    private static Optional<HoldoutReading> h(Double... values) {
        return Optional.of(HoldoutReading.of(List.of(values)));
    }

    @Test
    void aPrimaryThatImprovesWhileTheHoldoutWorsensBeyondItsNoiseIsFlagged() {
        // sd 0.1 of 3 repeats: noise t(0.975, 2) * 0.1 * sqrt(1 + 1/3) = 0.4968 against the baseline
        List<Experiment> records = List.of(record(0, Status.BASELINE, 5.0, h(1.0, 1.1, 0.9)),
                record(1, Status.KEEP, 4.0, h(1.1)), record(2, Status.DISCARD, 4.5, Optional.empty()), record(3, Status.KEEP, 3.0, h(1.6)));

        Overfitting o = Overfitting.of(records, Direction.MINIMIZE).orElseThrow();

        assertThat(o.flagged()).isTrue();
        assertThat(o.primaryGain()).isEqualTo(2.0);
        assertThat(o.holdoutGain()).isCloseTo(-0.6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(o.noise()).isCloseTo(0.4968, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(o.stepNoise()).isCloseTo(0.6085, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(o.suspects()).isEmpty(); // 1.1 to 1.6 is within the noise of two single readings
        assertThat(o.curve()).extracting(Overfitting.Point::run).containsExactly(0, 1, 3);
        assertThat(o.render()).startsWith("OVERFITTING: primary +2 vs baseline, hold-out -0.6 (noise ±0.4968)");
    }

    @Test
    void aWorseningWithinTheNoiseIsNotFlagged() {
        List<Experiment> records = List.of(record(0, Status.BASELINE, 5.0, h(1.0, 1.1, 0.9)), record(1, Status.KEEP, 3.0, h(1.15)));

        assertThat(Overfitting.of(records, Direction.MINIMIZE).orElseThrow().flagged()).isFalse();
    }

    @Test
    void aDeterministicHoldoutCountsAnyWorseningAndMaximizingIsTheOtherWayRound() {
        List<Experiment> records = List.of(record(0, Status.BASELINE, 0.80, h(0.70)), record(1, Status.KEEP, 0.90, h(0.69)));

        Overfitting o = Overfitting.of(records, Direction.MAXIMIZE).orElseThrow();

        assertThat(o.flagged()).isTrue();
        assertThat(o.primaryGain()).isCloseTo(0.10, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(o.render()).contains("hold-out -0.01 (no noise: the baseline's hold-out repeats agreed)");
    }

    @Test
    void aHoldoutThatImprovesToo_orAPrimaryThatDidNot_isNotOverfitting() {
        assertThat(Overfitting.of(List.of(record(0, Status.BASELINE, 5.0, h(1.0)), record(1, Status.KEEP, 3.0, h(0.5))),
                Direction.MINIMIZE).orElseThrow().flagged()).isFalse();
        assertThat(Overfitting.of(List.of(record(0, Status.BASELINE, 5.0, h(1.0))), Direction.MINIMIZE).orElseThrow().flagged()).isFalse();
    }

    @Test
    void aKeepThatTradesHoldoutForPrimaryIsNamedEvenWhileTheSessionBeatsItsBaselineOnBoth() {
        List<Experiment> records = List.of(record(0, Status.BASELINE, 0.469, h(0.550)), record(1, Status.KEEP, 0.301, h(0.221)),
                record(2, Status.KEEP, 0.128, h(0.099)), record(3, Status.DISCARD, 0.016, Optional.empty()),
                record(4, Status.KEEP, 0.118, h(0.1015)));

        Overfitting o = Overfitting.of(records, Direction.MINIMIZE).orElseThrow();

        assertThat(o.holdoutGain()).isPositive();
        assertThat(o.suspects()).containsExactly(4);
        assertThat(o.flagged()).isTrue();
        assertThat(o.render()).startsWith("OVERFITTING: ").endsWith(
                "keep #4 improved the primary while the hold-out got worse than at the keep before beyond its noise");
    }

    @Test
    void keepsThatImproveBothAreNotSuspects() {
        List<Experiment> records = List.of(record(0, Status.BASELINE, 5.0, h(1.0, 1.1, 0.9)), record(1, Status.KEEP, 4.0, h(0.8)),
                record(2, Status.KEEP, 3.0, h(0.85)), record(3, Status.KEEP, 2.0, h(0.5)));

        Overfitting o = Overfitting.of(records, Direction.MINIMIZE).orElseThrow();

        assertThat(o.suspects()).isEmpty();
        assertThat(o.flagged()).isFalse();
    }

    @Test
    void aKeepWhoseHoldoutFailedLeavesTheLatestMeasuredOneToJudge() {
        List<Experiment> records = List.of(record(0, Status.BASELINE, 5.0, h(1.0)), record(1, Status.KEEP, 4.0, h(2.0)),
                record(2, Status.KEEP, 3.0, Optional.of(HoldoutReading.failed("timed out"))));

        Overfitting o = Overfitting.of(records, Direction.MINIMIZE).orElseThrow();

        assertThat(o.flagged()).isTrue();
        assertThat(o.curve().get(2).holdout()).isEmpty();
    }

    @Test
    void aSessionWithoutAHoldoutHasNoComparison() {
        assertThat(Overfitting.of(List.of(record(0, Status.BASELINE, 5.0, Optional.empty()), record(1, Status.KEEP, 3.0, Optional.empty())),
                Direction.MINIMIZE)).isEmpty();
        assertThat(Overfitting.of(List.of(), Direction.MINIMIZE)).isEmpty();
    }

    @Test
    void worseningsTwiceTheBaselinesSpreadButWithinWhatThreeRepeatsCanTellAreNotFlagged() {
        // Twice the sd (0.2) flagged both; the t-based noise of two single readings (0.6085) and of one against the mean (0.4968) does not.
        List<Experiment> records = List.of(record(0, Status.BASELINE, 5.0, h(1.0, 1.1, 0.9)), record(1, Status.KEEP, 4.0, h(0.9)),
                record(2, Status.KEEP, 3.0, h(1.3)));

        Overfitting o = Overfitting.of(records, Direction.MINIMIZE).orElseThrow();

        assertThat(o.suspects()).isEmpty();
        assertThat(o.flagged()).isFalse();
    }

    @Test
    void aStepBeyondTheNoiseOfTwoSingleReadingsIsASuspectWhileTheSessionStaysWithinTheBaselinesNoise() {
        List<Experiment> records = List.of(record(0, Status.BASELINE, 5.0, h(1.0, 1.1, 0.9)), record(1, Status.KEEP, 4.0, h(0.5)),
                record(2, Status.KEEP, 3.0, h(1.15)));

        Overfitting o = Overfitting.of(records, Direction.MINIMIZE).orElseThrow();

        assertThat(o.suspects()).containsExactly(2);
        assertThat(o.flagged()).isTrue();
    }

    @Test
    void onANoisyHoldoutThatDoesNotChangeAtAllAtMostOneComparisonInFortyIsFlaggedByChance() {
        java.util.Random random = new java.util.Random(20261206);
        int trials = 20_000;
        int againstBaseline = 0;
        int keepAgainstKeep = 0;
        for (int i = 0; i < trials; i++) {
            Optional<HoldoutReading> base = h(random.nextGaussian(), random.nextGaussian(), random.nextGaussian());
            List<Experiment> records = List.of(record(0, Status.BASELINE, 5.0, base), record(1, Status.KEEP, 4.0, h(random.nextGaussian())),
                    record(2, Status.KEEP, 3.0, h(random.nextGaussian())));
            Overfitting o = Overfitting.of(records, Direction.MINIMIZE).orElseThrow();
            if (o.suspects().contains(1)) againstBaseline++;
            if (o.suspects().contains(2)) keepAgainstKeep++;
        }
        // Each is a one-sided 2.5% test; twice the sd of the repeats flagged about 15% of keep pairs.
        assertThat(againstBaseline / (double) trials).isBetween(0.015, 0.035);
        assertThat(keepAgainstKeep / (double) trials).isBetween(0.015, 0.035);
    }
}

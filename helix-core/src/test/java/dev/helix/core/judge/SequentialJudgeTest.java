package dev.helix.core.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.helix.core.experiment.Noise;
import dev.helix.core.judge.SequentialJudge.Decision;
import dev.helix.core.judge.SequentialJudge.Prior;
import dev.helix.core.judge.SequentialJudge.Result;
import dev.helix.core.judge.SequentialJudge.Settings;
import dev.helix.core.spec.Direction;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequentialJudgeTest {
    static final Settings MAX = new Settings(Direction.MAXIMIZE, 0, 0.95, 7);
    static final Settings MIN = new Settings(Direction.MINIMIZE, 0, 0.95, 7);
    /** A well-known noise: sd 1 from 40 degrees of freedom elsewhere in the session. */
    static final Prior SD1 = new Prior(1.0, 40);
    static final List<Double> INCUMBENT = List.of(9.0, 10.0, 11.0, 10.0, 10.0, 9.5, 10.5, 10.0);

    @Test
    void theStudentTDistributionMatchesItsTables() {
        assertThat(StudentT.quantile(0.975, 10)).isCloseTo(2.228139, within(1e-5));
        assertThat(StudentT.quantile(0.95, 2)).isCloseTo(2.919986, within(1e-5));
        assertThat(StudentT.cdf(1.0, 1)).isCloseTo(0.75, within(1e-9)); // Cauchy
        assertThat(StudentT.cdf(1.959964, Double.POSITIVE_INFINITY)).isCloseTo(0.975, within(1e-6));
    }

    @Test
    void pocockBoundariesMatchThePublishedConstantsRoundedUp() {
        // Pocock (1977), two-sided 5%: 2.178 for 2 looks, 2.413 for 5; our grid rounds up by about 0.02.
        assertThat(Boundary.constant(2, 0.025)).isBetween(2.178, 2.20);
        assertThat(Boundary.constant(5, 0.025)).isBetween(2.413, 2.435);
        assertThat(Boundary.constant(1, 0.05)).isCloseTo(1.644854, within(1e-6));
        assertThat(SequentialJudge.alphaAt(1, 7, 0.05)).isBetween(0.013, 0.0145);
    }

    @Test
    void aClearlyBetterCandidateIsKeptAtOnceWithItsEvidence() {
        Result r = SequentialJudge.judge(List.of(14.0), INCUMBENT, MAX, SD1);
        assertThat(r.decision()).isEqualTo(Decision.KEEP);
        assertThat(r.evidence().effect()).isEqualTo(4.0);
        assertThat(r.evidence().ciLow()).isPositive();
        assertThat(r.evidence().ciHigh()).isGreaterThan(4.0);
        assertThat(r.evidence().pValue()).isLessThanOrEqualTo(r.evidence().alpha());
        assertThat(r.evidence().incumbentN()).isEqualTo(8);
        assertThat(r.evidence().incumbentMean()).isEqualTo(10.0);
        assertThat(r.reason()).startsWith("significant: effect +4").contains("p=").contains("look 1");
    }

    @Test
    void aFirstSampleNoBetterThanTheIncumbentStopsAtOnce() {
        Result r = SequentialJudge.judge(List.of(9.9), INCUMBENT, MAX, SD1);
        assertThat(r.decision()).isEqualTo(Decision.DISCARD);
        assertThat(r.reason()).startsWith("no better (stopped at look 1)");
        // For a minimized metric the same numbers are an improvement worth a second look.
        assertThat(SequentialJudge.judge(List.of(9.9), INCUMBENT, MIN, SD1).decision()).isEqualTo(Decision.MORE);
    }

    @Test
    void aPromisingButUnprovenCandidateAsksForMoreUntilTheLastLook() {
        assertThat(SequentialJudge.judge(List.of(11.0), INCUMBENT, MAX, SD1).decision()).isEqualTo(Decision.MORE);
        List<Double> seven = List.of(10.5, 10.4, 10.6, 10.5, 10.5, 10.4, 10.6);
        Result last = SequentialJudge.judge(seven, INCUMBENT, MAX, SD1);
        assertThat(last.decision()).isEqualTo(Decision.DISCARD);
        assertThat(last.reason()).startsWith("not significant after 7 looks");
    }

    @Test
    void minImprovementIsTheNullHypothesis() {
        Settings atLeastThree = new Settings(Direction.MAXIMIZE, 3.0, 0.95, 7);
        // +4 is significant against no change, not against "at most +3".
        assertThat(SequentialJudge.judge(List.of(14.0), INCUMBENT, atLeastThree, SD1).decision()).isNotEqualTo(Decision.KEEP);
        assertThat(SequentialJudge.judge(List.of(12.9), INCUMBENT, atLeastThree, SD1).reason()).startsWith("not beyond min_improvement");
    }

    @Test
    void withoutAnyNoiseEstimateItCannotKeepButAsksForMore() {
        Result r = SequentialJudge.judge(List.of(20.0), List.of(10.0), MAX, Prior.NONE);
        assertThat(r.decision()).isEqualTo(Decision.MORE);
        assertThat(r.reason()).contains("no noise estimate");
    }

    @Test
    void identicalMeasurementsEverywhereMeanADeterministicMetricComparedExactly() {
        Prior none = Prior.pooled(List.of(List.of(5.0, 5.0, 5.0)));
        assertThat(none.sd()).isZero();
        assertThat(SequentialJudge.judge(List.of(5.1), List.of(5.0, 5.0), MAX, none).decision()).isEqualTo(Decision.KEEP);
        assertThat(SequentialJudge.judge(List.of(5.0), List.of(5.0, 5.0), MAX, none).decision()).isEqualTo(Decision.DISCARD);
    }

    @Test
    void theNoiseEstimatePoolsWithinGroupVariance() {
        Prior p = Prior.pooled(List.of(List.of(1.0, 3.0), List.of(10.0, 12.0, 14.0), List.of(7.0)));
        // SS = 2 + 8 = 10 over df 1 + 2 = 3
        assertThat(p.df()).isEqualTo(3);
        assertThat(p.sd()).isCloseTo(Math.sqrt(10.0 / 3), within(1e-12));
        assertThat(Noise.of(List.of(1.0, 3.0), Noise.STATISTICAL).sd()).isCloseTo(Math.sqrt(2), within(1e-12));
        assertThat(Noise.of(List.of(4.0, 4.0, 4.0), Noise.STRICT).render(4.0)).isEqualTo("noise: none: 3 identical baseline runs -> strict judge");
        assertThat(new Noise(0.02, 3, Noise.STATISTICAL).render(1.0)).isEqualTo("noise: sd 0.02 (2% of 1) over 3 baseline runs -> statistical judge");
    }

    @Test
    void aQualityGuardFailsOnlyWhenSignificantlyBeyondItsAllowance() {
        List<Double> before = List.of(1.00, 1.01, 0.99, 1.00);
        // minimized guard, 1% allowed: +5% worse with tiny spread is broken, +2% inside big noise is not
        assertThat(SequentialJudge.guardBroken("bpb", List.of(1.05, 1.051, 1.049), before, Direction.MINIMIZE, 0.01, 0.95)).isPresent();
        assertThat(SequentialJudge.guardBroken("bpb", List.of(1.02, 0.95, 1.09), before, Direction.MINIMIZE, 0.01, 0.95)).isEmpty();
        assertThat(SequentialJudge.guardBroken("bpb", List.of(1.005), before, Direction.MINIMIZE, 0.01, 0.95)).isEmpty();
        assertThat(SequentialJudge.boundBroken(List.of(39500.0), 39000, true, 0.95)).isTrue();
        assertThat(SequentialJudge.boundBroken(List.of(38000.0, 40100.0), 39000, true, 0.95)).isFalse();
    }

    /** The protocol on a known distribution: false keeps stay below alpha, a clear gain is kept. */
    @Test
    void theTrialHoldsItsErrorRatesOnSimulatedNoise() {
        SplittableRandom r = new SplittableRandom(42);
        int falseKeeps = 0, trueKeeps = 0, evals = 0, n = 400;
        for (int i = 0; i < n; i++) {
            List<Double> pool = new ArrayList<>();
            for (int k = 0; k < 6; k++) pool.add(JudgeBenchmark.gaussian(r));
            SequentialTrial.Outcome none = SequentialTrial.run(MAX, SD1, pool, false,
                    () -> OptionalDouble.of(JudgeBenchmark.gaussian(r)), () -> OptionalDouble.of(JudgeBenchmark.gaussian(r)));
            if (none.result().orElseThrow().decision() == Decision.KEEP) falseKeeps++;
            evals += none.evaluations();
            SequentialTrial.Outcome gain = SequentialTrial.run(MAX, SD1, pool, false,
                    () -> OptionalDouble.of(3 + JudgeBenchmark.gaussian(r)), () -> OptionalDouble.of(JudgeBenchmark.gaussian(r)));
            if (gain.result().orElseThrow().decision() == Decision.KEEP) trueKeeps++;
        }
        assertThat(falseKeeps).isLessThanOrEqualTo(n * 5 / 100);
        assertThat(trueKeeps).isGreaterThanOrEqualTo(n * 95 / 100);
        assertThat((double) evals / n).isLessThan(4);
    }

    @Test
    void aFailedMeasurementEndsTheTrialWithoutAResult() {
        int[] calls = {0};
        SequentialTrial.Outcome o = SequentialTrial.run(MAX, SD1, INCUMBENT, true,
                () -> ++calls[0] < 2 ? OptionalDouble.of(10.5) : OptionalDouble.empty(), () -> OptionalDouble.of(10.0));
        assertThat(o.failed()).isTrue();
        // B, A, (undecided) B, A crashed
        assertThat(o.evaluations()).isEqualTo(4);
        assertThat(o.candidate()).containsExactly(10.5);
        assertThat(o.incumbent()).containsExactly(10.0, 10.0);
    }

    @Test
    void theIncumbentIsReMeasuredPeriodicallyAfterAResumeAndWhileItHasFewSamples() {
        assertThat(SequentialTrial.remeasureFirst(10, 10, 20, false)).isTrue();
        assertThat(SequentialTrial.remeasureFirst(11, 10, 20, false)).isFalse();
        assertThat(SequentialTrial.remeasureFirst(11, 10, 20, true)).isTrue();
        assertThat(SequentialTrial.remeasureFirst(11, 10, 3, false)).isTrue();
        assertThat(SequentialTrial.remeasureFirst(10, 0, 20, false)).isFalse();
    }
}

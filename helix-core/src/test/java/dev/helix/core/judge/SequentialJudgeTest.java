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
    /** The same for differences of two measurements with sd 1 each. */
    static final Prior SD1x2 = new Prior(Math.sqrt(2), 40);

    @Test
    void aThinPriorIsWidenedToTheUpperBoundOfItsSdOnlyWhenADesignAsksForIt() {
        Prior baseline = new Prior(1.0, 2);
        assertThat(SequentialJudge.DESIGN.widen(baseline)).isEqualTo(baseline);
        SequentialDesign median = new SequentialDesign(0.5, 0, 0, 0.35, false, 0.3, true, 0.5);
        // chi-square with 2 df has median 2 ln 2, so the 50% upper bound of the sd is 1 / sqrt(ln 2)
        assertThat(median.widen(baseline).sd()).isCloseTo(1 / Math.sqrt(Math.log(2)), within(1e-9));
        SequentialDesign upper = new SequentialDesign(0.5, 0, 0, 0.35, false, 0.3, true, 0.75);
        assertThat(upper.widen(baseline).sd()).isCloseTo(1 / Math.sqrt(-Math.log(0.75)), within(1e-9));
        assertThat(upper.widen(new Prior(1.0, 12))).as("a session's prior is not thin").isEqualTo(new Prior(1.0, 12));
    }

    @Test
    void theStudentTDistributionMatchesItsTables() {
        assertThat(StudentT.quantile(0.975, 10)).isCloseTo(2.228139, within(1e-5));
        assertThat(StudentT.quantile(0.95, 2)).isCloseTo(2.919986, within(1e-5));
        assertThat(StudentT.cdf(1.0, 1)).isCloseTo(0.75, within(1e-9)); // Cauchy
        assertThat(StudentT.cdf(1.959964, Double.POSITIVE_INFINITY)).isCloseTo(0.975, within(1e-6));
        // chi-square: P(X <= 3.841459) = 0.95 for 1 df, P(X <= 5.991465) = 0.95 for 2; F(2, 10) at 4.102821 is 0.95
        assertThat(StudentT.fisherCdf(3.841459, 1, Double.POSITIVE_INFINITY)).isCloseTo(0.95, within(1e-6));
        assertThat(StudentT.fisherCdf(5.991465 / 2, 2, Double.POSITIVE_INFINITY)).isCloseTo(0.95, within(1e-6));
        assertThat(StudentT.fisherCdf(4.102821, 2, 10)).isCloseTo(0.95, within(1e-6));
    }

    @Test
    void pocockBoundariesMatchThePublishedConstantsRoundedUp() {
        // Pocock (1977), two-sided 5%: 2.178 for 2 looks, 2.413 for 5; our grid rounds up by about 0.02.
        assertThat(Boundary.constant(2, 0.025)).isBetween(2.178, 2.20);
        assertThat(Boundary.constant(5, 0.025)).isBetween(2.413, 2.435);
        assertThat(Boundary.constant(1, 0.05)).isCloseTo(1.644854, within(1e-6));
        // Seven blocks, six looks that may keep (2..7): more correlated than 1..6, so a lower constant.
        assertThat(SequentialJudge.alphaAt(2, 7, 0.05)).isEqualTo(Boundary.nominalAlpha(2, 7, 0.05));
        assertThat(Boundary.constant(2, 7, 0.05)).isLessThan(Boundary.constant(6, 0.05)).isGreaterThan(Boundary.constant(1, 0.05));
        assertThat(Boundary.crossing(2, 7, Boundary.constant(2, 7, 0.05))).isCloseTo(0.05, within(0.003));
    }

    @Test
    void aClearlyBetterCandidateIsKeptAfterTwoBlocksWithItsEvidence() {
        Result r = SequentialJudge.judge(List.of(14.0, 14.2), List.of(10.0, 10.2), MAX, SD1);
        assertThat(r.decision()).isEqualTo(Decision.KEEP);
        assertThat(r.evidence().effect()).isCloseTo(4.0, within(1e-12));
        assertThat(r.evidence().ciLow()).isPositive();
        assertThat(r.evidence().ciHigh()).isGreaterThan(4.0);
        assertThat(r.evidence().pValue()).isLessThanOrEqualTo(r.evidence().alpha());
        assertThat(r.evidence().n()).isEqualTo(2);
        assertThat(r.evidence().incumbentN()).isEqualTo(2);
        assertThat(r.evidence().incumbentMean()).isCloseTo(10.1, within(1e-12));
        assertThat(r.reason()).startsWith("significant: effect +4").contains("p=").contains("look 2").contains("2 blocks");
    }

    @Test
    void aSingleBlockCannotKeepHoweverLargeItsDifferenceSinceDriftCouldExplainIt() {
        assertThat(SequentialJudge.judge(List.of(20.0), List.of(10.0), MAX, SD1).decision()).isEqualTo(Decision.MORE);
    }

    @Test
    void aFirstBlockNoBetterThanTheIncumbentStopsAtOnce() {
        Result r = SequentialJudge.judge(List.of(9.9), List.of(10.0), MAX, SD1);
        assertThat(r.decision()).isEqualTo(Decision.DISCARD);
        assertThat(r.reason()).startsWith("no better (stopped at look 1)");
        // For a minimized metric the same numbers are an improvement worth a second block.
        assertThat(SequentialJudge.judge(List.of(9.9), List.of(10.0), MIN, SD1).decision()).isEqualTo(Decision.MORE);
    }

    @Test
    void aPromisingButUnprovenCandidateAsksForMoreUntilTheLastLook() {
        assertThat(SequentialJudge.judge(List.of(11.0), List.of(10.0), MAX, SD1).decision()).isEqualTo(Decision.MORE);
        List<Double> seven = List.of(10.5, 10.4, 10.6, 10.5, 10.5, 10.4, 10.6);
        List<Double> beside = List.of(10.3, 10.5, 10.2, 10.6, 10.3, 10.4, 10.5);
        Result last = SequentialJudge.judge(seven, beside, MAX, SD1);
        assertThat(last.decision()).isEqualTo(Decision.DISCARD);
        assertThat(last.reason()).startsWith("not significant after 7 looks");
    }

    @Test
    void aLinearDriftCancelsInsideTheBlocks() {
        // No effect; the machine gets faster by 1 per evaluation: A B B A A B -> A is measured at 0, 3, 4; B at 1, 2, 5.
        List<Double> cand = List.of(0.0, 3.0, 4.0), inc = List.of(1.0, 2.0, 5.0);
        Result r = SequentialJudge.judge(cand, inc, MAX, SD1);
        assertThat(r.evidence().effect()).isCloseTo(0.0, within(1e-12));
        assertThat(r.decision()).isNotEqualTo(Decision.KEEP);
        assertThat(SequentialJudge.judge(cand.subList(0, 2), inc.subList(0, 2), MAX, SD1).evidence().effect()).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void aMachineLouderThanThePriorIsJudgedOnItsOwnSpread() {
        // Blocks that disagree by far more than the prior's sd 1 allows: a step, or a busy machine.
        Result r = SequentialJudge.judge(List.of(30.0, 10.2, 10.4), List.of(10.0, 10.1, 10.0), MAX, SD1);
        assertThat(r.reason()).contains("louder than before");
        assertThat(r.evidence().df()).isEqualTo(2);
        assertThat(r.decision()).isNotEqualTo(Decision.KEEP);
    }

    @Test
    void theLouderSwitchNeverNarrowsTheSpread() {
        // The blocks' sums climb (a drift) while the differences agree closely: the sums call the machine
        // louder, but the differences' own spread is narrower than the pooled one, so the pooled one stays.
        Result r = SequentialJudge.judge(List.of(10.5, 30.5, 50.52), List.of(10.0, 30.0, 50.0), MAX, SD1);
        assertThat(r.reason()).doesNotContain("louder than before");
        assertThat(r.evidence().df()).isEqualTo(42);
        assertThat(r.evidence().sd()).isGreaterThan(0.9);
    }

    @Test
    void aPriorIsBaselineOnlyUntilAnExperimentHasBeenMeasuredInTwoBlocks() {
        List<Double> base = List.of(10.0, 10.5, 9.8);
        assertThat(Prior.ofSession(List.of(), base).baselineOnly()).isTrue();
        assertThat(Prior.ofSession(List.of(List.of(0.3)), base).baselineOnly()).as("one block is no spread").isTrue();
        assertThat(Prior.ofSession(List.of(List.of(0.3, -0.2)), base).baselineOnly()).isFalse();
        assertThat(Prior.ofSession(List.of(List.of(0.3, -0.2)), List.of()).baselineOnly()).isFalse();
        assertThat(Prior.NONE.baselineOnly()).isFalse();
    }

    @Test
    void onABaselineOnlyPriorAKeepWaitsForTheFourthBlock() {
        // Clearly better against a quiet baseline: kept at the second block on a session's prior, not before
        // the fourth on the baseline's alone.
        Prior baseline = new Prior(1.0, 2, true);
        List<Double> cand = List.of(14.0, 14.2, 14.1, 14.0), inc = List.of(10.0, 10.2, 10.1, 10.0);
        assertThat(SequentialJudge.judge(cand.subList(0, 2), inc.subList(0, 2), MAX, new Prior(1.0, 2)).decision()).isEqualTo(Decision.KEEP);
        for (int n = 2; n <= 3; n++) {
            Result r = SequentialJudge.judge(cand.subList(0, n), inc.subList(0, n), MAX, baseline);
            assertThat(r.decision()).isEqualTo(Decision.MORE);
            assertThat(r.reason()).contains("on the baseline's noise alone a keep takes 4 blocks");
        }
        Result fourth = SequentialJudge.judge(cand, inc, MAX, baseline);
        assertThat(fourth.decision()).isEqualTo(Decision.KEEP);
        assertThat(fourth.evidence().df()).isEqualTo(5);
        // When max_repeats allows fewer blocks, the last of them may keep.
        Settings two = new Settings(Direction.MAXIMIZE, 0, 0.95, 2);
        assertThat(SequentialJudge.judge(cand.subList(0, 2), inc.subList(0, 2), two, baseline).decision()).isEqualTo(Decision.KEEP);
    }

    @Test
    void aMachineThreeTimesLouderRightAfterAQuietBaselineKeepsAtMostFivePercentOfNoEffectChanges() {
        // Seeded: 2000 first experiments after a three-run baseline, the noise three times larger in the experiment.
        int before = 0, now = 0;
        for (var design : List.of(SequentialJudge.DESIGN.with(SequentialDesign.Cold.NONE), SequentialJudge.DESIGN)) {
            JudgeBenchmark.Tally t = JudgeBenchmark.paired(design, JudgeBenchmark.Drift.LOAD, JudgeBenchmark.Noise.GAUSSIAN, 0,
                    2000, 1, new SplittableRandom(20241123L));
            if (design == SequentialJudge.DESIGN) now = t.keeps(); else before = t.keeps();
        }
        assertThat(before).as("without the cold rule: above 5%").isGreaterThan(100);
        assertThat(now).as("with it: at most 5%").isLessThanOrEqualTo(100);
    }

    @Test
    void otherBoundaryShapesAndBindingFutilityHoldTheirLevel() {
        double[] pocock = Boundary.levels(7, 0.05, 0.5, null);
        assertThat(pocock[0]).isZero(); // the first look cannot keep
        assertThat(pocock[1]).isCloseTo(Boundary.nominalAlpha(2, 7, 0.05), within(0.001));
        double[] obf = Boundary.levels(7, 0.05, 0, null);
        assertThat(obf[1]).isLessThan(pocock[1]);
        assertThat(obf[6]).isGreaterThan(pocock[6]);
        double[] futility = {0, 0.35, 0.7, 1.05, 1.4, 1.75, Double.NEGATIVE_INFINITY};
        double[] binding = Boundary.levels(7, 0.05, 0.5, futility);
        assertThat(binding[1]).isGreaterThan(pocock[1]); // counting on the stops allows a lower boundary
        double c = StudentT.quantile(1 - binding[1], Double.POSITIVE_INFINITY);
        double[] upper = {Double.POSITIVE_INFINITY, c, c, c, c, c, c};
        assertThat(Boundary.crossing(upper, futility)).isCloseTo(0.05, within(0.003));
    }

    @Test
    void minImprovementIsTheNullHypothesis() {
        Settings atLeastThree = new Settings(Direction.MAXIMIZE, 3.0, 0.95, 7);
        // +4 is significant against no change, not against "at most +3".
        assertThat(SequentialJudge.judge(List.of(14.0, 14.0), List.of(10.0, 10.0), atLeastThree, SD1).decision()).isNotEqualTo(Decision.KEEP);
        assertThat(SequentialJudge.judge(List.of(12.9), List.of(10.0), atLeastThree, SD1).reason()).startsWith("not beyond min_improvement");
    }

    @Test
    void withoutAnyNoiseEstimateItCannotKeepButAsksForMore() {
        Result r = SequentialJudge.judge(List.of(20.0), List.of(10.0), MAX, Prior.NONE);
        assertThat(r.decision()).isEqualTo(Decision.MORE);
        assertThat(r.reason()).contains("no noise estimate");
    }

    @Test
    void identicalMeasurementsEverywhereMeanADeterministicMetricComparedExactly() {
        Prior none = Prior.ofRepeats(List.of(List.of(5.0, 5.0, 5.0)));
        assertThat(none.sd()).isZero();
        assertThat(SequentialJudge.judge(List.of(5.1), List.of(5.0), MAX, none).decision()).isEqualTo(Decision.KEEP);
        assertThat(SequentialJudge.judge(List.of(5.0), List.of(5.0), MAX, none).decision()).isEqualTo(Decision.DISCARD);
    }

    @Test
    void theSessionPriorIsTheSpreadOfRecentDifferencesAndOfTheBaselinesRepeats() {
        Prior repeats = Prior.ofRepeats(List.of(List.of(1.0, 3.0)));
        assertThat(repeats.sd()).isCloseTo(2.0, within(1e-12)); // sd sqrt(2), a difference sqrt(2) times that
        List<List<Double>> old = new ArrayList<>();
        for (int i = 0; i < 20; i++) old.add(List.of(0.0, 100.0)); // loud, but long ago
        for (int i = 0; i < Prior.RECENT; i++) old.add(List.of(1.0, 3.0, 2.0));
        Prior p = Prior.ofSession(old, List.of(1.0, 3.0));
        assertThat(p.df()).isEqualTo(2 * Prior.RECENT + 1);
        assertThat(p.sd()).isCloseTo(Math.sqrt((2.0 * Prior.RECENT + 4) / (2 * Prior.RECENT + 1)), within(1e-12));
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

    /** The protocol on a known distribution: false keeps stay below alpha, a clear gain is kept, drift or not. */
    @Test
    void theTrialHoldsItsErrorRatesOnSimulatedNoiseAndDrift() {
        SplittableRandom r = new SplittableRandom(42);
        for (double drift : new double[] {0, 0.6, -0.6}) {
            int falseKeeps = 0, trueKeeps = 0, evals = 0, n = 400;
            for (int i = 0; i < n; i++) {
                int[] clock = {0};
                SequentialTrial.Outcome none = SequentialTrial.run(MAX, SD1x2,
                        () -> OptionalDouble.of(drift * clock[0]++ + JudgeBenchmark.gaussian(r)),
                        () -> OptionalDouble.of(drift * clock[0]++ + JudgeBenchmark.gaussian(r)));
                if (none.result().orElseThrow().decision() == Decision.KEEP) falseKeeps++;
                evals += none.evaluations();
                SequentialTrial.Outcome gain = SequentialTrial.run(MAX, SD1x2,
                        () -> OptionalDouble.of(3 + drift * clock[0]++ + JudgeBenchmark.gaussian(r)),
                        () -> OptionalDouble.of(drift * clock[0]++ + JudgeBenchmark.gaussian(r)));
                if (gain.result().orElseThrow().decision() == Decision.KEEP) trueKeeps++;
            }
            assertThat(falseKeeps).as("drift " + drift).isLessThanOrEqualTo(n * 5 / 100);
            assertThat(trueKeeps).as("drift " + drift).isGreaterThanOrEqualTo(n * 90 / 100);
            // Two evaluations per look: a change with no effect costs two blocks or so.
            assertThat((double) evals / n).as("drift " + drift).isLessThan(5);
        }
    }

    @Test
    void aFailedMeasurementEndsTheTrialWithoutAResult() {
        int[] calls = {0};
        SequentialTrial.Outcome o = SequentialTrial.run(MAX, SD1,
                () -> ++calls[0] < 2 ? OptionalDouble.of(10.5) : OptionalDouble.empty(), () -> OptionalDouble.of(10.0));
        assertThat(o.failed()).isTrue();
        // A B (undecided) B A crashed
        assertThat(o.evaluations()).isEqualTo(4);
        assertThat(o.candidate()).containsExactly(10.5);
        assertThat(o.incumbent()).containsExactly(10.0, 10.0);
    }

    @Test
    void blocksAlternateSoThatTwoMakeABBA() {
        List<String> order = new ArrayList<>();
        SequentialTrial.run(new Settings(Direction.MAXIMIZE, 0, 0.95, 4), SD1,
                () -> { order.add("A"); return OptionalDouble.of(10.3); }, () -> { order.add("B"); return OptionalDouble.of(10.0); });
        assertThat(String.join("", order)).startsWith("ABBAAB");
        assertThat(SequentialTrial.incumbentFirst(1)).isFalse();
        assertThat(SequentialTrial.incumbentFirst(2)).isTrue();
    }
}

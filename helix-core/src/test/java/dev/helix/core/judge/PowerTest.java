package dev.helix.core.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.helix.core.spec.Spec;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The judge's power, computed on a grid, against values known independently: a one-dimensional
 * integral for two blocks, and a seeded simulation of the same rule (known noise) for more.
 */
class PowerTest {

    /** The rule simulated: look 1 goes on only when S_1 >= 0; looks 2..K keep at z >= c, discard below the futility line. */
    private static double simulated(double excess, int blocks, double confidence, int paths, long seed) {
        double c = StudentT.quantile(1 - SequentialJudge.alphaAt(2, blocks, 1 - confidence), Double.POSITIVE_INFINITY);
        SplittableRandom random = new SplittableRandom(seed);
        int kept = 0;
        for (int p = 0; p < paths; p++) {
            double s = 0;
            for (int k = 1; k <= blocks; k++) {
                s += excess + gaussian(random);
                double z = s / Math.sqrt(k);
                if (k >= 2 && z >= c) {
                    kept++;
                    break;
                }
                if (z < SequentialJudge.futilityAt(k)) break;
            }
        }
        return (double) kept / paths;
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    @Test
    void withTwoBlocksTheKeepIsFirstBlockNoWorseThenTheOneLookTest() {
        // P(S_1 >= 0 and S_2 >= z sqrt 2), S_1 = x: the integral of phi(x - e) (1 - Phi(z sqrt 2 - x - e)) over x >= 0.
        double z = StudentT.quantile(0.95, Double.POSITIVE_INFINITY);
        for (double e : new double[] {0, 0.5, 1, 2}) {
            double integral = 0, h = 1e-3;
            for (double x = h / 2; x < 12; x += h) {
                integral += h * Math.exp(-0.5 * (x - e) * (x - e)) / Math.sqrt(2 * Math.PI)
                        * (1 - StudentT.normalCdf(z * Math.sqrt(2) - x - e));
            }
            assertThat(Power.keep(e, 2, 0.95)).as("excess %s", e).isCloseTo(integral, within(0.002));
        }
    }

    @Test
    void withMoreBlocksItAgreesWithASimulationOfTheSameRule() {
        for (int blocks : new int[] {3, 7, 20}) {
            for (double e : new double[] {0, 0.5, 1.0, 1.5}) {
                double mc = simulated(e, blocks, 0.95, 200_000, 42 + blocks);
                assertThat(Power.keep(e, blocks, 0.95)).as("%d blocks, excess %s", blocks, e).isCloseTo(mc, within(0.006));
            }
        }
    }

    @Test
    void aChangeWithNoEffectIsKeptAtMostOneMinusTheConfidenceAndABigOneAlways() {
        for (int blocks : new int[] {2, 7, 50}) {
            assertThat(Power.keep(0, blocks, 0.95)).isBetween(0.01, 0.05);
            assertThat(Power.keep(0, blocks, 0.99)).isLessThanOrEqualTo(0.01);
            assertThat(Power.keep(6, blocks, 0.95)).isGreaterThan(0.999);
        }
        assertThat(Power.expectedFalseKeeps(40, 7, 0.95)).isCloseTo(40 * Power.keep(0, 7, 0.95), within(1e-12))
                .isLessThanOrEqualTo(2.0);
    }

    @Test
    void theDetectableImprovementHasEightyPercentPowerAndSevenBlocksDetectLessThanThree() {
        double seven = Power.detectable(7, 0.95, 0.8);
        assertThat(Power.keep(seven, 7, 0.95)).isCloseTo(0.8, within(1e-4));
        assertThat(Power.detectable(3, 0.95, 0.8)).isGreaterThan(seven);
        // A single look at n blocks needs (z_0.95 + z_0.8) / sqrt(n) = 2.49 / sqrt(n); the sequential rule pays for its
        // early stops (Pocock's higher boundary, the futility line) with about a third more.
        assertThat(seven).isBetween(2.49 / Math.sqrt(7) * 1.2, 2.49 / Math.sqrt(7) * 1.5);
    }

    @Test
    void theBlocksForAnImprovementAreTheFewestThatReachThePower() {
        double three = Power.detectable(3, 0.95, 0.8);
        int n = Power.blocksFor(three * 0.9, 0.95, 0.8).orElseThrow();
        assertThat(n).isGreaterThan(3);
        assertThat(Power.keep(three * 0.9, n, 0.95)).isGreaterThanOrEqualTo(0.8);
        assertThat(Power.keep(three * 0.9, n - 1, 0.95)).isLessThan(0.8);
        assertThat(Power.blocksFor(three, 0.95, 0.8)).hasValue(3);
    }

    @Test
    void pastTheLookWhereTheFutilityLineMeetsTheBoundaryMoreBlocksOnlyCostPower() {
        // t below 0.35 (k - 1) discards: by block 8 or 9 that line is above Pocock's boundary, so every experiment has ended.
        assertThat(Power.lastLook(7, 0.95)).isEqualTo(7);
        assertThat(Power.lastLook(50, 0.95)).isBetween(8, 9);
        assertThat(Power.detectable(20, 0.95, 0.8)).isGreaterThan(Power.detectable(7, 0.95, 0.8));
        double half = Power.detectable(7, 0.95, 0.8) / 2;
        assertThat(Power.blocksFor(half, 0.95, 0.8)).as("half of what 7 blocks detect").isEmpty();
        assertThat(Power.blocksFor(0.05, 0.95, 0.8)).isEmpty();
        assertThat(Power.blocksFor(0, 0.95, 0.8)).isEmpty();
    }

    @Test
    void thePlanSaysItInOneLineAndWarnsWhenMinImprovementIsBelowTheNoise() {
        Spec.JudgeSpec judge = new Spec.JudgeSpec(Spec.JudgeMode.AUTO, Spec.Threshold.ZERO, 0.95, true);
        PowerPlan plan = PowerPlan.of(1.0, 3, 100, judge).orElseThrow();
        double z = Power.detectable(judge.maxRepeats(), 0.95, 0.8) * Math.sqrt(2);
        assertThat(plan.detectable()).isCloseTo(z, within(1e-9));
        assertThat(plan.render()).startsWith("sd 1 (1%); with up to 7 repeats per side at confidence 0.95, "
                + "the smallest improvement kept with 80% power is " + Judge.fmt(z) + " (")
                .endsWith("; more repeats per side would not detect less (the judge's futility line ends every experiment by block "
                        + Power.lastLook(50, 0.95) + "): average 4 runs in each evaluation to halve the sd");
        assertThat(plan.warning()).hasValueSatisfying(w -> assertThat(w).startsWith("judge.min_improvement 0 (0%) is below what the noise allows"));
        assertThat(plan.targetBlocks()).isEmpty();
        assertThat(plan.advice()).startsWith("make the evaluation quieter");

        Spec.JudgeSpec demanding = new Spec.JudgeSpec(Spec.JudgeMode.AUTO, new Spec.Threshold(0.05, true), 0.95, true);
        PowerPlan enough = PowerPlan.of(1.0, 3, 100, demanding).orElseThrow();
        assertThat(enough.minImprovement()).isCloseTo(5, within(1e-9));
        assertThat(enough.detectable()).isCloseTo(5 + z, within(1e-9));
        assertThat(enough.warning()).isEmpty();
        assertThat(PowerPlan.of(0, 3, 100, judge)).isEmpty();

        // a min_improvement above 0 but below the noise: the line quotes one floor, the one render() quotes
        PowerPlan small = PowerPlan.of(1.0, 3, 100, new Spec.JudgeSpec(Spec.JudgeMode.AUTO, new Spec.Threshold(0.001, true), 0.95, true))
                .orElseThrow();
        String floor = Judge.fmt(small.detectable());
        assertThat(small.render()).contains("the smallest improvement kept with 80% power is " + floor + " (");
        assertThat(small.warning()).hasValueSatisfying(w -> assertThat(w)
                .isEqualTo("judge.min_improvement 0.1 (0.1%) is below what the noise allows: an improvement smaller than " + floor + " ("
                        + new java.math.BigDecimal(small.detectable()).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString()
                        + "%) is kept less than 80% of the time")
                .doesNotContain(Judge.fmt(small.detectable() - small.minImprovement())));

        // With three blocks the judge sees less, and more blocks buy a finer improvement.
        Spec.JudgeSpec three = new Spec.JudgeSpec(Spec.JudgeMode.AUTO, Spec.Threshold.ZERO, 0.95, true, 3, 10);
        PowerPlan few = PowerPlan.of(1.0, 3, 100, three).orElseThrow();
        int n = few.targetBlocks().orElseThrow();
        assertThat(few.target()).isLessThan(few.detectable());
        assertThat(Power.keep(few.target() / Math.sqrt(2), n, 0.95)).isGreaterThanOrEqualTo(0.8);
        assertThat(few.render()).endsWith("; to detect " + Judge.fmt(few.target()) + " (" + new java.math.BigDecimal(few.target())
                .round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString() + "%) you need " + n + " repeats per side");
        assertThat(few.advice()).startsWith("raise judge.max_repeats (" + n + " keep " + Judge.fmt(few.target()) + " with 80% power)");
        assertThat(PowerPlan.of(1, 1, 100, judge)).isEqualTo(Optional.empty());
    }
}

package dev.helix.core.judge;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Noise;
import dev.helix.core.spec.Spec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the baseline's noise lets the statistical judge see: the smallest improvement it keeps with
 * 80% power within judge.max_repeats blocks, the blocks a finer one needs, and whether
 * judge.min_improvement asks for less than that. Pure; {@link Power} has the arithmetic.
 *
 * @param sd the sd of one measurement (the baseline's repeats)
 * @param mean the baseline's mean, to put amounts in proportion
 * @param blocks judge.max_repeats
 * @param minImprovement judge.min_improvement, resolved against the mean
 * @param detectable the smallest true improvement kept with 80% power
 * @param target a finer improvement: half (else three quarters, nine tenths) of the way from min_improvement to {@code detectable}
 * @param targetBlocks the blocks (repeats per side) with which {@code target} is kept with 80% power
 */
public record PowerPlan(double sd, double mean, int blocks, double confidence, double minImprovement, double detectable,
                        double target, OptionalInt targetBlocks) {

    /** The plan for a baseline record whose noise chose the statistical judge; empty otherwise. */
    public static Optional<PowerPlan> of(Experiment baseline, Spec.JudgeSpec judge) {
        return baseline.noise().filter(Noise::statistical)
                .flatMap(noise -> baseline.primary().flatMap(mean -> of(noise.sd(), noise.n(), mean, judge)));
    }

    /** The plan for a baseline measured {@code n} times with this sd and mean; empty when it showed no noise. */
    public static Optional<PowerPlan> of(double sd, int n, double mean, Spec.JudgeSpec judge) {
        if (n < 2 || !(sd > 0) || !Double.isFinite(mean)) return Optional.empty();
        double sdDiff = Math.sqrt(2) * sd; // a block's difference of two measurements
        double m = judge.minImprovement().against(mean);
        double excess = Power.detectable(judge.maxRepeats(), judge.confidence(), Power.PLANNED);
        double detectable = m + excess * sdDiff;
        // A finer improvement that more blocks can reach: half way to it, else three quarters, else nine tenths.
        double target = m + excess * sdDiff / 2;
        OptionalInt blocks = OptionalInt.empty();
        for (double share : new double[] {0.5, 0.75, 0.9}) {
            target = m + share * excess * sdDiff;
            blocks = Power.blocksFor(share * excess, judge.confidence(), Power.PLANNED);
            if (blocks.isPresent()) break;
        }
        return Optional.of(new PowerPlan(sd, mean, judge.maxRepeats(), judge.confidence(), m, detectable, target, blocks));
    }

    /**
     * One line for people: "sd X (Y%); with up to N repeats per side at confidence C, the smallest
     * improvement kept with 80% power is Z (Z%); to detect W (W%) you need N' repeats".
     */
    public String render() {
        String finer = targetBlocks.isPresent()
                ? "to detect " + Judge.fmt(target) + percent(target) + " you need " + targetBlocks.getAsInt() + " repeats per side"
                : "more repeats per side would not detect less (the judge's futility line ends every experiment by block "
                + Power.lastLook(Power.MOST_BLOCKS, confidence) + "): average 4 runs in each evaluation to halve the sd";
        return "sd " + Judge.fmt(sd) + percent(sd) + "; with up to " + blocks + " repeats per side at confidence "
                + Judge.fmt(confidence) + ", the smallest improvement kept with 80% power is " + Judge.fmt(detectable)
                + percent(detectable) + "; " + finer;
    }

    /**
     * A warning when judge.min_improvement is below what the noise lets the judge keep with 80% power
     * (the detectable improvement with no min_improvement): improvements between the two are mostly missed.
     */
    public Optional<String> warning() {
        // The noise's own share of the detectable improvement decides whether to warn; the line quotes one
        // number, the detectable improvement itself, as render() does: quoting the noise's share too put two
        // different "floors" (e.g. 0.68% and 0.78%) in one sentence.
        double noiseShare = detectable - minImprovement;
        if (minImprovement >= noiseShare) return Optional.empty();
        return Optional.of("judge.min_improvement " + Judge.fmt(minImprovement) + percent(minImprovement)
                + " is below what the noise allows: an improvement smaller than " + Judge.fmt(detectable) + percent(detectable)
                + " is kept less than 80% of the time");
    }

    /** What a session says of its plan when the baseline is measured: the plan, and the warning with its advice. */
    public static java.util.List<String> notices(PowerPlan plan) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        lines.add("power planning: " + plan.render());
        plan.warning().ifPresent(w -> lines.add(w + "; " + plan.advice()));
        return lines;
    }

    /** What to do about {@link #warning()}. */
    public String advice() {
        String more = targetBlocks.isPresent() && targetBlocks.getAsInt() > blocks
                ? "raise judge.max_repeats (" + targetBlocks.getAsInt() + " keep " + Judge.fmt(target) + " with 80% power), " : "";
        return more + "make the evaluation quieter, or set judge.min_improvement to the improvement you care about";
    }

    private String percent(double amount) {
        if (mean == 0) return "";
        BigDecimal p = new BigDecimal(amount / Math.abs(mean) * 100).round(new MathContext(2));
        return " (" + p.stripTrailingZeros().toPlainString().toLowerCase(Locale.ROOT) + "%)";
    }
}

package dev.helix.core.judge;

import dev.helix.core.experiment.Evidence;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Whether an experiment's effect reproduces: its commit (A) and its parent (B, the best it was
 * judged against) re-measured side by side in a fixed number of balanced blocks, A B, B A, ... as
 * the statistical judge measures them, and the paired effect found compared with the one recorded.
 *
 * <p>On a noisy metric the absolute value of a commit moves with the machine (load, thermal state,
 * a drifting dataset cache), so a value measured an hour ago says little; the difference between
 * two commits measured side by side is what the judge kept the change for, and what is checked.
 * As in {@link SequentialJudge}, the effect is the mean of the A B blocks' and the B A blocks' mean
 * differences, so a linear drift cancels exactly; the spread is taken within each kind of block,
 * so the drift does not inflate it either (hence at least three blocks: one degree of freedom), and
 * pooled with the session's noise of differences (its prior) unless this re-measure is clearly
 * louder, as the judge does: a few blocks then suffice.
 *
 * <p>It <em>reproduces</em> when the re-measured effect has the recorded effect's sign and its
 * confidence interval at {@code judge.confidence} excludes zero; whether the recorded effect lies
 * inside that interval is said beside it (a keep's recorded effect is biased away from zero by the
 * selection, so it may lie outside while the effect still reproduces).
 *
 * @param recorded the effect recorded when the experiment was judged (candidate minus parent)
 * @param evidence the re-measure: effect, two-sided interval at the confidence, two-sided p-value
 * @param recordedInside whether the recorded effect lies inside the re-measured interval
 */
public record EffectReproduction(boolean reproduces, double recorded, Evidence evidence, boolean recordedInside, String reason) {

    /**
     * Below this p-value of the F test, the re-measure is louder than the session's noise and its
     * own spread is used alone. A fixed design of a few blocks keeps its own level: the judge's
     * is tuned for its sequential test, one look at a time.
     */
    static final double LOUDER_LEVEL = 0.2;


    /** The fewest blocks that give the spread within the two kinds of block a degree of freedom. */
    public static final int MIN_BLOCKS = 3;

    /** One block per index: the candidate's sample and the parent's of the same block. */
    public record Blocks(List<Double> candidate, List<Double> parent) {
        public Blocks {
            candidate = List.copyOf(candidate);
            parent = List.copyOf(parent);
        }
    }

    /** Measures {@code blocks} balanced blocks, the even ones parent first (see {@link SequentialTrial#incumbentFirst}). */
    public static Blocks measure(int blocks, DoubleSupplier candidate, DoubleSupplier parent) {
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (int k = 1; k <= blocks; k++) {
            if (SequentialTrial.incumbentFirst(k)) {
                b.add(parent.getAsDouble());
                a.add(candidate.getAsDouble());
            } else {
                a.add(candidate.getAsDouble());
                b.add(parent.getAsDouble());
            }
        }
        return new Blocks(a, b);
    }

    /**
     * @param blocks at least {@value #MIN_BLOCKS}, measured as {@link #measure} orders them
     * @param recorded the recorded effect, candidate minus parent
     * @param confidence judge.confidence, e.g. 0.95
     * @param parentCommit the parent's commit, for the evidence
     * @param prior the session's sd of a block's difference, or {@link SequentialJudge.Prior#NONE}
     */
    public static EffectReproduction check(Blocks blocks, double recorded, double confidence, String parentCommit,
                                           SequentialJudge.Prior prior) {
        int n = blocks.candidate().size();
        if (n < MIN_BLOCKS || blocks.parent().size() != n) {
            throw new IllegalArgumentException("need " + MIN_BLOCKS + " or more blocks of both commits");
        }
        List<Double> ab = new ArrayList<>();
        List<Double> ba = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            (SequentialTrial.incumbentFirst(i + 1) ? ba : ab).add(blocks.candidate().get(i) - blocks.parent().get(i));
        }
        double effect = (SequentialJudge.mean(ab) + SequentialJudge.mean(ba)) / 2;
        double ss = SequentialJudge.sumOfSquares(ab) + SequentialJudge.sumOfSquares(ba);
        int df = n - 2;
        boolean louder = prior.df() == 0 || ss > 0 && (prior.sd() == 0
                || 1 - StudentT.fisherCdf(ss / df / (prior.sd() * prior.sd()), df, Double.POSITIVE_INFINITY) <= LOUDER_LEVEL);
        if (!louder) {
            ss += prior.sd() * prior.sd() * prior.df();
            df += prior.df();
        }
        double sd = Math.sqrt(ss / df);
        double se = sd * Math.sqrt(0.25 * (1.0 / ab.size() + 1.0 / ba.size()));
        double alpha = 1 - confidence;
        double low = effect, high = effect, p = effect == 0 ? 1 : 0;
        if (se > 0) {
            double half = StudentT.quantile(1 - alpha / 2, df) * se;
            low = effect - half;
            high = effect + half;
            p = 2 * (1 - StudentT.cdf(Math.abs(effect) / se, df));
        }
        boolean significant = low > 0 || high < 0;
        boolean sameSign = Math.signum(effect) == Math.signum(recorded);
        boolean reproduces = recorded == 0 ? !significant : significant && sameSign;
        boolean inside = recorded >= low && recorded <= high;
        Evidence evidence = new Evidence(effect, low, high, p, alpha, n, n, SequentialJudge.mean(blocks.parent()), sd, df,
                2 * n, parentCommit);
        String why = reproduces ? "reproduces"
                : "does not reproduce" + (!significant ? " (not significant)" : recorded == 0 ? " (an effect where none was recorded)"
                : " (the opposite sign)");
        String interval = se > 0 ? Judge.fmt(confidence * 100) + "% CI " + Judge.signed(low) + ".."
                + Judge.signed(high) + ", p=" + SequentialJudge.pv(p) + ", sd of a difference " + Judge.fmt(sd)
                + (louder && prior.df() > 0 ? ", louder than the session's" : "") : "no spread";
        String reason = why + ": effect recorded " + Judge.signed(recorded) + ", re-measured " + Judge.signed(effect) + " ("
                + interval + ") over " + n + " blocks against the parent; the recorded effect lies "
                + (inside ? "inside" : "outside") + " the interval";
        return new EffectReproduction(reproduces, recorded, evidence, inside, reason);
    }
}

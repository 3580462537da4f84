package dev.helix.core.judge;

import dev.helix.core.experiment.Evidence;
import dev.helix.core.judge.SequentialJudge.Decision;
import dev.helix.core.judge.SequentialJudge.Prior;
import dev.helix.core.judge.SequentialJudge.Result;
import dev.helix.core.judge.SequentialJudge.Settings;
import dev.helix.core.spec.Direction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The statistical judge as Helix ran it before balanced blocks, kept for the benchmark's side-by-side
 * comparison only: A, then B A, B A, ..., each candidate sample tested with a pooled two-sample
 * t-test against every sample of the incumbent taken during the session, the noise prior pooled
 * from the within-commit spread of the other commits.
 */
final class PooledTrial {
    private PooledTrial() {}

    /** Below this many pooled samples the incumbent is re-measured before the candidate. */
    static final int MIN_POOL = 4;

    /**
     * Whether experiment {@code run} starts with a re-measure of the incumbent: every
     * {@code every} experiments, on the first experiment after a resume (the place may have
     * changed), and while the incumbent has fewer than {@value #MIN_POOL} samples. A candidate
     * kept on two lucky samples is the winner's curse at its worst; one more measurement of it,
     * unselected, pulls its estimate back towards the truth before anything is judged against it.
     */
    public static boolean remeasureFirst(int run, int every, int poolSize, boolean resumed) {
        return resumed || (every > 0 && run % every == 0) || poolSize < MIN_POOL;
    }

    /**
     * @param pool the incumbent's pooled samples before this trial (at least one)
     * @param remeasureFirst re-measure the incumbent before the first candidate sample
     */
    public static SequentialTrial.Outcome run(Settings settings, Prior prior, List<Double> pool, boolean remeasureFirst,
                              SequentialTrial.Measure candidate, SequentialTrial.Measure incumbent) {
        List<Double> cand = new ArrayList<>();
        List<Double> inc = new ArrayList<>();
        int evaluations = 0;
        if (remeasureFirst) {
            OptionalDouble v = incumbent.next();
            evaluations++;
            if (v.isEmpty()) return new SequentialTrial.Outcome(Optional.empty(), cand, inc, evaluations);
            inc.add(v.getAsDouble());
        }
        while (true) {
            OptionalDouble v = candidate.next();
            evaluations++;
            if (v.isEmpty()) return new SequentialTrial.Outcome(Optional.empty(), cand, inc, evaluations);
            cand.add(v.getAsDouble());
            List<Double> all = new ArrayList<>(pool);
            all.addAll(inc);
            Result r = judge(cand, all, settings, prior);
            if (r.decision() != Decision.MORE) {
                Result done = new Result(r.decision(), r.reason(), r.evidence().withEvaluations(evaluations, ""));
                return new SequentialTrial.Outcome(Optional.of(done), cand, inc, evaluations);
            }
            OptionalDouble b = incumbent.next();
            evaluations++;
            if (b.isEmpty()) return new SequentialTrial.Outcome(Optional.empty(), cand, inc, evaluations);
            inc.add(b.getAsDouble());
        }
    }

    static Result judge(List<Double> candidate, List<Double> incumbent, Settings s, Prior prior) {
        if (candidate.isEmpty() || incumbent.isEmpty()) throw new IllegalArgumentException("need samples on both sides");
        int n = candidate.size(), m = incumbent.size();
        int look = Math.min(n, s.maxLooks());
        double xm = SequentialJudge.mean(candidate), ym = SequentialJudge.mean(incumbent);
        double effect = xm - ym;
        double sign = s.direction() == Direction.MAXIMIZE ? 1 : -1;
        double gain = sign * effect;
        double theta = s.minImprovement();
        int df = prior.df() + (n - 1) + (m - 1);
        double ss = prior.sd() * prior.sd() * prior.df() + SequentialJudge.sumOfSquares(candidate) + SequentialJudge.sumOfSquares(incumbent);
        double sd = df == 0 ? Double.NaN : Math.sqrt(ss / df);
        double alphaK = Boundary.nominalAlpha(s.maxLooks(), s.alpha());
        boolean last = n >= s.maxLooks();
        String vs = String.format(Locale.ROOT, "%d vs %d samples", n, m);

        if (df == 0) {
            Evidence e = new Evidence(effect, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, alphaK, n, m,
                    ym, Double.NaN, 0, 0, "");
            return last ? new Result(Decision.DISCARD, "no noise estimate after " + vs + " (nothing measured twice)", e)
                    : new Result(Decision.MORE, "no noise estimate yet", e);
        }
        if (sd == 0) {
            // Every measurement of everything identical: the metric is deterministic, compare exactly.
            boolean keep = gain > theta;
            Evidence e = new Evidence(effect, effect, effect, keep ? 0 : 1, alphaK, n, m, ym, 0, df, 0, "");
            return new Result(keep ? Decision.KEEP : Decision.DISCARD,
                    (keep ? "improved " : "not improved ") + "without noise: effect " + Judge.signed(effect) + " (" + vs + ")", e);
        }
        double se = sd * Math.sqrt(1.0 / n + 1.0 / m);
        double t = (gain - theta) / se;
        double p = 1 - StudentT.cdf(t, df);
        double crit = StudentT.quantile(1 - alphaK, df);
        double half = crit * se;
        Evidence e = new Evidence(effect, effect - half, effect + half, p, alphaK, n, m, ym, sd, df, 0, "");
        String numbers = "effect " + Judge.signed(effect) + ", " + SequentialJudge.ci(e) + ", p=" + SequentialJudge.pv(p) + " (" + vs + ", sd "
                + Judge.fmt(sd) + ")";
        String against = theta > 0 ? "min_improvement " + Judge.fmt(theta) : "no change";
        if (p <= alphaK) {
            return new Result(Decision.KEEP, "significant: " + numbers + " <= alpha " + SequentialJudge.pv(alphaK) + " at look " + look, e);
        }
        if (last) {
            return new Result(Decision.DISCARD, "not significant after " + look + " looks: " + numbers + " > alpha "
                    + SequentialJudge.pv(alphaK) + " (vs " + against + ")", e);
        }
        if (t < 0.35 * (look - 1)) { // the futility line it ran with
            String why = gain <= 0 ? "no better" : gain <= theta ? "not beyond min_improvement" : "too little to become significant";
            return new Result(Decision.DISCARD, why + " (stopped at look " + look + "): " + numbers, e);
        }
        return new Result(Decision.MORE, "undecided at look " + look + ": " + numbers, e);
    }

}

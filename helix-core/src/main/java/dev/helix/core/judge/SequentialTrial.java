package dev.helix.core.judge;

import dev.helix.core.judge.SequentialJudge.Decision;
import dev.helix.core.judge.SequentialJudge.Prior;
import dev.helix.core.judge.SequentialJudge.Result;
import dev.helix.core.judge.SequentialJudge.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The measuring protocol of statistical mode, apart from how a measurement is made (the session
 * runs the evaluation command; the benchmark draws from a known distribution), so both run exactly
 * the same steps:
 *
 * <pre>
 *   [B]  A  judge  B A  judge  B A  judge ...   (A = candidate, B = incumbent, at most max_repeats A's)
 * </pre>
 *
 * The first candidate sample is judged against the incumbent's pool alone (so a clearly worse
 * candidate costs one evaluation); from then on every candidate sample is preceded by an incumbent
 * re-measure in the same place, so that drift hits both sides alike. The leading B is the periodic
 * re-measure against the winner's curse ({@code judge.remeasure_every}).
 */
public final class SequentialTrial {
    private SequentialTrial() {}

    /** One measurement of the primary; empty when it failed (crash, timeout, interruption): the trial stops. */
    @FunctionalInterface
    public interface Measure {
        OptionalDouble next();
    }

    /**
     * @param result the judge's last result, empty when a measurement failed
     * @param candidate the candidate's samples
     * @param incumbent the incumbent's re-measures made in this trial (to add to its pool)
     * @param evaluations every measurement made, both sides
     */
    public record Outcome(Optional<Result> result, List<Double> candidate, List<Double> incumbent, int evaluations) {
        public boolean failed() {
            return result.isEmpty();
        }
    }

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
    public static Outcome run(Settings settings, Prior prior, List<Double> pool, boolean remeasureFirst,
                              Measure candidate, Measure incumbent) {
        List<Double> cand = new ArrayList<>();
        List<Double> inc = new ArrayList<>();
        int evaluations = 0;
        if (remeasureFirst) {
            OptionalDouble v = incumbent.next();
            evaluations++;
            if (v.isEmpty()) return new Outcome(Optional.empty(), cand, inc, evaluations);
            inc.add(v.getAsDouble());
        }
        while (true) {
            OptionalDouble v = candidate.next();
            evaluations++;
            if (v.isEmpty()) return new Outcome(Optional.empty(), cand, inc, evaluations);
            cand.add(v.getAsDouble());
            List<Double> all = new ArrayList<>(pool);
            all.addAll(inc);
            Result r = SequentialJudge.judge(cand, all, settings, prior);
            if (r.decision() != Decision.MORE) {
                Result done = new Result(r.decision(), r.reason(), r.evidence().withEvaluations(evaluations, ""));
                return new Outcome(Optional.of(done), cand, inc, evaluations);
            }
            OptionalDouble b = incumbent.next();
            evaluations++;
            if (b.isEmpty()) return new Outcome(Optional.empty(), cand, inc, evaluations);
            inc.add(b.getAsDouble());
        }
    }
}

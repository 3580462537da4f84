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
 * the same steps: balanced blocks of one candidate (A) and one incumbent (B) sample each,
 *
 * <pre>
 *   A B  judge  B A  judge  A B  judge  B A  judge ...   (at most max_repeats blocks)
 * </pre>
 *
 * so that every two blocks make A B B A, inside which a linear drift of the machine cancels. Only
 * the blocks' differences are judged; the incumbent's samples from earlier experiments never set
 * what the candidate is compared with. A clearly worse candidate costs one block.
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
     * @param candidate the candidate's samples, one per block
     * @param incumbent the incumbent's samples of the same blocks (one fewer when the trial failed mid-block)
     * @param evaluations every measurement made, both sides
     */
    public record Outcome(Optional<Result> result, List<Double> candidate, List<Double> incumbent, int evaluations) {
        public boolean failed() {
            return result.isEmpty();
        }
    }

    /** Whether block {@code k} (1-based) measures the incumbent first: the even ones, B A. */
    public static boolean incumbentFirst(int k) {
        return k % 2 == 0;
    }

    /**
     * @param prior the sd of a block's difference from elsewhere (other experiments, the baseline's repeats)
     */
    public static Outcome run(Settings settings, Prior prior, Measure candidate, Measure incumbent) {
        return run(settings, prior, SequentialJudge.DESIGN, candidate, incumbent);
    }

    /** The same with another rule, for the benchmark's side-by-side comparison. */
    static Outcome run(Settings settings, Prior prior, SequentialDesign design, Measure candidate, Measure incumbent) {
        List<Double> cand = new ArrayList<>();
        List<Double> inc = new ArrayList<>();
        int evaluations = 0;
        for (int k = 1; ; k++) {
            for (boolean candidateSide : incumbentFirst(k) ? new boolean[] {false, true} : new boolean[] {true, false}) {
                OptionalDouble v = (candidateSide ? candidate : incumbent).next();
                evaluations++;
                if (v.isEmpty()) return new Outcome(Optional.empty(), cand, inc, evaluations);
                (candidateSide ? cand : inc).add(v.getAsDouble());
            }
            Result r = SequentialJudge.judge(cand, inc, settings, prior, design);
            if (r.decision() != Decision.MORE) {
                Result done = new Result(r.decision(), r.reason(), r.evidence().withEvaluations(evaluations, ""));
                return new Outcome(Optional.of(done), cand, inc, evaluations);
            }
        }
    }
}

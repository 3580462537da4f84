package dev.helix.core.result;

import dev.helix.core.spec.Direction;
import java.util.List;
import java.util.Optional;

/**
 * What {@code helix finalize} found and wrote: the session's gain re-measured against the baseline,
 * each kept change's contribution and fate, and the final branch made of the changes that stay.
 *
 * @param baseline the baseline's recorded value
 * @param best the best's recorded value
 * @param gain the best against the baseline, re-measured side by side
 * @param confirmed whether that gain is real at the judge's confidence and has the recorded sign
 * @param confirmation the re-measure's reasoning, in words
 * @param result the final branch's tree against the baseline, when changes were dropped (so it is not the best's)
 * @param resultCrash what the evaluation said when that tree did not evaluate (the branch is then not written)
 * @param base the session's base commit, which the final branch starts from
 * @param commits the final branch's commits, oldest first
 * @param written whether the branch was written (not when the checks failed on the final tree, or it did not evaluate)
 * @param checks what the correctness checks said of the final tree, when there are checks
 * @param holdout the hold-out metric on the final tree, when there is one
 * @param environment where it was measured, when recorded
 * @param costUsd what the session's proposals cost in all
 */
public record FinalResult(String tag, String metric, Direction direction, double baseline, double best, int bestRun,
                          Gain gain, boolean confirmed, String confirmation, Optional<Gain> result, Optional<String> resultCrash,
                          List<Contribution> changes,
                          String branch, String base, List<String> commits, boolean squashed, boolean written, Optional<String> checks,
                          Optional<String> holdout, Optional<String> environment, double costUsd) {

    public FinalResult {
        changes = List.copyOf(changes);
        commits = List.copyOf(commits);
    }

    /** The changes in the final branch. */
    public List<Contribution> surviving() {
        return changes.stream().filter(c -> c.fate().survives).toList();
    }

    /** The changes left out of it. */
    public List<Contribution> dropped() {
        return changes.stream().filter(c -> !c.fate().survives).toList();
    }
}

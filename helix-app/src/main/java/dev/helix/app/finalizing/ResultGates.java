package dev.helix.app.finalizing;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code helix finalize} asks of the finished tree besides its metric: the correctness checks
 * that must pass before the branch is written, a hold-out metric, and where the measurements ran.
 * Each is asked in one place of {@link FinalizeSession}; {@link #NONE} has none of them.
 */
public interface ResultGates {

    /** What the checks said: passed or not, and in words (e.g. the failing log's tail). */
    record Checked(boolean passed, String detail) {}

    /** Runs the checks in {@code tree} (the final tree, checked out); empty when the session has none. */
    Optional<Checked> checks(Path tree);

    /** Measures the hold-out metric of {@code commit} (checked out in {@code tree}) and says it in words; empty when the session has none. */
    Optional<String> holdout(Path tree, String commit);

    /** The environment the measurements ran in, in words; empty when not recorded. */
    Optional<String> environment();

    /** No checks, no hold-out, no environment record. */
    ResultGates NONE = new ResultGates() {
        @Override
        public Optional<Checked> checks(Path tree) {
            return Optional.empty();
        }

        @Override
        public Optional<String> holdout(Path tree, String commit) {
            return Optional.empty();
        }

        @Override
        public Optional<String> environment() {
            return Optional.empty();
        }
    };
}

package dev.helix.core.spec;

import java.util.List;

/**
 * A held-out evaluation (evaluate.holdout with scope.hidden): a second command that prints the
 * primary metric on data the proposer never sees. The hidden files are not in the proposer's
 * worktree; Helix copies them from {@code source} into a worktree of its own for the hold-out run
 * alone.
 *
 * @param command the shell command, run in that worktree, whose output gives the primary metric
 * @param hidden globs (relative to the repository root) of the files the command needs
 * @param source where the hidden files come from
 * @param timeoutSeconds the wall-clock limit of one hold-out run
 * @param repeats how often the baseline's hold-out is measured (its spread is the hold-out's noise)
 */
public record Holdout(String command, List<String> hidden, Source source, int timeoutSeconds, int repeats) {
    public Holdout {
        hidden = List.copyOf(hidden);
    }

    /** Where the hidden files are taken from. */
    public sealed interface Source {
        /** As helix.yaml writes it, for messages. */
        String describe();
    }

    /** A directory outside the repository (evaluate.holdout.from_dir), relative to the repository root or absolute. */
    public record Directory(String path) implements Source {
        @Override
        public String describe() {
            return "directory " + path;
        }
    }

    /** A git ref the proposer is not given (evaluate.holdout.from_ref), e.g. refs/hidden/data. */
    public record GitRef(String ref) implements Source {
        @Override
        public String describe() {
            return "git ref " + ref;
        }
    }
}

package dev.helix.app.run;

import dev.helix.adapters.git.GitDirSnapshot;
import dev.helix.adapters.store.FileLedgerStore;
import dev.helix.core.port.Proposer;
import dev.helix.core.port.WrappedProposer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A proposer watched for what it writes outside its worktree: the shared git directory's hooks
 * and config (a pre-commit hook would run on the user's next commit) and the ledger (a forged
 * record). What changed during the proposal is put back as it was before it, and the experiment
 * is rejected naming it. A file changed outside a proposal (by the user) is never touched: the
 * snapshot is taken when the proposal starts.
 */
final class OutsideGuard extends WrappedProposer {
    private final Path repo;
    private final Path gitDir;
    private final Optional<FileLedgerStore> ledger;
    /** Workers propose at once: one restores at a time, so none puts back what another just put back. */
    private final Object restoring = new Object();

    OutsideGuard(Proposer inner, Path repo, Optional<FileLedgerStore> ledger) {
        super(inner);
        this.repo = repo;
        this.gitDir = GitDirSnapshot.commonDir(repo);
        this.ledger = ledger;
        ledger.ifPresent(FileLedgerStore::seal);
    }

    @Override
    public Proposal propose(Request request) throws InterruptedException {
        GitDirSnapshot before = GitDirSnapshot.take(gitDir);
        Proposal proposal = null;
        try {
            proposal = inner.propose(request);
        } finally {
            List<String> found = undo(before);
            if (!found.isEmpty() && proposal != null) {
                proposal = new Proposal.Failure("it wrote outside its worktree: " + String.join(", ", found)
                        + " (put back as it was; a proposer may change only its worktree)", proposal.usage(), description(proposal));
            }
        }
        return proposal;
    }

    /** Puts back what changed since {@code before}; what that was, for people. */
    private List<String> undo(GitDirSnapshot before) {
        synchronized (restoring) {
            List<String> found = new ArrayList<>();
            List<String> changed = before.changedIn(GitDirSnapshot.take(gitDir));
            if (!changed.isEmpty()) {
                before.restore(changed);
                String shown = repo.relativize(gitDir).toString().replace('\\', '/');
                String prefix = shown.isEmpty() || shown.startsWith("..") ? gitDir + "/" : shown + "/";
                changed.forEach(p -> found.add(prefix + p + " " + (before.files().containsKey(p) ? "changed" : "created")));
            }
            ledger.ifPresent(l -> l.restoreForeignWrites().forEach(w -> found.add(".helix/experiments.jsonl: " + w)));
            return found;
        }
    }

    private static Optional<String> description(Proposal p) {
        return switch (p) {
            case Proposal.Change c -> Optional.of(c.description());
            case Proposal.Failure f -> f.description();
            case Proposal.Exhausted e -> Optional.empty();
        };
    }
}

package dev.helix.app.merge;

import dev.helix.adapters.specio.SpecFiles;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.app.run.EnvironmentCopy;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Judge;
import dev.helix.core.port.Repository;
import dev.helix.core.port.Vcs;
import dev.helix.core.session.Records;
import dev.helix.core.spec.Spec;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Brings a session home: a three-way merge of its branch helix/TAG into the user's checked-out
 * branch, whose merge commit also carries the ledger rows of the session and its forks (TAG-*).
 *
 * <p>A merge rather than cherry-picks: the branch's history is the kept commits, so git's own
 * merge base makes a second merge a no-op (no duplicate commit), keeps what the user committed
 * since the session started, and leaves the experiments' commits (refs/helix/TAG/N) reachable from
 * the user's branch, as they were judged.
 */
public final class SessionMerge {

    /** What a merge did. */
    public sealed interface Result permits Merged, AlreadyMerged {
        String session();

        String branch();
    }

    /**
     * The merge commit on {@code branch}: {@code files} files changed besides the ledger's, and
     * {@code rows} ledger rows the branch did not hold before.
     */
    public record Merged(String session, String branch, String commit, int files, int rows) implements Result {}

    /** The session's branch is already part of {@code branch}: nothing was done. */
    public record AlreadyMerged(String session, String branch) implements Result {}

    private SessionMerge() {}

    /** {@code helix merge}: merges session {@code tag}, carrying its rows and its forks'. */
    public static Result session(Workspace workspace, String tag) {
        Spec spec = spec(workspace);
        List<Experiment> rows = family(workspace, tag);
        String best = Records.best(rows.stream().filter(e -> e.tag().equals(tag)).toList())
                .map(b -> " (#" + b.run() + b.primary().map(v -> ", " + spec.metrics().primary().name() + " " + Judge.fmt(v)).orElse("")
                        + "): " + b.description())
                .orElse("");
        return merge(workspace, spec, tag, rows, "helix: merge session " + tag + best);
    }

    /**
     * Merges helix/{@code tag} into the checked-out branch with {@code message}, carrying {@code rows}
     * (the ledger records of the session and its forks, in ledger order). Refuses a dirty tree, a
     * detached HEAD or a session branch checked out, and a file of the user's where the ledger files go;
     * on a conflict it abandons the merge, so that nothing has changed.
     */
    public static Result merge(Workspace workspace, Spec spec, String tag, List<Experiment> rows, String message) {
        Repository vcs = workspace.git();
        Path repo = workspace.repo();
        String branch = vcs.currentBranch(repo).orElseThrow(() -> AppException.usage("detached_head",
                "your repository has no branch checked out", "check out the branch to merge into, e.g. git switch main"));
        if (branch.startsWith("helix/")) {
            throw AppException.usage("on_session_branch", "the checked-out branch is a session branch (" + branch + ")",
                    "check out your own branch first, e.g. git switch main");
        }
        List<String> dirty = vcs.modifiedTrackedFiles(repo);
        if (!dirty.isEmpty()) {
            throw AppException.usage("dirty_tree", "your working tree has uncommitted changes: " + String.join(", ", dirty),
                    "commit or stash them first: git stash (and git stash pop after the merge)");
        }
        String session = vcs.resolve(repo, "refs/heads/helix/" + tag).orElseThrow(() -> AppException.usage("no_session_branch",
                "there is no branch helix/" + tag, "see the sessions with 'helix status'; a session run by 'helix record' alone has no branch"));
        String head = vcs.resolve(repo, "HEAD").orElseThrow(() -> AppException.usage("no_commits",
                "your branch " + branch + " has no commits", "commit something first"));
        if (vcs.isAncestor(repo, session, head)) return new AlreadyMerged(tag, branch);

        Set<String> tracked = new HashSet<>(vcs.trackedFiles(repo));
        List<Experiment> onBranch = BranchLedger.read(repo, tracked, branch, workspace.ledger().read().experiments());
        for (String file : vcs.changedFiles(repo, head, session)) {
            // git would replace an ignored file of the user's without a word (and refuses an untracked one): say so first.
            if (!tracked.contains(file) && Files.exists(repo.resolve(file), LinkOption.NOFOLLOW_LINKS)) {
                throw AppException.usage("untracked_in_the_way", "the session adds " + file + ", and your checkout has an "
                        + "untracked file there that the merge would replace", "move it out of the way first, e.g. mv " + file
                        + " " + file + ".mine");
            }
        }
        List<String> conflicts;
        try {
            conflicts = vcs.startMerge(repo, session);
        } catch (Vcs.VcsException e) {
            throw AppException.runtime("merge_failed", "git could not merge helix/" + tag + " into " + branch + ": "
                    + e.getMessage(), "nothing was changed; merge it yourself to see why: git merge --no-ff helix/" + tag);
        }
        List<String> blocking = conflicts.stream().filter(f -> !BranchLedger.CARRIED.contains(f)).toList();
        if (!blocking.isEmpty()) {
            vcs.abortMerge(repo);
            throw AppException.runtime("merge_conflict", "helix/" + tag + " and " + branch + " both changed "
                    + String.join(", ", blocking) + " in ways git cannot combine; the merge was abandoned and nothing was changed",
                    "merge it yourself and resolve the conflicts: git merge --no-ff helix/" + tag);
        }
        // The ledger files are Helix's own: whatever either side had, they become every record of both.
        List<Experiment> all = BranchLedger.combine(onBranch, rows);
        String commit;
        try {
            workspace.ledger().publish(all, repo, spec.metrics().primary().name(),
                    spec.metrics().qualityGuard().map(Spec.QualityGuard::name));
            // where each session ran, as both sides and this repository's .helix recorded it
            boolean environment = EnvironmentCopy.replace(EnvironmentCopy.union(EnvironmentCopy.at(vcs, repo, head),
                    EnvironmentCopy.at(vcs, repo, session), EnvironmentCopy.of(workspace, rows.stream().map(Experiment::tag).distinct().toList())), repo);
            commit = vcs.commitMerge(repo, EnvironmentCopy.files(BranchLedger.FILES, environment), message);
        } catch (RuntimeException e) {
            vcs.abortMerge(repo);
            throw e;
        }
        int files = (int) vcs.changedFiles(repo, head, commit).stream().filter(f -> !BranchLedger.CARRIED.contains(f)).count();
        return new Merged(tag, branch, commit, files, all.size() - onBranch.size());
    }

    /** The spec of the workspace's repository, which names the ledger's columns. */
    static Spec spec(Workspace workspace) {
        return SpecFiles.load(SpecFiles.find(workspace.repo()).orElseThrow(() -> AppException.usage("no_spec",
                "no helix.yaml in " + workspace.repo(), "run it in the session's repository")));
    }

    /** The records of session {@code root} and its forks (as helix fork recorded them), in ledger order. */
    static List<Experiment> family(Workspace workspace, String root) {
        java.util.Set<String> tags = dev.helix.app.fork.ForkRegistry.family(workspace, root);
        return workspace.ledger().read().experiments().stream().filter(e -> tags.contains(e.tag())).toList();
    }
}

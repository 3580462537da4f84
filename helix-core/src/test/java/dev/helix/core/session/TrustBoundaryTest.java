package dev.helix.core.session;

import static dev.helix.core.session.ScriptedProposer.change;
import static dev.helix.core.session.ScriptedProposer.writes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.spec.Spec;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hostile proposer on in-memory fakes: what it leaves for the evaluation that the commit does
 * not hold (a symlink, a special file, an ignored file) is rejected, naming it, or removed.
 */
@Timeout(30)
class TrustBoundaryTest {
    private final SessionBench bench = SessionBench.repository(Map.of("x.txt", "1"));

    /** The score is x.txt, plus 100 when the ignored file cache/boost is there. */
    private static final Function<Map<String, String>, FakeExecutor.Run> BOOSTED = files -> FakeExecutor.Run.ok(
            "score: " + (Double.parseDouble(files.get("x.txt")) + (files.containsKey("cache/boost") ? 100 : 0)) + "\n");

    @Test
    void aTrackedFileTheEvaluationWroteIsTheCommitsAgainBeforeTheNextProposal() {
        SessionBench b = SessionBench.repository(Map.of("x.txt", "1", "notes.txt", "the user's notes"));
        b.evaluating(files -> {
            b.vcs.write(SessionBench.WORKTREE, "notes.txt", "scribbled by the evaluation");
            return FakeExecutor.Run.ok("score: " + files.get("x.txt") + "\n");
        });
        java.util.List<String> seen = new java.util.ArrayList<>();
        b.proposer.then(writes("x.txt", "0"), (request, vcs) -> {
            seen.add(vcs.files(request.worktree()).get("notes.txt"));
            vcs.write(request.worktree(), "x.txt", "6");
            return change("x.txt = 6");
        });

        b.session(2).run();

        assertThat(seen).containsExactly("the user's notes");
        assertThat(b.record(1, 0).status()).isEqualTo(Status.DISCARD); // reverted by the commits alone
        assertThat(b.record(2, 0).status()).isEqualTo(Status.KEEP);
        assertThat(b.vcs.filesAt(b.record(2, 0).commit()).get("notes.txt")).isEqualTo("the user's notes");
    }

    @Test
    void anEditableFileReplacedByASymlinkIsRejectedNamingItAndNothingIsCommitted() {
        bench.proposer.then((request, vcs) -> {
            vcs.symlink(request.worktree(), "x.txt", "/etc/passwd");
            return change("x.txt points elsewhere");
        });
        int commits = bench.vcs.commitCount();

        bench.session(1).run();

        Experiment rejected = bench.record(1, 0);
        assertThat(rejected.status()).isEqualTo(Status.REJECTED);
        assertThat(rejected.reason()).isEqualTo("x.txt is a symlink (to /etc/passwd): editable files must be regular files");
        assertThat(rejected.paths()).containsExactly("x.txt");
        assertThat(rejected.commit()).isEmpty();
        assertThat(bench.vcs.commitCount()).isEqualTo(commits);
        assertThat(bench.executor().logs()).containsExactly("0.log");
        assertThat(bench.vcs.files(SessionBench.WORKTREE)).isEqualTo(bench.vcs.filesAt(bench.start));
    }

    @Test
    void aNewSymlinkToTheEvaluatorIsRejectedToo() {
        bench.editable("*.txt").proposer.then((request, vcs) -> {
            vcs.write(request.worktree(), "x.txt", "3");
            vcs.symlink(request.worktree(), "eval.txt", "evaluate.py");
            return change("a link to the evaluator");
        });

        bench.session(1).run();

        Experiment rejected = bench.record(1, 0);
        assertThat(rejected.status()).isEqualTo(Status.REJECTED);
        assertThat(rejected.reason()).isEqualTo("eval.txt is a symlink (to evaluate.py): editable files must be regular files");
        assertThat(bench.vcs.files(SessionBench.WORKTREE)).isEqualTo(bench.vcs.filesAt(bench.start));
    }

    @Test
    void aFifoInPlaceOfAnEditableFileIsRejected() {
        bench.proposer.then((request, vcs) -> {
            vcs.fifo(request.worktree(), "x.txt");
            return change("a fifo");
        });

        bench.session(1).run();

        assertThat(bench.record(1, 0).reason()).isEqualTo("x.txt is a fifo: editable files must be regular files");
    }

    @Test
    void anIgnoredFileTheEvaluationReadsIsRejectedWithTheRealEditAndRemoved() {
        bench.vcs.ignore("cache/");
        bench.strayFiles(Spec.StrayFiles.REJECT).evaluating(BOOSTED).proposer.then((request, vcs) -> {
            vcs.write(request.worktree(), "x.txt", "3");
            vcs.write(request.worktree(), "cache/boost", "yes");
            return change("x.txt = 3, and a little help");
        });
        int commits = bench.vcs.commitCount();

        bench.session(1).run();

        Experiment rejected = bench.record(1, 0);
        assertThat(rejected.status()).isEqualTo(Status.REJECTED);
        assertThat(rejected.reason()).startsWith("files outside the commit changed: cache/boost (ignored, created): "
                + "the evaluation would read them, but the commit does not hold them");
        assertThat(rejected.paths()).containsExactly("cache/boost");
        assertThat(bench.vcs.commitCount()).isEqualTo(commits);
        assertThat(bench.executor().logs()).containsExactly("0.log");
        assertThat(bench.vcs.files(SessionBench.WORKTREE)).isEqualTo(bench.vcs.filesAt(bench.start));
    }

    @Test
    void ignoredFilesThatWereThereBeforeTheProposalAreLeftAlone() {
        bench.vcs.ignore("cache/");
        bench.proposer.then(writes("x.txt", "3"));
        Session session = bench.session(1);
        bench.vcs.write(SessionBench.WORKTREE, "cache/compiled", "from the setup");

        session.run();

        assertThat(bench.record(1, 0).status()).isEqualTo(Status.KEEP);
        assertThat(bench.vcs.files(SessionBench.WORKTREE)).containsEntry("cache/compiled", "from the setup");
    }

    @Test
    void withStrayFilesRemovedTheEvaluationSeesTheCommitAlone() {
        bench.vcs.ignore("cache/");
        bench.strayFiles(Spec.StrayFiles.REMOVE).evaluating(BOOSTED).proposer.then((request, vcs) -> {
            vcs.write(request.worktree(), "x.txt", "3");
            vcs.write(request.worktree(), "cache/boost", "yes");
            return change("x.txt = 3, and a little help");
        });

        bench.session(1).run();

        Experiment kept = bench.record(1, 0);
        assertThat(kept.status()).isEqualTo(Status.KEEP);
        assertThat(kept.primary()).contains(3.0);
        assertThat(bench.executor().seen().get(1).files()).doesNotContainKey("cache/boost");
        assertThat(bench.vcs.files(SessionBench.WORKTREE)).isEqualTo(bench.vcs.filesAt(kept.commit()));
    }

    @Test
    void withStrayFilesRemovedAChangedFileFromTheSessionStartIsStillRejected() {
        bench.vcs.ignore("cache/");
        bench.strayFiles(Spec.StrayFiles.REMOVE).proposer.then((request, vcs) -> {
            vcs.write(request.worktree(), "x.txt", "3");
            vcs.write(request.worktree(), "cache/compiled", "tampered");
            return change("x.txt = 3");
        });
        Session session = bench.session(1);
        bench.vcs.write(SessionBench.WORKTREE, "cache/compiled", "from the setup");

        session.run();

        Experiment rejected = bench.record(1, 0);
        assertThat(rejected.status()).isEqualTo(Status.REJECTED);
        assertThat(rejected.reason()).startsWith("files evaluate.setup made changed: cache/compiled");
        assertThat(rejected.paths()).containsExactly("cache/compiled");
    }

    @Test
    void inTheUsersCheckoutIgnoredFilesAreNotTheSessionsToJudge() {
        bench.vcs.ignore("cache/");
        bench.sharedCheckout().proposer.then((request, vcs) -> {
            vcs.write(request.worktree(), "x.txt", "3");
            vcs.write(request.worktree(), "cache/notes", "the user's");
            return change("x.txt = 3");
        });

        bench.session(1).run();

        assertThat(bench.record(1, 0).status()).isEqualTo(Status.KEEP);
        assertThat(bench.vcs.files(SessionBench.WORKTREE)).containsEntry("cache/notes", "the user's");
    }
}

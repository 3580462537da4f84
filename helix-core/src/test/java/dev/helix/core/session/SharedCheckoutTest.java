package dev.helix.core.session;

import static dev.helix.core.session.ScriptedProposer.changesNothing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * helix try on in-memory fakes: the checkout is the user's and the agent's together, so the
 * user's untracked files outside scope.editable are left alone and named, never committed or
 * removed; a session that cannot measure its baseline leaves nothing behind.
 */
@Timeout(30)
class SharedCheckoutTest {
    private static final Path CHECKOUT = SessionBench.WORKTREE;

    private final SessionBench bench = SessionBench.repository(Map.of("x.txt", "1", "y.txt", "tracked, out of scope"))
            .sharedCheckout();

    /** A session whose baseline is recorded; the agent's edits are then made by hand, and each try only describes them. */
    private Session started() {
        Session first = bench.session(0);
        assertThat(first.measureBaseline()).map(Experiment::status).contains(Status.BASELINE);
        bench.proposer.then(changesNothing(), changesNothing(), changesNothing());
        return bench.session(0);
    }

    @Test
    void anUntrackedFileOutsideScopeIsNamedButNeitherCommittedNorRemovedWhenTheEditIsKept() {
        Session session = started();
        bench.vcs.write(CHECKOUT, "notes.txt", "my notes");
        bench.vcs.write(CHECKOUT, ".claude/skills/helix/SKILL.md", "installed");
        bench.vcs.write(CHECKOUT, "x.txt", "3");

        Session.Tried tried = session.tryEdits(Map.of());

        assertThat(tried.appended()).extracting(Experiment::status).containsExactly(Status.KEEP);
        assertThat(tried.leftAlone()).containsExactly(".claude/skills/helix/SKILL.md", "notes.txt");
        Experiment kept = tried.appended().get(0);
        assertThat(bench.vcs.filesAt(kept.commit())).doesNotContainKeys("notes.txt", ".claude/skills/helix/SKILL.md")
                .containsEntry("x.txt", "3");
        assertThat(bench.vcs.files(CHECKOUT)).containsEntry("notes.txt", "my notes")
                .containsEntry(".claude/skills/helix/SKILL.md", "installed");
    }

    @Test
    void aDiscardRevertsTheEditAndLeavesTheUsersFileAsItIs() {
        Session session = started();
        bench.vcs.write(CHECKOUT, "notes.txt", "my notes");
        bench.vcs.write(CHECKOUT, "x.txt", "0");

        Session.Tried tried = session.tryEdits(Map.of());

        assertThat(tried.appended()).extracting(Experiment::status).containsExactly(Status.DISCARD);
        assertThat(bench.vcs.files(CHECKOUT)).containsEntry("x.txt", "1").containsEntry("notes.txt", "my notes");
    }

    @Test
    void onlyATrackedFileOutOfScopeRejectsTheEditAndOnlyTrackedFilesAreRestored() {
        bench.editable("x*.txt");
        Session session = started();
        bench.vcs.write(CHECKOUT, "notes.txt", "my notes");
        bench.vcs.write(CHECKOUT, "y.txt", "changed");
        bench.vcs.write(CHECKOUT, "x.txt", "3");
        int commits = bench.vcs.commitCount();

        Session.Tried tried = session.tryEdits(Map.of());

        Experiment rejected = tried.appended().get(0);
        assertThat(rejected.status()).isEqualTo(Status.REJECTED);
        assertThat(rejected.paths()).containsExactly("y.txt");
        assertThat(rejected.reason()).isEqualTo("changed files out of scope: y.txt (not in scope.editable)");
        assertThat(tried.leftAlone()).containsExactly("notes.txt");
        assertThat(bench.vcs.commitCount()).isEqualTo(commits);
        assertThat(bench.vcs.files(CHECKOUT)).containsEntry("y.txt", "tracked, out of scope").containsEntry("x.txt", "1")
                .containsEntry("notes.txt", "my notes");
    }

    @Test
    void anUntrackedFileInsideScopeIsTheAgentsWorkAndGoesWithARevert() {
        bench.editable("x*.txt");
        Session session = started();
        bench.vcs.write(CHECKOUT, "x2.txt", "new");
        bench.vcs.write(CHECKOUT, "x.txt", "0");

        Session.Tried tried = session.tryEdits(Map.of());

        assertThat(tried.appended()).extracting(Experiment::status).containsExactly(Status.DISCARD);
        assertThat(tried.leftAlone()).isEmpty();
        assertThat(bench.vcs.files(CHECKOUT)).doesNotContainKey("x2.txt");
    }

    @Test
    void aFileLeftAloneIsNamedOnlyWhenItChangedSinceTheLastTry() {
        Session session = started();
        bench.vcs.write(CHECKOUT, "notes.txt", "my notes");
        bench.vcs.write(CHECKOUT, "x.txt", "3");
        session.tryEdits(Map.of());
        Map<String, String> afterFirst = bench.vcs.snapshot(CHECKOUT);
        bench.vcs.write(CHECKOUT, "x.txt", "4");

        Session.Tried second = bench.session(0).tryEdits(afterFirst);

        assertThat(second.appended()).extracting(Experiment::status).containsExactly(Status.KEEP);
        assertThat(second.leftAlone()).isEmpty();
        assertThat(bench.vcs.files(CHECKOUT)).containsEntry("notes.txt", "my notes");
    }

    @Test
    void inHelixsOwnWorktreeTheSameFileIsAViolationAndIsRemoved() {
        Checkout.Changes changes = Checkout.HELIX.changes(Map.of(), Map.of("notes.txt", "n", "x.txt", "3"), Set.of("x.txt"),
                new Spec.Scope(List.of("x.txt"), List.of()));

        assertThat(changes.experiment()).containsExactly("notes.txt", "x.txt");
        assertThat(changes.created()).containsExactly("notes.txt");
        assertThat(changes.leftAlone()).isEmpty();
    }

    @Test
    void aBaselineThatCrashesIsNotRecordedAndMakesNoRef() {
        bench.evaluating(files -> FakeExecutor.Run.failed(1, "Traceback: boom"));

        Optional<Experiment> baseline = bench.session(0).measureBaseline();

        assertThat(baseline).map(Experiment::status).contains(Status.CRASH);
        assertThat(bench.ledger.records()).isEmpty();
        assertThat(bench.ref(SessionBench.BRANCH)).isEmpty();
        assertThat(bench.experimentRef("0")).isEmpty();
    }

    @Test
    void aRecordedBaselineLeavesTheSessionBranchToTheCaller() {
        Optional<Experiment> baseline = bench.session(0).measureBaseline();

        assertThat(baseline).map(Experiment::status).contains(Status.BASELINE);
        assertThat(bench.ledger.records()).containsExactly(baseline.get());
        assertThat(bench.experimentRef("0")).contains(bench.start);
        assertThat(bench.ref(SessionBench.BRANCH)).isEmpty();
    }

    @Test
    void theSpecProgramAndEvaluatorMustBeCommittedBeforeASessionStarts() {
        Spec spec = bench.spec();
        List<String> tracked = List.of("helix.yaml", "evaluate.py", "x.txt", "uv.lock");

        assertThat(Checkout.uncommittedSessionFiles(spec, "helix.yaml", tracked,
                Set.of("helix.yaml", "program.md", "evaluate.py", "uv.lock", "x.txt", "notes.txt")))
                .containsExactly("evaluate.py", "helix.yaml", "program.md", "uv.lock");
        assertThat(Checkout.uncommittedSessionFiles(spec, "helix.yaml", tracked, Set.of("x.txt", "notes.txt"))).isEmpty();
        // A spec never committed (untracked, or ignored and so not even dirty) is uncommitted too.
        assertThat(Checkout.uncommittedSessionFiles(spec, "helix.yaml", List.of("x.txt"), Set.of())).containsExactly("helix.yaml");
    }
}

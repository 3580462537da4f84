package dev.helix.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Verdict;
import dev.helix.core.spec.Spec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The ratchet's decision on its own: the branch moves only from the best a candidate was judged against. */
class RatchetTest {
    private static final Experiment BASELINE = best(0, "base", Optional.of(1.0));
    private static final Experiment MOVED = best(2, "c2", Optional.of(4.0));
    private static final Verdict KEEP = new Verdict(Status.KEEP, "improved: score 1 -> 3 (+2, +200.00%)", Optional.of(2.0),
            Optional.of(200.0));
    private static final String STALE = "improved: score 1 -> 3 (+2, +200.00%); stale: #2 was kept while it ran (score 4)";

    @Test
    void aKeepAgainstTheBestThatIsStillTheBestIsKept() {
        assertThat(decide(KEEP, BASELINE, Spec.OnStale.REBASE, 0, false)).isEqualTo(new Ratchet.Decision.Keep());
        assertThat(decide(KEEP, BASELINE, Spec.OnStale.DISCARD, Ratchet.MAX_REBASES, true))
                .as("nothing else matters while the best has not moved").isEqualTo(new Ratchet.Decision.Keep());
    }

    @Test
    void aDiscardOrACrashIsRecordedAsItIsWhetherOrNotTheBestMoved() {
        Verdict discard = new Verdict(Status.DISCARD, "worse", Optional.of(-1.0), Optional.of(-10.0));
        Verdict crash = new Verdict(Status.CRASH, "exit code 1", Optional.empty(), Optional.empty());
        assertThat(decide(discard, BASELINE, Spec.OnStale.REBASE, 0, false)).isEqualTo(new Ratchet.Decision.Record(Status.DISCARD));
        assertThat(decide(discard, MOVED, Spec.OnStale.REBASE, 0, false)).isEqualTo(new Ratchet.Decision.Record(Status.DISCARD));
        assertThat(decide(crash, MOVED, Spec.OnStale.REBASE, 0, false)).isEqualTo(new Ratchet.Decision.Record(Status.CRASH));
    }

    @Test
    void aKeepAgainstABestThatMovedIsStaleAndRebasedWithOnStaleRebase() {
        assertThat(decide(KEEP, MOVED, Spec.OnStale.REBASE, 0, false)).isEqualTo(new Ratchet.Decision.Stale(STALE, true));
        assertThat(decide(KEEP, MOVED, Spec.OnStale.REBASE, Ratchet.MAX_REBASES - 1, false))
                .isEqualTo(new Ratchet.Decision.Stale(STALE, true));
    }

    @Test
    void withOnStaleDiscardAStaleKeepIsOnlyRecorded() {
        assertThat(decide(KEEP, MOVED, Spec.OnStale.DISCARD, 0, false))
                .isEqualTo(new Ratchet.Decision.Stale(STALE + " (run.on_stale: discard)", false));
    }

    @Test
    void aStaleKeepIsNotRebasedWhileTheSessionStops() {
        assertThat(decide(KEEP, MOVED, Spec.OnStale.REBASE, 0, true)).isEqualTo(new Ratchet.Decision.Stale(STALE + " (stopping)", false));
    }

    @Test
    void aCandidateIsRebasedAtMostMaxRebasesTimes() {
        assertThat(Ratchet.MAX_REBASES).isEqualTo(3);
        assertThat(decide(KEEP, MOVED, Spec.OnStale.REBASE, Ratchet.MAX_REBASES, false))
                .isEqualTo(new Ratchet.Decision.Stale(STALE + "; re-applied 3 times already", false));
    }

    @Test
    void aMovedBestWithoutAPrimaryIsShownAsADash() {
        assertThat(Ratchet.decide(KEEP, BASELINE, best(2, "c2", Optional.empty()), Spec.OnStale.DISCARD, 0, false, "score"))
                .isEqualTo(new Ratchet.Decision.Stale("improved: score 1 -> 3 (+2, +200.00%); stale: #2 was kept while it ran"
                        + " (score -) (run.on_stale: discard)", false));
    }

    private static Ratchet.Decision decide(Verdict verdict, Experiment current, Spec.OnStale onStale, int rebases, boolean stopping) {
        return Ratchet.decide(verdict, BASELINE, current, onStale, rebases, stopping, "score");
    }

    private static Experiment best(int run, String commit, Optional<Double> score) {
        return new Experiment(run, "t", 1, "p", commit, run == 0 ? Status.BASELINE : Status.KEEP,
                score.map(s -> Map.of("score", s)).orElse(Map.of()), score, Optional.empty(), Optional.empty(), "", Optional.empty(),
                "", score.map(List::of).orElse(List.of()), Instant.EPOCH, Instant.EPOCH, 1, Optional.of(0), false, "", DiffStat.NONE,
                Optional.empty(), List.of(), Optional.empty(), 0, List.of(), Optional.empty(), Optional.empty());
    }
}

package dev.helix.core.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExperimentTest {

    private static final Evidence EVIDENCE = new Evidence(-0.1, -0.2, -0.05, 0.01, 0.05, 3, 6, 1.0, 0.02, 7, 6, "best");

    /** A record as a session lays it out flat, every value given whatever the status. */
    private static Experiment flat(Status status) {
        return new Experiment(4, "mar1", 1, "p", "c", status, Map.of("loss", 0.9), Optional.of(0.9), Optional.of(-0.1),
                Optional.of(-10.0), "try token sk-SECRET", Optional.of("because sk-SECRET"), "reason sk-SECRET",
                List.of(0.9, 0.91), Instant.EPOCH, Instant.EPOCH, 2.0, Optional.of(0), false, "4.log", DiffStat.NONE,
                Optional.empty(), List.of("README.md"), Optional.of("tail sk-SECRET"), 1, List.of(1.0),
                Optional.of(EVIDENCE), Optional.of(new Noise(0.01, 2, Noise.STATISTICAL)), Optional.of("gpu 0"),
                Optional.of("look at sk-SECRET"), Optional.of("old"));
    }

    @Test
    void theStatusChoosesTheOutcomeAndItKeepsWhatThatOutcomeCarries() {
        assertThat(flat(Status.BASELINE).outcome()).isEqualTo(new Outcome.Baseline(
                new Sampling(List.of(0.9, 0.91), List.of(1.0), Optional.of(EVIDENCE)),
                Optional.of(new Noise(0.01, 2, Noise.STATISTICAL))));
        assertThat(flat(Status.KEEP).outcome()).isInstanceOf(Outcome.Kept.class);
        assertThat(flat(Status.DISCARD).outcome()).isInstanceOf(Outcome.Discarded.class);
        assertThat(flat(Status.STALE).outcome()).isInstanceOf(Outcome.Stale.class);
        assertThat(flat(Status.VERIFY).outcome()).isInstanceOf(Outcome.Verified.class);
        assertThat(flat(Status.CRASH).outcome()).isEqualTo(new Outcome.Crashed(
                new Sampling(List.of(0.9, 0.91), List.of(1.0), Optional.of(EVIDENCE)), Optional.of("tail sk-SECRET"),
                Optional.of(-0.1), Optional.of(-10.0)));
        assertThat(flat(Status.REJECTED).outcome()).isEqualTo(new Outcome.Rejected(List.of("README.md")));
        assertThat(flat(Status.INTERRUPTED).outcome()).isEqualTo(new Outcome.Interrupted(
                new Sampling(List.of(0.9, 0.91), List.of(1.0), Optional.of(EVIDENCE)), Optional.of("tail sk-SECRET")));
        for (Status s : Status.values()) {
            assertThat(flat(s).status()).isEqualTo(s);
        }
    }

    @Test
    void theFlatAccessorsAnswerForEveryOutcomeEmptyWhereItCarriesNothingOfTheKind() {
        Experiment keep = flat(Status.KEEP);
        assertThat(keep.samples()).containsExactly(0.9, 0.91);
        assertThat(keep.incumbentSamples()).containsExactly(1.0);
        assertThat(keep.evidence()).contains(EVIDENCE);
        assertThat(keep.delta()).contains(-0.1);
        assertThat(keep.deltaPct()).contains(-10.0);
        assertThat(keep.paths()).isEmpty();
        assertThat(keep.logTail()).isEmpty();
        assertThat(keep.noise()).isEmpty();
        assertThat(keep.rebasedFrom()).contains("old");
        assertThat(keep.evaluations()).isEqualTo(6);

        Experiment rejected = flat(Status.REJECTED);
        assertThat(rejected.paths()).containsExactly("README.md");
        assertThat(rejected.samples()).isEmpty();
        assertThat(rejected.delta()).isEmpty();
        assertThat(rejected.evidence()).isEmpty();
        assertThat(flat(Status.BASELINE).delta()).isEmpty();
        assertThat(flat(Status.INTERRUPTED).delta()).isEmpty();
    }

    @Test
    void redactionReachesEveryTextAProposerOrAnEvaluationWrote() {
        for (Status s : List.of(Status.CRASH, Status.INTERRUPTED, Status.KEEP)) {
            Experiment clean = flat(s).redacted(t -> t.replace("sk-SECRET", "***"));
            assertThat(clean.description()).isEqualTo("try token ***");
            assertThat(clean.hypothesis()).contains("because ***");
            assertThat(clean.reason()).isEqualTo("reason ***");
            assertThat(clean.direction()).contains("look at ***");
            assertThat(clean.logTail()).isEqualTo(s == Status.KEEP ? Optional.empty() : Optional.of("tail ***"));
            assertThat(clean.samples()).isEqualTo(flat(s).samples());
            assertThat(clean.status()).isEqualTo(s);
        }
    }

    @Test
    void aCrashCountsOneEvaluationEvenWithoutAValue() {
        Experiment crash = new Experiment(1, "t", 0, "p", "c", Status.CRASH, Map.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), "", Optional.empty(), "exit code 1", List.of(), Instant.EPOCH, Instant.EPOCH, 1,
                Optional.of(1), false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.of("boom"));
        assertThat(crash.evaluations()).isEqualTo(1);
        assertThat(crash.logTail()).contains("boom");
    }
}

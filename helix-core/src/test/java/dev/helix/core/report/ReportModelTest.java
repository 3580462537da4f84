package dev.helix.core.report;

import static dev.helix.core.report.Fixtures.baseline;
import static dev.helix.core.report.Fixtures.crash;
import static dev.helix.core.report.Fixtures.discard;
import static dev.helix.core.report.Fixtures.keep;
import static dev.helix.core.report.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.spec.Direction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportModelTest {
    static final ReportModel.Setting SETTING = new ReportModel.Setting("Lower the loss.", "loss", Direction.MINIMIZE);

    static ReportModel model(List<Experiment> records) {
        return ReportModel.of("t", SETTING, records, e -> "diff of " + e.run());
    }

    @Test
    void summarisesTheSession() {
        ReportModel m = model(List.of(baseline(4), keep(1, 3, -1), discard(2, 5, "a"), crash(3, 3),
                record(4, Status.REJECTED, null, null, "b", "the proposer changed no file"), keep(5, 2, -1)));

        assertThat(m.baseline().flatMap(Experiment::primary)).contains(4.0);
        assertThat(m.best().map(Experiment::run)).contains(5);
        assertThat(m.improvementPct()).contains(-50.0);
        assertThat(List.of(m.experiments(), m.kept(), m.discarded(), m.crashed(), m.rejected())).containsExactly(5, 2, 1, 1, 1);
        assertThat(m.span()).isEqualTo(Duration.ofSeconds(54));
        assertThat(m.costUsd()).isCloseTo(0.06, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.tokensIn()).isEqualTo(600);
        assertThat(m.tokensOut()).isEqualTo(120);
        assertThat(m.points()).hasSize(6);
        assertThat(m.keptChanges()).extracting(ReportModel.KeptChange::run).containsExactly(1, 5);
        assertThat(m.keptChanges()).extracting(ReportModel.KeptChange::diff).containsExactly("diff of 1", "diff of 5");
    }

    @Test
    void groupsCrashesByExitCodeAndTimeoutAndDiscardsByTheirLeadingWords() {
        List<Experiment> records = new ArrayList<>(List.of(baseline(4), crash(1, 3), crash(2, 137), crash(3, 3),
                record(4, Status.CRASH, null, null, "slow", "timed out after 20s (evaluate.timeout_seconds)", Optional.empty(),
                        Optional.empty(), true),
                record(5, Status.CRASH, null, null, "c", "loss was not found in the output"),
                discard(6, 5, "d"), discard(7, 6.5, "e"),
                record(8, Status.DISCARD, 4.0, 0.0, "f", "no change: loss 4 -> 4 (0, +0.00%)"),
                record(9, Status.DISCARD, 3.99, -0.01, "g", "improvement 0.01 is not more than min_improvement 0.04: loss 4 -> 3.99"),
                record(10, Status.DISCARD, 4.2, 0.2, "h",
                        "loss 4 -> 4.2, not significant after 3 looks: p 0.41 > alpha 0.05; 6 evaluations"),
                record(11, Status.REJECTED, null, null, "i", "the proposer failed: claude exited with code 1: rate limited"),
                record(12, Status.REJECTED, null, null, "j", "the proposer failed: claude exited with code 2: no key")));

        ReportModel m = model(records);

        assertThat(m.crashThemes()).extracting(ReportModel.Theme::theme, ReportModel.Theme::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("exit code 3", 2), org.assertj.core.groups.Tuple.tuple("exit code 137", 1),
                        org.assertj.core.groups.Tuple.tuple("timed out", 1),
                        org.assertj.core.groups.Tuple.tuple("loss was not found in the output", 1));
        assertThat(m.crashThemes().get(0).runs()).containsExactly(1, 3);
        assertThat(m.discardThemes()).extracting(ReportModel.Theme::theme).containsExactly("worse", "no change",
                "improvement N is not more than min_improvement N", "not significant after N looks");
        assertThat(m.rejectThemes()).extracting(ReportModel.Theme::theme, ReportModel.Theme::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("the proposer failed: claude exited with code N", 2));
    }

    @Test
    void findsIdeasProposedMoreThanOnce() {
        ReportModel m = model(List.of(baseline(4), discard(1, 5, "Raise the learning rate"), discard(2, 5, "other"),
                discard(3, 5, "raise the  learning rate "), discard(4, 5, "Raise the learning rate")));
        assertThat(m.repeatedDescriptions()).singleElement().satisfies(r -> {
            assertThat(r.description()).isEqualTo("Raise the learning rate");
            assertThat(r.count()).isEqualTo(3);
            assertThat(r.runs()).containsExactly(1, 3, 4);
        });
    }
}

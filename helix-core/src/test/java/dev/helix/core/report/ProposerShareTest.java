package dev.helix.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProposerShareTest {
    private static Experiment record(int run, int attempt, Status status, String backend) {
        return new Experiment(run, "t", 0, "p", "c" + run, status, Map.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), "d", Optional.empty(), "r", List.of(), Instant.EPOCH, Instant.EPOCH, 1, Optional.of(0), false,
                "", DiffStat.NONE, Optional.ofNullable(backend).map(b -> AgentUsage.of(b, 1)), List.of(), Optional.empty(), attempt);
    }

    @Test
    void eachProposerCountsItsRunsOnceAndARunKeptByAFixUpAsKept() {
        List<Experiment> records = List.of(record(0, 0, Status.BASELINE, null),
                record(1, 0, Status.CRASH, "claude"), record(1, 1, Status.KEEP, "claude"),
                record(2, 0, Status.KEEP, "tune"), record(3, 0, Status.DISCARD, "tune"), record(4, 0, Status.DISCARD, "claude"));

        List<ProposerShare> shares = ProposerShare.of(records);

        assertThat(shares).containsExactly(new ProposerShare("claude", 2, 1), new ProposerShare("tune", 2, 1));
        assertThat(ProposerShare.render(shares)).isEqualTo("claude 2 experiments (1 kept), tune 2 (1 kept)");
    }

    @Test
    void aSessionOfOneProposerHasNoShares() {
        assertThat(ProposerShare.of(List.of(record(0, 0, Status.BASELINE, null), record(1, 0, Status.KEEP, "tune")))).isEmpty();
    }
}

package dev.helix.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.session.SessionFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a session spent, per experiment and per kept improvement. */
class SpendTest {

    /** {@code records} with each experiment after the baseline costing {@code usd} and 1000 + 100 tokens. */
    private static List<Experiment> costing(List<Experiment> records, Double usd) {
        List<Experiment> out = new ArrayList<>();
        for (Experiment e : records) {
            AgentUsage a = new AgentUsage("openai", Optional.of("gpt-4o"), Optional.of(1000L), Optional.of(100L),
                    Optional.ofNullable(usd), Optional.of(1), 3.0);
            out.add(e.run() == 0 ? e : new Experiment(e.run(), e.tag(), e.worker(), e.parent(), e.commit(), e.metrics(), e.primary(),
                    e.description(), e.hypothesis(), e.reason(), e.startedAt(), e.finishedAt(), e.evalSeconds(), e.exitCode(),
                    e.timedOut(), e.log(), e.diff(), Optional.of(a), e.attempt(), e.slot(), e.direction(), e.rebasedFrom(),
                    e.outcome(), e.parameters()));
        }
        return out;
    }

    @Test
    void theSpendIsSplitOverTheExperimentsAndOverTheKeptImprovements() {
        List<Experiment> records = costing(SessionFixture.baseline(1.0).measure(0.9, "a").measure(0.95, "b").measure(0.8, "c")
                .crash("d", "boom").records(), 0.25);

        Spend spend = Spend.of(records);

        assertThat(spend.costUsd().orElseThrow()).isCloseTo(1.0, within(1e-12));
        assertThat(spend.experiments()).isEqualTo(4);
        assertThat(spend.kept()).isEqualTo(2);
        assertThat(spend.costPerExperiment().orElseThrow()).isCloseTo(0.25, within(1e-12));
        assertThat(spend.costPerKept().orElseThrow()).isCloseTo(0.5, within(1e-12));
        assertThat(spend.tokens()).isEqualTo(4400);
        assertThat(spend.tokensPerKept()).contains(2200L);
        assertThat(spend.render()).isEqualTo("1 USD and 4400 tokens (4000 in, 400 out); 0.25 USD per experiment, 0.5 USD per kept improvement");
    }

    @Test
    void withoutACostOrAKeepItSaysSoInsteadOfDividing() {
        List<Experiment> records = costing(SessionFixture.baseline(1.0).measure(1.5, "worse").records(), null);

        Spend spend = Spend.of(records);

        assertThat(spend.costUsd()).isEmpty();
        assertThat(spend.costPerKept()).isEmpty();
        assertThat(spend.tokensPerKept()).isEmpty();
        assertThat(spend.any()).isTrue();
        assertThat(spend.render()).isEqualTo("cost unknown, 1100 tokens (1000 in, 100 out); no kept improvement yet");
        assertThat(Spend.of(SessionFixture.baseline(1.0).records()).any()).isFalse();
        assertThat(records.get(1).status()).isEqualTo(Status.DISCARD);
    }
}

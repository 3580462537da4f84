package dev.helix.core.cost;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Judge;
import dev.helix.core.session.Records;
import java.util.List;
import java.util.Optional;

/**
 * What a session's proposals have cost so far, and what that bought: the spend, the tokens, the
 * cost per experiment and per kept improvement.
 *
 * @param costUsd the dollars the records carry (reported or priced); empty when none carries a cost
 * @param experiments experiments after the baseline, each counted once (fix-ups and rebases within it)
 * @param kept the experiments that ended kept: the improvements the spend bought
 */
public record Spend(Optional<Double> costUsd, long tokensIn, long tokensOut, int experiments, int kept) {

    public static Spend of(List<Experiment> records) {
        List<AgentUsage> usage = records.stream().flatMap(e -> e.agent().stream()).toList();
        boolean costed = usage.stream().anyMatch(a -> a.costUsd().isPresent());
        Event.Summary summary = Records.summary(records);
        return new Spend(costed ? Optional.of(Records.cost(records)) : Optional.empty(),
                usage.stream().flatMap(a -> a.tokensIn().stream()).mapToLong(Long::longValue).sum(),
                usage.stream().flatMap(a -> a.tokensOut().stream()).mapToLong(Long::longValue).sum(),
                summary.experiments(), summary.kept());
    }

    public long tokens() {
        return tokensIn + tokensOut;
    }

    /** Dollars per experiment after the baseline; empty without a cost or an experiment. */
    public Optional<Double> costPerExperiment() {
        return experiments == 0 ? Optional.empty() : costUsd.map(c -> c / experiments);
    }

    /** Dollars per kept improvement; empty without a cost or a keep. */
    public Optional<Double> costPerKept() {
        return kept == 0 ? Optional.empty() : costUsd.map(c -> c / kept);
    }

    /** Tokens per kept improvement; empty without a keep. */
    public Optional<Long> tokensPerKept() {
        return kept == 0 ? Optional.empty() : Optional.of(tokens() / kept);
    }

    /** Whether there is anything to say: some cost or some tokens. */
    public boolean any() {
        return costUsd.filter(c -> c > 0).isPresent() || tokens() > 0;
    }

    /**
     * One line: "1.25 USD and 84000 tokens (80000 in, 4000 out); 0.125 USD per experiment, 0.625 USD
     * per kept improvement".
     */
    public String render() {
        StringBuilder b = new StringBuilder(costUsd.map(c -> usd(c) + " and ").orElse("cost unknown, "));
        b.append(tokens()).append(" tokens (").append(tokensIn).append(" in, ").append(tokensOut).append(" out)");
        costPerExperiment().ifPresent(c -> b.append("; ").append(usd(c)).append(" per experiment"));
        if (kept == 0) {
            b.append("; no kept improvement yet");
        } else {
            b.append(costPerKept().map(c -> ", " + usd(c)).orElse("; " + tokensPerKept().orElseThrow() + " tokens"))
                    .append(" per kept improvement");
        }
        return b.toString();
    }

    private static String usd(double v) {
        return Judge.fmt(v) + " USD";
    }
}

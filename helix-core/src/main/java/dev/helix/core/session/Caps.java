package dev.helix.core.session;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The spending caps (--max-cost, --max-tokens) against a session's records: reached, or blind. A
 * backend that is trusted to report its cost (claude, command, a plugin) but proposed a change
 * without reporting it leaves the cap unable to hold; the session then stops rather than run
 * uncapped while the user believes it is capped.
 */
final class Caps {
    /** A proposal was made and measured: its usage says what it cost, or the cap is blind. */
    private static final Set<Status> PROPOSED = Set.of(Status.KEEP, Status.DISCARD, Status.CRASH);
    /** The built-in tuner calls no model: it costs nothing and uses no tokens. */
    private static final String TUNER = "tune";

    /** A cap that stops the session: why, and the detail for the summary. */
    record Stop(StopReason reason, String detail) {}

    private Caps() {}

    static Optional<Stop> check(Plan plan, List<Experiment> records) {
        if (plan.maxCost().isPresent()) {
            Optional<Experiment> blind = blind(records, u -> u.costUsd().isEmpty());
            if (blind.isPresent()) {
                String backend = blind.get().agent().orElseThrow().backend();
                return Optional.of(new Stop(StopReason.CAP_BLIND, "--max-cost cannot hold: the " + backend
                        + " backend reported no cost for run " + blind.get().run() + "; set agent.price (cost from its tokens), "
                        + "make the backend report its cost, or cap the tokens: --max-tokens N"));
            }
            double cost = Records.cost(records);
            if (cost >= plan.maxCost().get()) return Optional.of(new Stop(StopReason.MAX_COST, "spent " + Judge.fmt(cost) + " USD"));
        }
        if (plan.maxTokens().isPresent()) {
            Optional<Experiment> blind = blind(records, u -> u.tokensIn().isEmpty() && u.tokensOut().isEmpty());
            if (blind.isPresent()) {
                String backend = blind.get().agent().orElseThrow().backend();
                return Optional.of(new Stop(StopReason.CAP_BLIND, "--max-tokens cannot hold: the " + backend
                        + " backend reported no tokens for run " + blind.get().run() + "; cap its cost instead: --max-cost USD"));
            }
            long tokens = Records.tokens(records);
            if (tokens >= plan.maxTokens().getAsLong()) return Optional.of(new Stop(StopReason.MAX_TOKENS, "used " + tokens + " tokens"));
        }
        return Optional.empty();
    }

    private static Optional<Experiment> blind(List<Experiment> records, java.util.function.Predicate<AgentUsage> missing) {
        return records.stream().filter(e -> PROPOSED.contains(e.status()))
                .filter(e -> e.agent().filter(u -> !u.backend().equals(TUNER)).filter(missing).isPresent()).findFirst();
    }
}

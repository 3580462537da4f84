package dev.helix.core.experiment;

import java.util.Optional;

/** What a proposal cost: tokens, dollars, turns, seconds; fields the backend does not report are empty. */
public record AgentUsage(
        String backend,
        Optional<String> model,
        Optional<Long> tokensIn,
        Optional<Long> tokensOut,
        Optional<Double> costUsd,
        Optional<Integer> turns,
        double seconds) {

    public static AgentUsage of(String backend, double seconds) {
        return new AgentUsage(backend, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), seconds);
    }
}

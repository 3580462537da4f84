package dev.helix.core.experiment;

import java.util.Optional;

/**
 * What a proposal cost: tokens, dollars, turns, seconds; fields the backend does not report are empty.
 *
 * @param tokensCached the part of {@code tokensIn} read from the provider's prompt cache (priced lower)
 * @param tokensCacheWritten the part of {@code tokensIn} written to the provider's prompt cache (priced higher: Anthropic)
 */
public record AgentUsage(
        String backend,
        Optional<String> model,
        Optional<Long> tokensIn,
        Optional<Long> tokensOut,
        Optional<Double> costUsd,
        Optional<Integer> turns,
        double seconds,
        Optional<Long> tokensCached,
        Optional<Long> tokensCacheWritten) {

    public AgentUsage {
        tokensCached = tokensCached == null ? Optional.empty() : tokensCached;
        tokensCacheWritten = tokensCacheWritten == null ? Optional.empty() : tokensCacheWritten;
    }

    /** Usage without a count of input tokens written to the prompt cache. */
    public AgentUsage(String backend, Optional<String> model, Optional<Long> tokensIn, Optional<Long> tokensOut,
                      Optional<Double> costUsd, Optional<Integer> turns, double seconds, Optional<Long> tokensCached) {
        this(backend, model, tokensIn, tokensOut, costUsd, turns, seconds, tokensCached, Optional.empty());
    }

    /** Usage without a count of cached input tokens. */
    public AgentUsage(String backend, Optional<String> model, Optional<Long> tokensIn, Optional<Long> tokensOut,
                      Optional<Double> costUsd, Optional<Integer> turns, double seconds) {
        this(backend, model, tokensIn, tokensOut, costUsd, turns, seconds, Optional.empty());
    }

    public static AgentUsage of(String backend, double seconds) {
        return new AgentUsage(backend, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), seconds);
    }
}

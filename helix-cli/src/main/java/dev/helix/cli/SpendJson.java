package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.helix.core.cost.Spend;

/**
 * A session's spend as the JSON envelope's {@code spend}: dollars (null when no backend reported or
 * priced a cost), tokens, and per experiment and per kept improvement (null when there is none).
 */
record SpendJson(
        @JsonProperty("cost_usd") Double costUsd,
        long tokens,
        @JsonProperty("tokens_in") long tokensIn,
        @JsonProperty("tokens_out") long tokensOut,
        @JsonProperty("cost_per_experiment_usd") Double costPerExperiment,
        @JsonProperty("cost_per_kept_usd") Double costPerKept,
        @JsonProperty("tokens_per_kept") Long tokensPerKept) {

    static SpendJson of(Spend s) {
        return new SpendJson(s.costUsd().orElse(null), s.tokens(), s.tokensIn(), s.tokensOut(),
                s.costPerExperiment().orElse(null), s.costPerKept().orElse(null), s.tokensPerKept().orElse(null));
    }
}

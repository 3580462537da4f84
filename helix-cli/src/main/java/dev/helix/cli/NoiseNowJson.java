package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.helix.core.session.NoiseNow;

/**
 * The noise now ({@code noise_now} in status, the run's summary and the report): the recent spread of a
 * block's difference, against what the baseline predicts and against the experiments before (its trend,
 * left out until there are enough of them).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record NoiseNowJson(@JsonProperty("sd_difference") double sdDifference, int df, int experiments, double ratio,
                    @JsonProperty("sd_difference_before") Double before, Double trend, String direction, boolean grown) {
    static NoiseNowJson of(NoiseNow n) {
        return new NoiseNowJson(n.sdDifference(), n.df(), n.experiments(), n.ratio(),
                Double.isFinite(n.earlier()) ? n.earlier() : null, Double.isFinite(n.trend()) ? n.trend() : null,
                n.direction().orElse(null), n.grown());
    }
}

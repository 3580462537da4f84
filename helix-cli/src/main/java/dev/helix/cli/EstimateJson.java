package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.helix.core.session.Estimate;

/**
 * A commit's estimate from all its measurements, as the JSON of best, status and report carries it
 * ({@code best_estimate}, {@code baseline_estimate}); an interval that cannot be had (one sample) is left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record EstimateJson(double mean, @JsonProperty("ci_low") Double ciLow, @JsonProperty("ci_high") Double ciHigh, int n, double sd) {

    static EstimateJson of(Estimate e) {
        return new EstimateJson(e.mean(), finite(e.ciLow()), finite(e.ciHigh()), e.n(), e.sd());
    }

    /** The session's gain from those estimates ({@code gain}): best minus baseline, in units and percent, with its interval. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Gain(double delta, @JsonProperty("delta_pct") Double deltaPct, @JsonProperty("ci_low") Double ciLow,
                @JsonProperty("ci_high") Double ciHigh) {
        static Gain of(Estimate.Gain g) {
            return new Gain(g.delta(), finite(g.pct()), finite(g.ciLow()), finite(g.ciHigh()));
        }
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}

package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Judge;
import dev.helix.core.session.Estimate;
import dev.helix.core.session.Records;
import java.util.Optional;

/**
 * The best experiment of a session against its baseline, as {@code helix best} shows it. {@code delta}
 * is of the kept run's own measurement; on a noisy metric {@code best_estimate}, {@code baseline_estimate}
 * and {@code gain} are from every measurement of the two commits, the honest figures.
 */
record BestView(
        String tag,
        JsonNode best,
        JsonNode baseline,
        double delta,
        @JsonProperty("delta_pct") @JsonInclude(JsonInclude.Include.NON_NULL) Double deltaPct,
        String diff,
        @JsonProperty("best_estimate") @JsonInclude(JsonInclude.Include.NON_NULL) EstimateJson bestEstimate,
        @JsonProperty("baseline_estimate") @JsonInclude(JsonInclude.Include.NON_NULL) EstimateJson baselineEstimate,
        @JsonInclude(JsonInclude.Include.NON_NULL) EstimateJson.Gain gain) {

    static BestView of(SessionRecords s, Experiment baseline, Experiment best) {
        // a record without a commit (imported from another tool's ledger, say) has no diff to show
        String diff = baseline.commit().isEmpty() || best.commit().isEmpty() ? "" : s.git().diff(s.repo(), baseline.commit(), best.commit());
        double base = baseline.primary().orElse(Double.NaN);
        double value = best.primary().orElse(Double.NaN);
        Double pct = base == 0 || Double.isNaN(base) ? null : (value - base) / Math.abs(base) * 100;
        Optional<Estimate.Headline> h = Records.headline(s.records());
        return new BestView(s.tag(), SessionRecords.json(best), SessionRecords.json(baseline), value - base, pct, diff,
                h.map(x -> EstimateJson.of(x.best())).orElse(null), h.map(x -> EstimateJson.of(x.baseline())).orElse(null),
                h.map(x -> EstimateJson.Gain.of(x.gain())).orElse(null));
    }

    /** The lines for people: the gain over the baseline, the best's description and its diff. */
    static String text(String tag, Experiment baseline, Experiment best, BestView v, Optional<Estimate.Headline> headline) {
        double base = baseline.primary().orElse(Double.NaN);
        double value = best.primary().orElse(Double.NaN);
        if (best.run() == 0) {
            return "No improvement yet in session " + tag + ": the best is the baseline, "
                    + headline.map(h -> h.baseline().render()).orElse(Judge.fmt(base));
        }
        String own = "#" + best.run() + " " + Judge.fmt(value) + " against baseline " + Judge.fmt(base) + " ("
                + Judge.signed(value - base) + (v.deltaPct() == null ? "" : ", " + Judge.percent(v.deltaPct())) + ")";
        String head = headline.map(h -> h.render() + "\n  its own run measured " + own.substring(own.indexOf(' ') + 1)
                        + ", which selection favours; the figures above are from every measurement")
                .orElse(own);
        return "Best of session " + tag + ": " + head
                + "\n  " + best.description() + "   commit " + best.commit() + "\n\n" + v.diff();
    }
}

package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Judge;

/** The best experiment of a session against its baseline, as {@code helix best} shows it. */
record BestView(
        String tag,
        JsonNode best,
        JsonNode baseline,
        double delta,
        @JsonProperty("delta_pct") @JsonInclude(JsonInclude.Include.NON_NULL) Double deltaPct,
        String diff) {

    static BestView of(SessionRecords s, Experiment baseline, Experiment best) {
        String diff = s.git().diff(s.repo(), baseline.commit(), best.commit());
        double base = baseline.primary().orElse(Double.NaN);
        double value = best.primary().orElse(Double.NaN);
        Double pct = base == 0 || Double.isNaN(base) ? null : (value - base) / Math.abs(base) * 100;
        return new BestView(s.tag(), SessionRecords.json(best), SessionRecords.json(baseline), value - base, pct, diff);
    }

    /** The lines for people: the gain over the baseline, the best's description and its diff. */
    static String text(String tag, Experiment baseline, Experiment best, BestView v) {
        double base = baseline.primary().orElse(Double.NaN);
        double value = best.primary().orElse(Double.NaN);
        if (best.run() == 0) return "No improvement yet in session " + tag + ": the best is the baseline, " + Judge.fmt(base);
        return "Best of session " + tag + ": #" + best.run() + " " + Judge.fmt(value) + " against baseline "
                + Judge.fmt(base) + " (" + Judge.signed(value - base) + (v.deltaPct() == null ? "" : ", " + Judge.percent(v.deltaPct())) + ")"
                + "\n  " + best.description() + "   commit " + best.commit() + "\n\n" + v.diff();
    }
}

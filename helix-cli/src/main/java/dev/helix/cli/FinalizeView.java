package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.helix.core.result.Contribution;
import dev.helix.core.result.FinalResult;
import dev.helix.core.result.FinalSummary;
import dev.helix.core.result.Gain;
import java.util.List;

/** What {@code helix finalize} found and wrote, for people (the Markdown summary) and programs (the JSON envelope's data). */
@JsonInclude(JsonInclude.Include.NON_NULL)
record FinalizeView(String tag, String metric, double baseline, double best, @JsonProperty("best_run") int bestRun,
                    GainJson gain, boolean confirmed, String confirmation, @JsonProperty("final_gain") GainJson finalGain,
                    @JsonProperty("final_crash") String finalCrash,
                    List<Change> changes, String branch, String base, List<String> commits, boolean squashed, boolean written,
                    String checks, String holdout, String environment, @JsonProperty("cost_usd") double costUsd, String summary,
                    @JsonIgnore String text) {

    /** An improvement (positive is better) with its confidence interval. */
    record GainJson(double value, @JsonProperty("ci_low") double ciLow, @JsonProperty("ci_high") double ciHigh, double confidence,
                    int blocks) {
        static GainJson of(Gain g) {
            return new GainJson(g.value(), g.low(), g.high(), g.confidence(), g.blocks());
        }
    }

    /** A kept change, its leave-one-out contribution and its fate. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Change(int run, String description, String commit, GainJson contribution, @JsonProperty("cost_usd") Double costUsd,
                  String fate, boolean kept, String why) {
        static Change of(Contribution c) {
            return new Change(c.run(), c.description(), c.commit(), c.contribution().map(GainJson::of).orElse(null),
                    c.costUsd().orElse(null), c.fate().name().toLowerCase(java.util.Locale.ROOT), c.fate().survives, c.fate().why);
        }
    }

    static FinalizeView of(FinalResult r, String summaryFile) {
        return new FinalizeView(r.tag(), r.metric(), r.baseline(), r.best(), r.bestRun(), GainJson.of(r.gain()), r.confirmed(),
                r.confirmation(), r.result().map(GainJson::of).orElse(null), r.resultCrash().orElse(null), r.changes().stream().map(Change::of).toList(), r.branch(),
                r.base(), r.commits(), r.squashed(), r.written(), r.checks().orElse(null), r.holdout().orElse(null),
                r.environment().orElse(null), r.costUsd(), summaryFile, FinalSummary.markdown(r) + "\nSummary: " + summaryFile);
    }
}

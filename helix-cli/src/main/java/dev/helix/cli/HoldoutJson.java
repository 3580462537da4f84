package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.helix.core.judge.Overfitting;
import java.util.List;

/**
 * The hold-out in {@code status --json}: both curves over the baseline and the keeps, the gains of
 * the latest against the baseline (positive when better), the noise allowed, the overfitting flag, and
 * the keeps that traded hold-out for primary against the keep before them.
 */
record HoldoutJson(@JsonProperty("primary_gain") double primaryGain, @JsonProperty("holdout_gain") double holdoutGain,
                   double noise, boolean overfitting, @JsonProperty("suspect_keeps") List<Integer> suspectKeeps, List<Point> curve) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Point(int run, String status, double primary, Double holdout) {}

    static HoldoutJson of(Overfitting o) {
        return new HoldoutJson(o.primaryGain(), o.holdoutGain(), o.noise(), o.flagged(), o.suspects(), o.curve().stream()
                .map(p -> new Point(p.run(), p.status().word(), p.primary(), p.holdout().orElse(null))).toList());
    }
}

package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.helix.app.verify.VerifyExperiment;
import dev.helix.core.judge.Reproduction;
import java.util.List;

/** Whether an experiment's result reproduced, as {@code helix verify} answers it. */
record VerifyView(int run, boolean reproduces, double recorded, double mean,
                  @JsonProperty("ci_low") double ciLow, @JsonProperty("ci_high") double ciHigh,
                  List<Double> samples, String reason) {

    static VerifyView of(int run, VerifyExperiment.Result result) {
        Reproduction r = result.reproduction();
        return new VerifyView(run, r.reproduces(), r.recorded(), r.mean(), r.low(), r.high(), result.samples(), r.reason());
    }
}

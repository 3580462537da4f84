package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.helix.app.verify.VerifyExperiment;
import dev.helix.core.experiment.Evidence;
import dev.helix.core.judge.Judge;
import dev.helix.core.judge.Reproduction;
import java.util.List;
import java.util.Locale;

/** Whether an experiment's result reproduced, as {@code helix verify} answers it: its value, or its effect. */
sealed interface VerifyView {

    int run();

    boolean reproduces();

    String reason();

    /** The table's columns after the run: recorded, re-measured, interval. */
    List<String> columns();

    static VerifyView of(VerifyExperiment.Check check) {
        return switch (check) {
            case VerifyExperiment.Exact e -> Exact.of(e);
            case VerifyExperiment.Effect e -> Effect.of(e);
        };
    }

    /** The recorded value against the commit's re-measurements (deterministic metrics). */
    record Exact(int run, boolean reproduces, double recorded, double mean,
                 @JsonProperty("ci_low") double ciLow, @JsonProperty("ci_high") double ciHigh,
                 List<Double> samples, String reason) implements VerifyView {

        static Exact of(VerifyExperiment.Exact check) {
            Reproduction r = check.reproduction();
            return new Exact(check.target().run(), r.reproduces(), r.recorded(), r.mean(), r.low(), r.high(), check.samples(), r.reason());
        }

        public List<String> columns() {
            return List.of(Judge.fmt(recorded), Judge.fmt(mean), Judge.fmt(ciLow) + ".." + Judge.fmt(ciHigh));
        }
    }

    /** The recorded effect against the commit and its parent re-measured side by side (noisy metrics). */
    record Effect(int run, boolean reproduces, String parent, @JsonProperty("recorded_effect") double recordedEffect,
                  double effect, @JsonProperty("ci_low") double ciLow, @JsonProperty("ci_high") double ciHigh,
                  @JsonProperty("p_value") double pValue, @JsonProperty("recorded_inside") boolean recordedInside, int blocks,
                  List<Double> samples, @JsonProperty("parent_samples") List<Double> parentSamples, String reason) implements VerifyView {

        static Effect of(VerifyExperiment.Effect check) {
            Evidence e = check.reproduction().evidence();
            return new Effect(check.target().run(), check.reproduces(), e.incumbent(), check.reproduction().recorded(), e.effect(),
                    e.ciLow(), e.ciHigh(), e.pValue(), check.reproduction().recordedInside(), e.n(), check.blocks().candidate(),
                    check.blocks().parent(), check.reason());
        }

        public List<String> columns() {
            return List.of(Judge.signed(recordedEffect), Judge.signed(effect), Judge.signed(ciLow) + ".." + Judge.signed(ciHigh));
        }
    }

    /** {@code helix verify --all-kept}: one check per kept change. */
    record All(List<VerifyView> checks, int reproduced, int total) {
        static All of(List<VerifyExperiment.Check> checks) {
            List<VerifyView> views = checks.stream().map(VerifyView::of).toList();
            return new All(views, (int) views.stream().filter(VerifyView::reproduces).count(), views.size());
        }

        String text() {
            if (checks.isEmpty()) return "no kept change to verify";
            boolean effects = checks.stream().anyMatch(c -> c instanceof Effect);
            StringBuilder s = new StringBuilder(line("run", "verdict", effects ? "recorded effect" : "recorded",
                    "re-measured", "interval"));
            for (VerifyView c : checks) {
                List<String> col = c.columns();
                s.append(line("#" + c.run(), c.reproduces() ? "reproduces" : "does not reproduce", col.get(0), col.get(1), col.get(2)));
            }
            return s.append(reproduced).append(" of ").append(total).append(total == 1 ? " kept change reproduces" : " kept changes reproduce")
                    .append(effects ? " (each change's effect against its own parent)" : "").toString();
        }

        private static String line(String run, String verdict, String recorded, String measured, String interval) {
            return String.format(Locale.ROOT, "%-5s %-19s %-16s %-12s %s%n", run, verdict, recorded, measured, interval);
        }
    }
}

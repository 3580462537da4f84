package dev.helix.core.session;

import dev.helix.core.experiment.Experiment;
import java.util.List;
import java.util.Optional;

/** How a run ended, and the session's records (all of them, not only this run's). */
public record Outcome(StopReason reason, String detail, List<Experiment> experiments) {
    public Outcome {
        experiments = List.copyOf(experiments);
    }

    public Optional<Experiment> baseline() {
        return Records.baseline(experiments);
    }

    public Optional<Experiment> best() {
        return Records.best(experiments);
    }
}

package dev.helix.core.port;

import dev.helix.core.experiment.Experiment;
import java.util.List;

/** Where experiment records live; appends are atomic and durable before they return. */
public interface LedgerStore {

    /** Appends one record durably (flushed to disk) under an exclusive lock. */
    void append(Experiment experiment);

    /** Every readable record; a torn or unreadable line is skipped and reported in {@code warnings}. */
    Contents read();

    record Contents(List<Experiment> experiments, List<String> warnings) {
        public Contents {
            experiments = List.copyOf(experiments);
            warnings = List.copyOf(warnings);
        }

        public List<Experiment> ofTag(String tag) {
            return experiments.stream().filter(e -> e.tag().equals(tag)).toList();
        }
    }
}

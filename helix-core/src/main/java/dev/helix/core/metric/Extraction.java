package dev.helix.core.metric;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics found in an evaluation's output, in the order the spec names them, and what went
 * wrong finding them. A metric that was found but is NaN or infinite is in {@code metrics}
 * (the judge decides what that means) and also noted in {@code problems}.
 */
public record Extraction(Map<String, Double> metrics, List<String> problems) {
    public Extraction {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        problems = List.copyOf(problems);
    }

    /** Whether every metric was found with a finite value. */
    public boolean clean() {
        return problems.isEmpty();
    }
}

package dev.helix.core.experiment;

import java.util.List;
import java.util.Optional;

/**
 * What an experiment measured of the primary metric: its own values (one per repeat), and in
 * statistical mode the incumbent's values re-measured beside them and what the judge concluded.
 *
 * @param values every measured value of the primary, one per repeat
 * @param incumbent statistical mode: the primary of the incumbent (the best, commit in
 *                  {@code evidence.incumbent}) as re-measured during this experiment; these pool
 *                  with the incumbent's own samples
 * @param evidence statistical mode: what the judge decided on (effect, interval, p-value, evaluations)
 */
public record Sampling(List<Double> values, List<Double> incumbent, Optional<Evidence> evidence) {

    /** Nothing measured. */
    public static final Sampling NONE = new Sampling(List.of(), List.of(), Optional.empty());

    public Sampling {
        values = List.copyOf(values);
        incumbent = List.copyOf(incumbent);
        evidence = evidence == null ? Optional.empty() : evidence;
    }

    /** Values of a strict judge's evaluations: no incumbent re-measured, no statistics. */
    public static Sampling of(List<Double> values) {
        return new Sampling(values, List.of(), Optional.empty());
    }
}

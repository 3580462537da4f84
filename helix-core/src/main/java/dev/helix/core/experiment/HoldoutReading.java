package dev.helix.core.experiment;

import java.util.List;
import java.util.Optional;

/**
 * The hold-out's measurement of one commit (evaluate.holdout): the primary metric on data the
 * proposer never sees, recorded beside the primary in the ledger, or why there is none.
 *
 * @param samples one value per hold-out run (several on the baseline with evaluate.holdout.repeats)
 * @param failure why the hold-out gave no value (a crash, a timeout, hidden files missing); empty when it did
 */
public record HoldoutReading(List<Double> samples, Optional<String> failure) {
    public HoldoutReading {
        samples = List.copyOf(samples);
        failure = failure == null ? Optional.empty() : failure;
    }

    /** A hold-out that measured these values. */
    public static HoldoutReading of(List<Double> samples) {
        return new HoldoutReading(samples, Optional.empty());
    }

    /** A hold-out that gave no value, and why. */
    public static HoldoutReading failed(String why) {
        return new HoldoutReading(List.of(), Optional.of(why));
    }

    /** The mean of the samples; empty when there are none. */
    public Optional<Double> value() {
        return samples.isEmpty() ? Optional.empty()
                : Optional.of(Noise.mean(samples));
    }

    /** The samples' standard deviation (0 with fewer than two). */
    public double sd() {
        if (samples.size() < 2) return 0;
        double mean = value().orElseThrow();
        double ss = samples.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(ss / (samples.size() - 1));
    }
}

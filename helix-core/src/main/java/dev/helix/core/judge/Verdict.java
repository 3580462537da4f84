package dev.helix.core.judge;

import dev.helix.core.experiment.Status;
import java.util.Optional;

/**
 * The judge's decision on one experiment.
 *
 * @param delta the primary's change against the best (candidate minus best), empty on a crash
 * @param deltaPct the same in percent of the best
 */
public record Verdict(Status status, String reason, Optional<Double> delta, Optional<Double> deltaPct) {

    static Verdict crash(String reason) {
        return new Verdict(Status.CRASH, reason, Optional.empty(), Optional.empty());
    }
}

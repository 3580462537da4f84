package dev.helix.core.session;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import java.util.List;
import java.util.Optional;

/** Questions asked of a session's records: the baseline, the best, counts. */
public final class Records {
    private Records() {}

    public static Optional<Experiment> baseline(List<Experiment> records) {
        return records.stream().filter(e -> e.status() == Status.BASELINE).findFirst();
    }

    /** The last experiment the branch advanced to: the latest keep, else the baseline. */
    public static Optional<Experiment> best(List<Experiment> records) {
        Experiment best = null;
        for (Experiment e : records) {
            if (e.status().advances()) best = e;
        }
        return Optional.ofNullable(best);
    }

    /** What the proposers reported spending, in USD. */
    public static double cost(List<Experiment> records) {
        return records.stream().flatMap(e -> e.agent().stream()).flatMap(a -> a.costUsd().stream())
                .mapToDouble(Double::doubleValue).sum();
    }

    public static long count(List<Experiment> records, Status status) {
        return records.stream().filter(e -> e.status() == status).count();
    }

    public static Event.Summary summary(List<Experiment> records) {
        int experiments = (int) records.stream().filter(e -> e.run() > 0 && e.attempt() == 0).count();
        return new Event.Summary(experiments, (int) count(records, Status.KEEP), (int) count(records, Status.DISCARD),
                (int) count(records, Status.CRASH), (int) count(records, Status.REJECTED),
                baseline(records).orElse(null), best(records).orElse(null));
    }
}

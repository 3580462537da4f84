package dev.helix.core.session;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A session's records written the way the loop writes them: each experiment measured against the
 * best before it, with the delta and the judge's reason. Minimizes "loss".
 */
public final class SessionFixture {
    public static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
    private final List<Experiment> records = new ArrayList<>();
    private double best;

    private SessionFixture(double baseline) {
        best = baseline;
        records.add(record(0, Status.BASELINE, Optional.of(baseline), Optional.empty(), "baseline", "baseline"));
    }

    public static SessionFixture baseline(double loss) {
        return new SessionFixture(loss);
    }

    /** An experiment measuring {@code loss}: kept when lower than the best, discarded otherwise. */
    public SessionFixture measure(double loss, String description) {
        boolean keep = loss < best;
        double delta = loss - best;
        String reason = (keep ? "improved" : "worse") + ": loss " + best + " -> " + loss;
        records.add(record(next(), keep ? Status.KEEP : Status.DISCARD, Optional.of(loss), Optional.of(delta), description, reason));
        if (keep) best = loss;
        return this;
    }

    public SessionFixture crash(String description, String reason) {
        records.add(record(next(), Status.CRASH, Optional.empty(), Optional.empty(), description, reason));
        return this;
    }

    public SessionFixture rejected(String description, String reason) {
        records.add(record(next(), Status.REJECTED, Optional.empty(), Optional.empty(), description, reason));
        return this;
    }

    /** An experiment that beat an older best, but another worker's keep moved the best while it ran. */
    public SessionFixture stale(double loss, String description, String reason) {
        records.add(record(next(), Status.STALE, Optional.of(loss), Optional.empty(), description, reason));
        return this;
    }

    public List<Experiment> records() {
        return List.copyOf(records);
    }

    private int next() {
        return records.get(records.size() - 1).run() + 1;
    }

    private Experiment record(int run, Status status, Optional<Double> loss, Optional<Double> delta, String description,
                              String reason) {
        Instant start = T0.plusSeconds(run * 60L);
        Optional<Double> pct = delta.map(d -> d / Math.abs(best) * 100);
        return new Experiment(run, "mar1", 0, "p" + run, "c" + run, status,
                loss.map(l -> Map.of("loss", l)).orElse(Map.of()), loss, delta, pct, description,
                Optional.of("because " + description), reason, loss.map(List::of).orElse(List.of()), start,
                start.plusSeconds(42), 40, Optional.of(status == Status.CRASH ? 1 : 0), false,
                ".helix/runs/mar1/" + run + ".log", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
    }
}

package dev.helix.core.tune;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Noise;
import dev.helix.core.experiment.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The points a session has measured, each once, read from the ledger's records: the parameter
 * values each tuner experiment recorded, the best's values for the record they came from, and
 * every measurement of a point pooled (a re-measured incumbent is the same point measured again,
 * not a new one).
 *
 * @param points every measured or crashed point, in the order first seen
 * @param noise the standard deviation of one measurement, from the baseline's repeats (0 when unknown)
 */
record Trials(List<Point> points, double noise) {

    /**
     * One point of the space and what was measured there.
     *
     * @param values each parameter's text as written into the files
     * @param scores every measurement, turned so that lower is better
     */
    record Point(Map<String, String> values, List<String> key, List<Double> scores) {
        /** Tried without a measurement: it crashed, or was rejected before its evaluation. */
        boolean crashed() {
            return scores.isEmpty();
        }

        /** The mean score; +infinity for a point that only crashed, so it ranks last. */
        double score() {
            return scores.isEmpty() ? Double.POSITIVE_INFINITY
                    : scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        }
    }

    /**
     * @param experiment the experiment being proposed: records of it or later are leftovers of an
     *                   interrupted run and are not read
     * @param current the best's values (what the worktree holds)
     * @param bestCommit the best's commit, to give its record (e.g. the baseline) the current values
     * @param maximise whether higher measurements are better
     */
    static Trials of(Space space, int experiment, Map<String, String> current, Optional<String> bestCommit,
                     List<Experiment> history, boolean maximise) {
        List<Experiment> usable = history.stream()
                .filter(e -> e.run() < experiment && e.status() != Status.INTERRUPTED).toList();
        Map<String, Map<String, String>> byCommit = new HashMap<>();
        for (Experiment e : usable) {
            if (!e.parameters().isEmpty() && !e.commit().isEmpty()) byCommit.putIfAbsent(e.commit(), e.parameters());
        }
        bestCommit.filter(c -> !c.isEmpty()).ifPresent(c -> byCommit.putIfAbsent(c, current));

        Map<List<String>, Point> points = new LinkedHashMap<>();
        double sign = maximise ? -1 : 1;
        for (Experiment e : usable) {
            Map<String, String> values = !e.parameters().isEmpty() ? e.parameters() : byCommit.get(e.commit());
            if (values != null) {
                Point p = point(points, space, values);
                List<Double> measured = !e.samples().isEmpty() ? e.samples() : e.primary().stream().toList();
                for (double v : measured) if (Double.isFinite(v)) p.scores().add(sign * v);
            }
            // statistical judging re-measures the incumbent beside the candidate: more of the same point
            Map<String, String> parent = byCommit.get(e.parent());
            if (parent != null && !e.incumbentSamples().isEmpty()) {
                Point p = point(points, space, parent);
                for (double v : e.incumbentSamples()) if (Double.isFinite(v)) p.scores().add(sign * v);
            }
        }
        double noise = usable.stream().filter(e -> e.run() == 0).flatMap(e -> e.noise().stream())
                .mapToDouble(Noise::sd).filter(Double::isFinite).findFirst().orElse(0);
        return new Trials(List.copyOf(points.values()), noise);
    }

    private static Point point(Map<List<String>, Point> points, Space space, Map<String, String> values) {
        return points.computeIfAbsent(space.key(values), k -> new Point(values, k, new ArrayList<>()));
    }

    /** The points that were measured (a crash alone measures nothing). */
    List<Point> measured() {
        return points.stream().filter(p -> !p.crashed()).toList();
    }
}

package dev.helix.core.report;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.spec.Direction;
import java.util.ArrayList;
import java.util.List;

/**
 * What a person should look at in a session: discards in a row (3, 5, 7 or more), a suspicious
 * jump (one step's gain more than 10x all the gains before it, or the metric changing 100x), and a
 * plateau (no keep in the last {@value #PLATEAU} experiments).
 */
public final class Signals {
    static final int PLATEAU = 10;

    private Signals() {}

    public static List<String> of(List<Experiment> records, Direction direction) {
        List<String> signals = new ArrayList<>();
        List<Experiment> experiments = records.stream().filter(e -> e.run() > 0).toList();
        streak(experiments).ifPresent(signals::add);
        signals.addAll(jumps(records, direction));
        plateau(experiments).ifPresent(signals::add);
        return signals;
    }

    /** The discards in a row at the end of the session, from 3 on. */
    static java.util.Optional<String> streak(List<Experiment> experiments) {
        int n = 0;
        for (int i = experiments.size() - 1; i >= 0 && experiments.get(i).status() == Status.DISCARD; i--) n++;
        if (n < 3) return java.util.Optional.empty();
        int first = experiments.get(experiments.size() - n).run();
        int last = experiments.get(experiments.size() - 1).run();
        String advice = n >= 7 ? "the search is stuck: change direction (a different idea, not a variation) or stop"
                : n >= 5 ? "the recent ideas do not work: try something different from them"
                : "watch whether the next ideas differ from these";
        return java.util.Optional.of(n + " discards in a row (#" + first + "-#" + last + "): " + advice);
    }

    /** Keeps whose gain dwarfs all gains before them, or that move the metric by a factor of 100. */
    static List<String> jumps(List<Experiment> records, Direction direction) {
        List<String> out = new ArrayList<>();
        Double best = null;
        double gains = 0;
        for (Experiment e : records) {
            if (!e.status().advances() || e.primary().isEmpty()) continue;
            double v = e.primary().get();
            if (best != null && e.status() == Status.KEEP) {
                double gain = direction.improvement(v, best);
                double ratio = best != 0 && v != 0 ? Math.abs(v / best) : Double.NaN;
                if (gains > 0 && gain > 10 * gains) {
                    out.add("suspicious jump at #" + e.run() + ": its gain " + Judge.fmt(gain) + " is more than 10x all gains before it ("
                            + Judge.fmt(gains) + "); check that the evaluation still measures the same thing");
                } else if (ratio >= 100 || ratio <= 0.01) {
                    out.add("suspicious jump at #" + e.run() + ": the metric changed " + Judge.fmt(best) + " -> " + Judge.fmt(v)
                            + " (over 100x); check that the evaluation still measures the same thing");
                }
                if (gain > 0) gains += gain;
            }
            best = v;
        }
        return out;
    }

    /** No keep in the last {@value #PLATEAU} experiments or more. */
    static java.util.Optional<String> plateau(List<Experiment> experiments) {
        int n = 0;
        for (int i = experiments.size() - 1; i >= 0 && experiments.get(i).status() != Status.KEEP; i--) {
            if (experiments.get(i).attempt() == 0) n++;
        }
        if (n < PLATEAU) return java.util.Optional.empty();
        return java.util.Optional.of("plateau: no improvement in the last " + n + " experiments; the easy gains may be taken");
    }
}

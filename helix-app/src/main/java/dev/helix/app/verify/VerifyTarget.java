package dev.helix.app.verify;

import dev.helix.app.AppException;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.session.Records;
import java.util.List;

/** Which experiments {@code helix verify} re-runs: N, best, baseline or every keep, never an earlier verify check. */
public final class VerifyTarget {
    private VerifyTarget() {}

    /**
     * The experiment named {@code which} among a session's records, checked to have a commit and a
     * metric to reproduce.
     */
    public static Experiment pick(List<Experiment> records, String which) {
        Experiment target = find(records, which);
        if (target.commit().isEmpty() || target.primary().isEmpty()) {
            throw AppException.usage("nothing_to_verify", "#" + target.run() + " (" + target.status().word()
                    + ") has no commit and metric to reproduce", "verify a kept, discarded or baseline experiment");
        }
        return target;
    }

    /** Every kept change of a session, in the order it was kept: what {@code helix verify --all-kept} checks. */
    public static List<Experiment> kept(List<Experiment> records) {
        return records.stream().filter(e -> e.status() == Status.KEEP && !e.commit().isEmpty() && e.primary().isPresent()).toList();
    }

    private static Experiment find(List<Experiment> records, String which) {
        List<Experiment> experiments = records.stream().filter(e -> e.status() != Status.VERIFY).toList();
        if (which.equals("best")) return Records.best(experiments).orElseThrow();
        if (which.equals("baseline")) return Records.baseline(experiments).orElseThrow();
        int n;
        try {
            n = Integer.parseInt(which);
        } catch (NumberFormatException e) {
            throw AppException.usage("bad_experiment", "'" + which + "' is not an experiment number", "give N, best or baseline");
        }
        return experiments.stream().filter(e -> e.run() == n && e.commit() != null && !e.commit().isEmpty())
                .reduce((a, b) -> b).orElseThrow(() -> AppException.usage("no_experiment",
                        "no experiment #" + n + " with a commit in session", "see helix log"));
    }
}

package dev.helix.cli;

import dev.helix.app.AppException;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.session.Records;
import java.util.List;

/** An experiment as a person names it on the command line: a run number, {@code best} or {@code baseline}. */
final class ExperimentRef {
    private ExperimentRef() {}

    /** The record {@code ref} names in the session: for a run with fix-up attempts, its last attempt. */
    static Experiment find(SessionRecords s, String ref) {
        String r = ref.strip().toLowerCase(java.util.Locale.ROOT);
        if (r.equals("best")) return Records.best(s.records()).orElseThrow(() -> noBaseline(s));
        if (r.equals("baseline")) return Records.baseline(s.records()).orElseThrow(() -> noBaseline(s));
        int run;
        try {
            run = Integer.parseInt(r.startsWith("#") ? r.substring(1) : r);
        } catch (NumberFormatException e) {
            throw AppException.usage("bad_experiment", "'" + ref + "' names no experiment",
                    "give a run number (as in 'helix log'), 'best' or 'baseline'");
        }
        List<Experiment> matching = s.records().stream().filter(e -> e.run() == run).toList();
        if (matching.isEmpty()) {
            int last = s.records().get(s.records().size() - 1).run();
            throw AppException.usage("no_experiment", "session " + s.tag() + " has no experiment #" + run,
                    "runs go from 0 (the baseline) to " + last + "; see them with 'helix log -n 0 --tag " + s.tag() + "'");
        }
        return matching.get(matching.size() - 1);
    }

    /** The experiment's commit, or a usage error when nothing was committed (a rejected proposal). */
    static String commit(SessionRecords s, Experiment e) {
        if (e.commit() == null || e.commit().isEmpty()) {
            throw AppException.usage("no_commit", "experiment #" + e.run() + " of session " + s.tag()
                    + " committed nothing (" + e.status().word() + ": " + e.reason() + ")", "pick an experiment with a commit: see 'helix log'");
        }
        return e.commit();
    }

    private static AppException noBaseline(SessionRecords s) {
        return AppException.runtime("no_baseline", "session " + s.tag() + " has no measured baseline",
                "resume it: helix run --resume --tag " + s.tag());
    }
}

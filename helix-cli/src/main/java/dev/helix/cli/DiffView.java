package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;

/** The change from one experiment's commit to another's, as {@code helix diff} shows it. */
record DiffView(String tag, Side a, Side b, int files, int added, int removed, String diff) {

    /** One end of the diff: which experiment, its commit and how it ended. */
    record Side(int run, String commit, String status,
                @JsonInclude(JsonInclude.Include.NON_NULL) Double primary, String description) {
        static Side of(Experiment e) {
            return new Side(e.run(), e.commit(), e.status().word(), e.primary().orElse(null), e.description());
        }
    }

    static DiffView of(String tag, Experiment a, Experiment b, DiffStat stat, String diff) {
        return new DiffView(tag, Side.of(a), Side.of(b), stat.files(), stat.added(), stat.removed(), diff);
    }

    /** The line for people: both ends and the counts. */
    static String header(Experiment a, String ca, Experiment b, String cb, DiffStat stat) {
        return "diff #" + a.run() + " (" + a.status().word() + ", " + ca + ") -> #" + b.run() + " (" + b.status().word() + ", "
                + cb + "): " + stat.files() + (stat.files() == 1 ? " file" : " files") + ", +" + stat.added() + " -" + stat.removed();
    }
}

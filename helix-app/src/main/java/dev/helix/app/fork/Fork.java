package dev.helix.app.fork;

import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.Repository;
import dev.helix.core.session.Records;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code helix fork}: a branch helix/TAG-NAME at a session's best for each direction NAME, so each
 * continues as its own session whose baseline is that best.
 */
public final class Fork {

    /** The experiment the forks start from and their branches, in the order the names were given. */
    public record Forked(Experiment from, List<String> branches) {}

    private Fork() {}

    /** Forks session {@code tag} (with {@code records}) once per name; checks every name before creating any branch. */
    public static Forked fork(Workspace workspace, String tag, List<Experiment> records, List<String> names) {
        Experiment best = Records.best(records).orElseThrow(() -> AppException.runtime("no_baseline",
                "session " + tag + " has no measured baseline to fork from", "resume it first: helix run --resume --tag " + tag));
        Repository vcs = workspace.git();
        for (String name : names) {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,40}")) {
                throw AppException.usage("bad_name", "'" + name + "' is not a usable direction name", "use letters, digits, '.', '_' and '-'");
            }
            if (name.equals("final")) { // helix/TAG-final is where helix finalize writes the session's result
                throw AppException.usage("reserved_name", "'final' is reserved: helix finalize writes branch helix/" + tag + "-final",
                        "choose another name for the direction");
            }
            if (vcs.resolve(workspace.repo(), "refs/heads/helix/" + tag + "-" + name).isPresent()) {
                throw AppException.usage("fork_exists", "branch helix/" + tag + "-" + name + " already exists",
                        "choose another name, or continue it: helix run --resume --tag " + tag + "-" + name);
            }
        }
        List<String> branches = new ArrayList<>();
        for (String name : names) {
            String branch = "helix/" + tag + "-" + name;
            vcs.updateRef(workspace.repo(), "refs/heads/" + branch, best.commit());
            branches.add(branch);
        }
        ForkRegistry.record(workspace, tag, names.stream().map(n -> tag + "-" + n).toList());
        return new Forked(best, branches);
    }
}

package dev.helix.app.verify;

import dev.helix.adapters.process.EnvironmentProbe;
import dev.helix.app.Workspace;
import dev.helix.app.run.EnvironmentCopy;
import dev.helix.core.experiment.Environment;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.secret.Secrets;
import dev.helix.core.spec.Spec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The environment a result was measured in against this machine now, for {@code helix verify} to
 * say when a result does not reproduce: what differs (the CPU, the GPU driver, a package set
 * through run.fingerprint, ...) is often why.
 */
public final class VerifyEnvironment {

    private VerifyEnvironment() {}

    /**
     * One line: what differs between the environment recorded when {@code target} ran and now, that
     * nothing does, or that the session has no record to compare with.
     */
    public static String compare(Workspace workspace, String tag, Experiment target, Spec spec, Map<String, String> env) {
        Optional<Environment> recorded = Environment.at(EnvironmentCopy.recorded(workspace, tag), tag, target.startedAt());
        if (recorded.isEmpty()) {
            return "environment: session " + tag + " has no record of where it ran (it ran under an older Helix)";
        }
        Environment now = EnvironmentProbe.detect(tag, Instant.now(), env, spec.run().fingerprint(), workspace.repo(),
                Secrets.forSpec(env, spec));
        List<String> differences = recorded.get().differences(now);
        String when = "as recorded at " + recorded.get().recordedAt();
        return differences.isEmpty()
                ? "environment: the same as where #" + target.run() + " ran (" + when + "): the difference is not the machine's"
                : "environment: differs from where #" + target.run() + " ran (" + when + "): " + String.join("; ", differences);
    }
}

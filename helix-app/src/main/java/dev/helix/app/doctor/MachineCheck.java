package dev.helix.app.doctor;

import dev.helix.adapters.process.CpuSets;
import dev.helix.adapters.process.EnvironmentProbe;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.app.run.OtherSessions;
import dev.helix.app.run.Pinning;
import dev.helix.core.experiment.Environment;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.secret.Secrets;
import dev.helix.core.spec.Isolation;
import dev.helix.core.spec.Spec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The doctor's view of the machine a session would run on: the environment record a session would
 * make now, and the run.isolation it would settle on (for {@code helix run} with its workers, and
 * for {@code helix try}, which counts the other sessions running).
 */
final class MachineCheck {
    private MachineCheck() {}

    /** The record a session would make now; with --quick, without running the run.fingerprint commands. */
    static Check environment(Workspace workspace, Spec spec, Doctor.Options options) {
        List<String> fingerprint = options.quick() ? List.of() : spec.run().fingerprint();
        Environment now = EnvironmentProbe.detect("doctor", Instant.now(), options.env(), fingerprint, workspace.repo(),
                Secrets.forSpec(options.env(), spec));
        String skipped = options.quick() && !spec.run().fingerprint().isEmpty()
                ? "; run.fingerprint not run (--quick): " + String.join(", ", spec.run().fingerprint()) : "";
        return Check.pass("environment", "Environment a session records", String.join("; ", now.lines()) + skipped);
    }

    /** The isolation run and try would choose, from the latest baseline's noise when there is one. */
    static Check isolation(Workspace workspace, Spec spec, List<Experiment> records) {
        String title = "Measurement isolation (run.isolation)";
        Isolation configured = spec.run().isolation();
        boolean local = spec.run().executor().equals("local");
        int workers = spec.run().workers();
        int others = OtherSessions.running(workspace.helixDir(), "");
        String running = others == 0 ? "" : " (" + others + " session" + (others == 1 ? "" : "s") + " of the repository running now)";
        if (configured == Isolation.CPUS) {
            try {
                Pinning.slots(spec.run(), spec.source(), CpuSets.allowed());
            } catch (AppException e) {
                return Check.fail("isolation", title, e.getMessage(), e.suggestion()); // helix run refuses the same
            }
        }
        if (configured != Isolation.AUTO) {
            return Check.pass("isolation", title, configured.settle(workers, others, false, local).text() + " for run and try" + running);
        }
        Optional<Experiment> baseline = records.reversed().stream()
                .filter(e -> e.status() == Status.BASELINE && e.noise().isPresent()).findFirst();
        if (baseline.isEmpty()) {
            return Check.pass("isolation", title, "auto, settled after the baseline: exclusive when the judge finds the metric noisy and "
                    + "evaluations may overlap (" + workers + " worker" + (workers == 1 ? "" : "s") + " for run; for try, another session "
                    + "running), else none" + running);
        }
        boolean noisy = baseline.get().noise().get().statistical();
        String from = " (from the baseline of " + baseline.get().tag() + ")";
        return Check.pass("isolation", title, "run with " + workers + " worker" + (workers == 1 ? "" : "s") + ": "
                + Isolation.AUTO.settle(workers, noisy, local).text() + "; try now: " + Isolation.AUTO.settle(1, others, noisy, local).text()
                + from);
    }
}

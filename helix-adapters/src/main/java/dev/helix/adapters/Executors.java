package dev.helix.adapters;

import dev.helix.adapters.process.LocalExecutor;
import dev.helix.adapters.slurm.SlurmExecutor;
import dev.helix.core.port.Executor;
import dev.helix.core.spec.Spec;

/** The executor helix.yaml asks for: {@code run.executor: local} (default) or {@code slurm}. */
public final class Executors {

    private Executors() {}

    public static Executor forSpec(Spec spec) {
        return switch (spec.run().executor()) {
            case "slurm" -> new SlurmExecutor(spec.run().slurm());
            default -> new LocalExecutor();
        };
    }
}

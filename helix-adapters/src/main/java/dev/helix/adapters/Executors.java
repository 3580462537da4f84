package dev.helix.adapters;

import dev.helix.adapters.process.LocalExecutor;
import dev.helix.adapters.slurm.SlurmExecutor;
import dev.helix.core.port.Confinement;
import dev.helix.core.port.Executor;
import dev.helix.core.secret.Secrets;
import dev.helix.core.spec.Spec;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The executor helix.yaml asks for: {@code run.executor: local} (default) or {@code slurm}. */
public final class Executors {

    /** The executors there are, as helix.yaml and {@code --executor} name them. */
    public static final List<String> NAMES = List.of("local", "slurm");

    private Executors() {}

    /**
     * The executor of the spec's run.executor (helix run --executor has already overridden it), with
     * run.slurm's options; its logs are redacted of the secrets this environment holds for the spec.
     */
    public static Executor forSpec(Spec spec) {
        return forSpec(spec, Confinement.NONE);
    }

    /** The same, its local evaluations run in {@code confinement} (a cluster job runs where the scheduler puts it). */
    public static Executor forSpec(Spec spec, Confinement confinement) {
        Secrets secrets = Secrets.forSpec(System.getenv(), spec);
        return switch (spec.run().executor()) {
            case "slurm" -> new SlurmExecutor(spec.run().slurm()).redacting(secrets);
            default -> new LocalExecutor().redacting(secrets).confined(confinement);
        };
    }

    /** The executor {@code name} names (any case, surrounding blanks ignored), or empty when it names none of {@link #NAMES}. */
    public static Optional<String> named(String name) {
        return Optional.ofNullable(name).map(n -> n.strip().toLowerCase(Locale.ROOT)).filter(NAMES::contains);
    }
}

package dev.helix.adapters;

import dev.helix.adapters.process.LocalExecutor;
import dev.helix.adapters.slurm.SlurmExecutor;
import dev.helix.core.port.Executor;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.SpecReader;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The executor helix.yaml asks for: {@code run.executor: local} (default) or {@code slurm}, unless
 * {@code helix run --executor} overrides it.
 */
public final class Executors {

    /** The executors there are, as helix.yaml and {@code --executor} name them. */
    public static final List<String> NAMES = SpecReader.EXECUTORS;

    private Executors() {}

    public static Executor forSpec(Spec spec) {
        return forSpec(spec, Optional.empty());
    }

    /**
     * The executor {@code override} names (any case), else the spec's run.executor; run.slurm's
     * job options apply whichever chose Slurm.
     *
     * @throws IllegalArgumentException when {@code override} names no executor (see {@link #known})
     */
    public static Executor forSpec(Spec spec, Optional<String> override) {
        String name = override.map(Executors::normalize).orElse(spec.run().executor());
        if (override.isPresent() && !known(name)) {
            throw new IllegalArgumentException("unknown executor '" + override.get() + "': choose " + String.join(" or ", NAMES));
        }
        return switch (name) {
            case "slurm" -> new SlurmExecutor(spec.run().slurm());
            default -> new LocalExecutor();
        };
    }

    /** Whether {@code name} (any case, surrounding blanks ignored) is one of {@link #NAMES}. */
    public static boolean known(String name) {
        return name != null && NAMES.contains(normalize(name));
    }

    private static String normalize(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }
}

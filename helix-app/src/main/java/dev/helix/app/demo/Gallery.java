package dev.helix.app.demo;

import dev.helix.app.AppException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The examples Helix ships (under examples/ in the source tree, inside the jar when built), each runnable
 * offline by {@code helix demo NAME}.
 */
public final class Gallery {
    /**
     * One example: its folder under examples/, what it shows, the proposer its demo runs (empty: the one
     * its helix.yaml names), how many experiments the demo runs after the baseline, and a command the
     * demo runs in the new repository after its first commit (e.g. to store held-out data in a ref).
     */
    public record Example(String name, String summary, Optional<String> demoBackend, int demoExperiments, Optional<String> setup) {
        public Example(String name, String summary, Optional<String> demoBackend, int demoExperiments) {
            this(name, summary, demoBackend, demoExperiments, Optional.empty());
        }

        /** Where the example lives among Helix's resources. */
        public String resource() {
            return "examples/" + name;
        }
    }

    /** The built-in example {@code helix demo} runs when no name is given. */
    public static final Example DEFAULT = new Example("mlp",
            "tune a tiny neural network in plain Java (val_loss, the tune backend, ~1 s a run)", Optional.of("tune"), 24);

    public static final List<Example> EXAMPLES = List.of(
            DEFAULT,
            new Example("charlm", "karpathy-style: a numpy character-level language model trained for a fixed time "
                    + "(val_bpb, peak memory as a constraint, ~20 s a run)", Optional.empty(), 8),
            new Example("throughput", "a noisy parsing benchmark in Python (ops/s maximised, the statistical judge decides)",
                    Optional.empty(), 6),
            new Example("flags", "gcc flags (-O level, unrolling, -march) tuned on a C program's run time",
                    Optional.empty(), 8),
            new Example("agent", "a slow Python function for Claude Code or Codex to make fast (the demo runs a scripted "
                    + "stand-in, offline)", Optional.of("command"), 3),
            new Example("fit", "a least-squares model with checks, a hold-out it never sees and helix finalize "
                    + "(mse; the demo runs a scripted stand-in, offline)", Optional.of("command"), 4,
                    Optional.of("python3 prepare.py --hidden-ref refs/hidden/fit")));

    private Gallery() {}

    /** The example called {@code name}, or a usage error naming the ones there are. */
    public static Example named(String name) {
        return EXAMPLES.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> AppException.usage("unknown_example", "no example called '" + name + "'",
                        "pick one of " + EXAMPLES.stream().map(Example::name).collect(Collectors.joining(", "))
                                + " (helix demo --list)"));
    }
}

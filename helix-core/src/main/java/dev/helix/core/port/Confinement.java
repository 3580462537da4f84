package dev.helix.core.port;

import java.nio.file.Path;
import java.util.List;

/**
 * How a process of a session (a proposer that is a program, an evaluation) is started: confined
 * to its worktree by a sandbox, or as it is. An adapter turns a command line into the one that
 * runs it confined; the caller starts that one and owns it as before.
 */
public interface Confinement {

    /**
     * Files outside the worktree the process needs: {@code writable} ones (a directory a CLI agent
     * keeps its configuration in, the metric file an evaluator writes) and {@code readable} ones
     * (the log a metric command parses). Each must exist when the process starts: one that does
     * not is out of reach.
     */
    record Reach(List<Path> writable, List<Path> readable) {
        public static final Reach NONE = new Reach(List.of(), List.of());

        public Reach {
            writable = List.copyOf(writable);
            readable = List.copyOf(readable);
        }
    }

    /** The command line that runs {@code argv} in {@code workdir}, confined to the worktree holding it. */
    List<String> wrap(List<String> argv, Path workdir, Reach reach);

    /** Whether this confines anything at all. */
    boolean confines();

    /** In words, for the console and doctor: "bubblewrap", "none". */
    String describe();

    /** No sandbox: every command runs as given. */
    Confinement NONE = new Confinement() {
        @Override
        public List<String> wrap(List<String> argv, Path workdir, Reach reach) {
            return List.copyOf(argv);
        }

        @Override
        public boolean confines() {
            return false;
        }

        @Override
        public String describe() {
            return "none";
        }
    };
}

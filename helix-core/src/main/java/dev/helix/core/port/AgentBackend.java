package dev.helix.core.port;

import dev.helix.core.spec.Spec;
import java.util.List;
import java.util.Map;

/**
 * A kind of proposer, found by name: the built-in ones (tune, command, claude, codex, gemini,
 * opencode, openai, anthropic) and any a user adds. Implementations are registered with
 * {@link java.util.ServiceLoader} (a line in {@code META-INF/services/dev.helix.core.port.AgentBackend})
 * and need a public no-argument constructor.
 */
public interface AgentBackend {

    /** The name helix.yaml's {@code agent.backend} and {@code --backend} use. */
    String name();

    /**
     * What stops this backend from working here, each with its fix (a missing CLI with its install
     * command, an unset key variable); empty when it is ready. Must not start a session or spend money.
     *
     * @param env the environment Helix runs in (keys are looked up here, never in files)
     */
    List<Unready> check(Spec spec, Map<String, String> env);

    /**
     * For {@code helix doctor}: one real, minimal request to the backend's server, reported as
     * reachability, the key and the model separately. Empty when the backend has nothing to probe.
     */
    default List<Probe> probe(Spec spec, Map<String, String> env) {
        return List.of();
    }

    /** A proposer for one session. */
    Proposer create(Context context);

    /**
     * What a proposer may use.
     *
     * @param env the environment, where API keys come from
     * @param logDir where the backend may keep per-experiment transcripts (.helix/runs/&lt;tag&gt;)
     * @param redact applied to anything the backend stores or reports: removes key values
     * @param confinement how a proposer that is a program is started (a sandbox, or none)
     */
    record Context(Spec spec, Map<String, String> env, java.nio.file.Path logDir,
                   java.util.function.UnaryOperator<String> redact, Confinement confinement) {
        public Context {
            env = Map.copyOf(env);
            confinement = confinement == null ? Confinement.NONE : confinement;
        }

        /** A context whose programs run unconfined (doctor's probes, tests). */
        public Context(Spec spec, Map<String, String> env, java.nio.file.Path logDir,
                       java.util.function.UnaryOperator<String> redact) {
            this(spec, env, logDir, redact, Confinement.NONE);
        }
    }

    /**
     * One aspect of a probe.
     *
     * @param aspect "reachable", "API key" or "model"
     * @param ok empty when the probe could not tell (an earlier aspect failed)
     * @param fix what to do when it failed; empty otherwise
     */
    record Probe(String aspect, java.util.Optional<Boolean> ok, String detail, String fix) {}

    /** One reason the backend cannot run, and how to fix it. */
    record Unready(String message, String suggestion) {}
}

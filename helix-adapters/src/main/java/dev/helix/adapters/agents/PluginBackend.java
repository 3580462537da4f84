package dev.helix.adapters.agents;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.port.WrappedProposer;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A backend from a plugin jar: the same backend, except that a failure of its code names the jar, so
 * that a person knows whose code failed and which file to fix or remove.
 *
 * @param name the name it gave when it was loaded (asked once: it is the plugin's code)
 */
record PluginBackend(AgentBackend backend, String name, Path jar) implements AgentBackend {

    @Override
    public List<Unready> check(Spec spec, Map<String, String> env) {
        try {
            return List.copyOf(backend.check(spec, env));
        } catch (RuntimeException | LinkageError e) {
            return List.of(new Unready(failed("check", e), fix()));
        }
    }

    @Override
    public List<Probe> probe(Spec spec, Map<String, String> env) {
        try {
            return List.copyOf(backend.probe(spec, env));
        } catch (RuntimeException | LinkageError e) {
            return List.of(new Probe("plugin", Optional.of(false), failed("probe", e), fix()));
        }
    }

    @Override
    public Proposer create(Context context) {
        Proposer proposer;
        try {
            proposer = backend.create(context);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException(failed("create", e) + "; " + fix(), e);
        }
        return new Guarded(proposer);
    }

    /** The plugin's proposer, whose exception is a failed proposal naming the jar, not the end of the session. */
    private final class Guarded extends WrappedProposer {

        Guarded(Proposer inner) {
            super(inner);
        }

        @Override
        public Proposal propose(Request request) throws InterruptedException {
            try {
                return inner.propose(request);
            } catch (RuntimeException | LinkageError e) {
                return new Proposal.Failure(failed("propose", e), AgentUsage.of(name, 0));
            }
        }
    }

    private String failed(String method, Throwable e) {
        return "the " + name + " backend from " + jar + " failed in " + method + "(): " + PluginJars.describe(e);
    }

    private String fix() {
        return "fix the plugin, or remove " + jar;
    }
}

package dev.helix.adapters.agents;

import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A coding-agent CLI as a backend: ready when its executable is found and its key variable is set
 * (each missing piece with its fix), and run by a {@link CliAgentProposer}. Each agent is a subclass
 * that only names its {@link CliAgent}, so that ServiceLoader finds it by class.
 */
public abstract class CliAgentBackend implements AgentBackend {
    private final CliAgent agent;

    protected CliAgentBackend(CliAgent agent) {
        this.agent = agent;
    }

    public CliAgent agent() {
        return agent;
    }

    @Override
    public String name() {
        return agent.name();
    }

    @Override
    public List<Unready> check(Spec spec, Map<String, String> env) {
        List<Unready> problems = new ArrayList<>();
        CliAgent.Executable executable = agent.executable();
        if (executable.find(env).isEmpty()) {
            problems.add(new Unready(executable.notFound().apply(env), executable.install()));
        }
        if (!agent.key().isSet(spec, env)) problems.add(agent.key().unset().apply(spec, agent.key().variable(spec)));
        problems.addAll(agent.checks().apply(spec));
        return problems;
    }

    /** For {@code helix doctor}: the CLI found, its version and its key or login, each said apart; no session, no tokens. */
    @Override
    public List<Probe> probe(Spec spec, Map<String, String> env) {
        return CliProbe.probe(agent, spec, env, authCheck(spec), CliProbe.TIMEOUT);
    }

    /** The CLI's own non-interactive check of its key or login, where it has one; without it the key variable says. */
    CliProbe.AuthCheck authCheck(Spec spec) {
        return (executable, env, timeout) -> Optional.empty();
    }

    @Override
    public Proposer create(Context context) {
        return new CliAgentProposer(agent, context);
    }
}

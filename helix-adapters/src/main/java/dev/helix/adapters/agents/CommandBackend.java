package dev.helix.adapters.agents;

import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import java.util.List;
import java.util.Map;

/** {@code command}: any program, in any language, speaking the JSON protocol of DESIGN.md. */
public final class CommandBackend implements AgentBackend {
    @Override
    public String name() {
        return "command";
    }

    @Override
    public List<Unready> check(Spec spec, Map<String, String> env) {
        return spec.agent().command().filter(c -> !c.isBlank()).isEmpty()
                ? List.of(new Unready(spec.source() + ": agent.command is required for the command backend",
                        "set agent.command to the program that edits files and replies with JSON"))
                : List.of();
    }

    @Override
    public Proposer create(Context context) {
        return new CommandProposer(context.confinement());
    }
}

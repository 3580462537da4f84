package dev.helix.adapters.agents;

import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import dev.helix.core.tune.MixedProposer;
import java.util.List;
import java.util.Map;

/** {@code tune}: the built-in tuner; needs no model, only search.parameters. */
public final class TuneBackend implements AgentBackend {
    @Override
    public String name() {
        return "tune";
    }

    @Override
    public List<Unready> check(Spec spec, Map<String, String> env) {
        return spec.search().parameters().isEmpty()
                ? List.of(new Unready(spec.source() + ": search.parameters is empty; the tune backend has nothing to tune",
                        "declare parameters (file, pattern with one capture group, type, range) or use another backend"))
                : List.of();
    }

    /**
     * {@code made} mixed with the tuner when the spec asks for it (agent.mix) and {@code made} is
     * not the tuner itself (e.g. {@code helix run --backend tune}).
     */
    public static Proposer mixed(Proposer made, String backend, Spec spec) {
        if (spec.agent().mix().isEmpty() || backend.equals(TuneProposer.BACKEND) || spec.search().parameters().isEmpty()) return made;
        return new MixedProposer(made, new TuneProposer(), spec.agent().mix().get().tune());
    }

    @Override
    public Proposer create(Context context) {
        return new TuneProposer();
    }
}

package dev.helix.core.port;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A proposer around another one that changes how it proposes and nothing else: every other answer
 * (whether it fixes crashes, whether its changes stand alone, its parameters) is the inner one's.
 * Wrappers extend this so that a new question asked of proposers reaches the one that answers it.
 */
public abstract class WrappedProposer implements Proposer {
    protected final Proposer inner;

    protected WrappedProposer(Proposer inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    @Override
    public boolean fixesCrashes() {
        return inner.fixesCrashes();
    }

    @Override
    public boolean fixes(Experiment crashed) {
        return inner.fixes(crashed);
    }

    @Override
    public boolean changesStandAlone() {
        return inner.changesStandAlone();
    }

    @Override
    public Map<String, String> parameters(Spec spec, Path worktree) {
        return inner.parameters(spec, worktree);
    }
}

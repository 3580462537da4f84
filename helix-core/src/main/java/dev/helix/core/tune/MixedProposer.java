package dev.helix.core.tune;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An agent and the tuner as one proposer ({@code agent.mix}): {@link MixSchedule} says whose turn
 * each experiment is; the tuner sees only the records since the agent's latest kept change, and
 * each change of the agent records the knobs' values it was measured at, so the tuner's next round
 * starts from a measured point.
 */
public final class MixedProposer implements Proposer {

    private final Proposer agent;
    private final Proposer tuner;
    private final int tune;

    public MixedProposer(Proposer agent, Proposer tuner, int tune) {
        this.agent = Objects.requireNonNull(agent);
        this.tuner = Objects.requireNonNull(tuner);
        if (tune < 1) throw new IllegalArgumentException("tune must be at least 1, got " + tune);
        this.tune = tune;
    }

    @Override
    public Proposal propose(Request request) throws InterruptedException {
        // a fix-up is asked only for the agent's crashes (see fixes)
        if (request.crashLogTail().isEmpty()
                && MixSchedule.next(tune, request.experiment(), request.history()) == MixSchedule.Turn.TUNER) {
            Proposal tuned = tuner.propose(withHistory(request, MixSchedule.round(request.experiment(), request.history())));
            // every setting near this best was tried: the agent goes on instead of ending the session
            if (!(tuned instanceof Proposal.Exhausted)) return tuned;
        }
        Proposal proposed = agent.propose(request);
        if (proposed instanceof Proposal.Change c && c.parameters().isEmpty()) {
            Map<String, String> knobs = tuner.parameters(request.spec(), request.worktree());
            if (!knobs.isEmpty()) return new Proposal.Change(c.description(), c.hypothesis(), c.usage(), knobs);
        }
        return proposed;
    }

    @Override
    public boolean fixesCrashes() {
        return agent.fixesCrashes();
    }

    /** The agent fixes its own crashes; a crashed setting of the tuner is simply measured as a crash. */
    @Override
    public boolean fixes(Experiment crashed) {
        return !MixSchedule.byTuner(crashed) && agent.fixes(crashed);
    }

    /** An agent's edits need not mean the same on a newer best. */
    @Override
    public boolean changesStandAlone() {
        return agent.changesStandAlone();
    }

    @Override
    public Map<String, String> parameters(Spec spec, Path worktree) {
        return tuner.parameters(spec, worktree);
    }

    private static Request withHistory(Request r, List<Experiment> history) {
        return new Request(r.experiment(), r.tag(), r.spec(), r.program(), r.worktree(), r.baseline(), r.best(), history,
                r.crashLogTail(), r.worker(), r.direction(), r.briefing());
    }
}

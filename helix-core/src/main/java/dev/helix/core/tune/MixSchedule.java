package dev.helix.core.tune;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Which proposer of a session that mixes an agent with the tuner ({@code agent.mix}) goes next: the
 * agent first; after each kept change of the agent, up to {@code tune} experiments of the tuner on
 * the knobs of that new best; then the agent again. A discarded (or crashed, or rejected) change of
 * the agent is followed by the agent again. The decision reads only the ledger's records, so a
 * resumed session goes on where it stopped.
 *
 * <p>The tuner's memory restarts at each kept change of the agent ({@link #round}): a point measured
 * on older code measured another function, and fitting the model to it (or refusing to try it again)
 * would mislead the search on the new code. Weighting old points down would keep some of that
 * information, but the agent's change can move the optimum anywhere; a round of a few experiments
 * around the new best is the honest budget.
 */
public final class MixSchedule {

    /** The backend name the tuner records its experiments under (agent.backend in the ledger). */
    public static final String TUNER = "tune";

    /** Who proposes the next experiment. */
    public enum Turn { AGENT, TUNER }

    private MixSchedule() {}

    /**
     * The proposer of experiment {@code experiment}.
     *
     * @param tune how many tuner experiments follow a kept change of the agent
     * @param history the session's records (any order; records of {@code experiment} or later are ignored)
     */
    public static Turn next(int tune, int experiment, List<Experiment> history) {
        OptionalInt keep = latestAgentKeep(experiment, history);
        if (keep.isEmpty()) return Turn.AGENT;
        long tuned = usable(experiment, history).stream()
                .filter(e -> e.run() > keep.getAsInt() && byTuner(e)).mapToInt(Experiment::run).distinct().count();
        return tuned < tune ? Turn.TUNER : Turn.AGENT;
    }

    /**
     * What the tuner of experiment {@code experiment} is shown: the records since the latest kept
     * change of the agent (that change's records included), and the baseline with its point taken
     * away, so the measurement noise it carries still reaches the tuner.
     */
    public static List<Experiment> round(int experiment, List<Experiment> history) {
        OptionalInt keep = latestAgentKeep(experiment, history);
        if (keep.isEmpty()) return List.copyOf(history);
        List<Experiment> round = new ArrayList<>();
        for (Experiment e : history) {
            if (e.run() >= keep.getAsInt()) round.add(e);
            else if (e.run() == 0) round.add(noiseOnly(e));
        }
        return round;
    }

    /** The latest experiments of the tuner since the agent's latest kept change, oldest first, at most {@code limit}. */
    public static List<Experiment> tunerResults(int experiment, List<Experiment> history, int limit) {
        List<Experiment> usable = usable(experiment, history);
        // the round of the code the agent kept last: what the tuner found on the code it stands on
        int kept = usable.stream().filter(e -> e.run() > 0 && !byTuner(e) && e.status() == Status.KEEP)
                .mapToInt(Experiment::run).max().orElse(0);
        List<Experiment> tuned = usable.stream().filter(e -> byTuner(e) && e.run() > kept).toList();
        return tuned.subList(Math.max(0, tuned.size() - limit), tuned.size());
    }

    /** Whether the tuner made this experiment (its record names the tune backend). */
    public static boolean byTuner(Experiment e) {
        return e.agent().map(AgentUsage::backend).filter(TUNER::equals).isPresent();
    }

    /** The run of the latest experiment of the agent that was kept, if that latest experiment was kept. */
    private static OptionalInt latestAgentKeep(int experiment, List<Experiment> history) {
        List<Experiment> usable = usable(experiment, history);
        int latest = usable.stream().filter(e -> e.run() > 0 && !byTuner(e)).mapToInt(Experiment::run).max().orElse(-1);
        if (latest < 0) return OptionalInt.empty();
        boolean kept = usable.stream().anyMatch(e -> e.run() == latest && e.status() == Status.KEEP);
        return kept ? OptionalInt.of(latest) : OptionalInt.empty();
    }

    /** Records before {@code experiment} that settled (an interrupted one is redone on resume). */
    private static List<Experiment> usable(int experiment, List<Experiment> history) {
        return history.stream().filter(e -> e.run() < experiment && e.status() != Status.INTERRUPTED).toList();
    }

    /** The baseline without its commit and point: it tells the tuner the noise, not a value of the old code. */
    private static Experiment noiseOnly(Experiment e) {
        return new Experiment(e.run(), e.tag(), e.worker(), "", "", e.metrics(), e.primary(), e.description(),
                e.hypothesis(), e.reason(), e.startedAt(), e.finishedAt(), e.evalSeconds(), e.exitCode(), e.timedOut(),
                e.log(), e.diff(), e.agent(), e.attempt(), e.slot(), e.direction(), e.rebasedFrom(), e.outcome(), Map.of());
    }
}

package dev.helix.core.port;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Changes the editable files of a worktree for one experiment: a coding agent, a model behind an
 * API, an external program, or the built-in tuner. It only proposes: Helix evaluates, judges and
 * records.
 */
public interface Proposer {

    /**
     * Edits files in {@code request.worktree()} and says what it did. Interrupted (a deadline,
     * Ctrl-C), it throws {@link Cut} when requests it made before the cut reported usage.
     */
    Proposal propose(Request request) throws InterruptedException;

    /**
     * A proposal cut mid-flight after some of its requests completed: what those cost is known,
     * and the interrupted experiment carries it so the session's spend is not under-counted.
     */
    final class Cut extends InterruptedException {
        private final transient AgentUsage usage;

        public Cut(AgentUsage usage) {
            super("cut after requests that cost " + usage.tokensIn().orElse(0L) + " tokens in, " + usage.tokensOut().orElse(0L) + " out");
            this.usage = usage;
        }

        public AgentUsage usage() {
            return usage;
        }
    }

    /**
     * Whether, after a crash, this proposer can be shown the crash and asked to fix the crashed
     * code (coding agents can; a tuner cannot).
     */
    default boolean fixesCrashes() {
        return true;
    }

    /**
     * Whether this proposer is asked to fix {@code crashed}, an experiment of this session that
     * crashed; a proposer made of several (an agent and a tuner) answers for the one that made it.
     */
    default boolean fixes(Experiment crashed) {
        return fixesCrashes();
    }

    /**
     * Whether a change of this proposer means the same on a newer best even where it overlaps that
     * best's change: a tuner's parameter values do, a coding agent's edits need not. A stale
     * candidate of such a proposer is re-applied with its own lines winning where both changed,
     * instead of ending stale on the conflict.
     */
    default boolean changesStandAlone() {
        return false;
    }

    /**
     * The values of this proposer's parameters as they stand in {@code worktree}, recorded with the
     * baseline so a tuner knows every point it measured (empty for proposers without parameters,
     * or when they cannot be read: the baseline is measured all the same).
     */
    default Map<String, String> parameters(Spec spec, Path worktree) {
        return Map.of();
    }

    /**
     * @param experiment the number of the experiment being proposed
     * @param program the text of program.md (empty when absent)
     * @param best the best experiment so far (the worktree holds its code)
     * @param history every earlier record of this session, oldest first
     * @param crashLogTail for a fix-up after a crash: the log's last lines
     * @param worker which of the session's workers asks (1 when there is one)
     * @param direction what this worker is to explore (helix run --directions), when given
     * @param briefing the machine the evaluation runs on and earlier sessions' results (empty: unknown)
     * @param fix 0 for a new experiment; 1, 2, ... for the fix-ups of a crash
     * @param crashed for a fix-up: the record of the crashed attempt (its exit code, whether it timed out, its log's tail)
     */
    record Request(int experiment, String tag, Spec spec, String program, Path worktree,
                   Experiment baseline, Experiment best, List<Experiment> history,
                   Optional<String> crashLogTail, int worker, Optional<String> direction, String briefing,
                   int fix, Optional<Experiment> crashed) {
        public Request {
            history = List.copyOf(history);
            briefing = briefing == null ? "" : briefing;
            crashed = crashed == null ? Optional.empty() : crashed;
        }

        /** A request without a briefing or a crashed attempt's record. */
        public Request(int experiment, String tag, Spec spec, String program, Path worktree, Experiment baseline,
                       Experiment best, List<Experiment> history, Optional<String> crashLogTail, int worker,
                       Optional<String> direction) {
            this(experiment, tag, spec, program, worktree, baseline, best, history, crashLogTail, worker, direction, "");
        }

        /** A request with a briefing, without a crashed attempt's record. */
        public Request(int experiment, String tag, Spec spec, String program, Path worktree, Experiment baseline,
                       Experiment best, List<Experiment> history, Optional<String> crashLogTail, int worker,
                       Optional<String> direction, String briefing) {
            this(experiment, tag, spec, program, worktree, baseline, best, history, crashLogTail, worker, direction, briefing,
                    crashLogTail.isPresent() ? 1 : 0, Optional.empty());
        }

        /** A request without a briefing. */
        public Request(int experiment, String tag, Spec spec, String program, Path worktree, Experiment baseline,
                       Experiment best, List<Experiment> history, Optional<String> crashLogTail, int worker,
                       Optional<String> direction, int fix, Optional<Experiment> crashed) {
            this(experiment, tag, spec, program, worktree, baseline, best, history, crashLogTail, worker, direction, "", fix, crashed);
        }

        /** For a fix-up: how the crashed attempt ended, in one line ("exit code 1", "timed out"). */
        public Optional<String> crashSummary() {
            return crashed.map(c -> c.timedOut() ? "timed out" : c.exitCode().map(x -> "exit code " + x).orElse("killed"));
        }

        /** A request of a session with one worker and no direction. */
        public Request(int experiment, String tag, Spec spec, String program, Path worktree, Experiment baseline,
                       Experiment best, List<Experiment> history, Optional<String> crashLogTail) {
            this(experiment, tag, spec, program, worktree, baseline, best, history, crashLogTail, 1, Optional.empty());
        }
    }

    /** What a proposer returns. */
    sealed interface Proposal {
        AgentUsage usage();

        /**
         * Files were edited; {@code description} is one line.
         *
         * @param parameters for a tuner: the value it wrote for each parameter, recorded with the experiment
         */
        record Change(String description, Optional<String> hypothesis, AgentUsage usage,
                      Map<String, String> parameters) implements Proposal {
            public Change {
                parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
            }

            public Change(String description, Optional<String> hypothesis, AgentUsage usage) {
                this(description, hypothesis, usage, Map.of());
            }
        }

        /**
         * Nothing usable came out; the experiment is recorded as rejected with the reason.
         *
         * @param description what the proposer meant to do, when it said so (the ledger shows it)
         */
        record Failure(String reason, AgentUsage usage, Optional<String> description, Optional<Fault> fault) implements Proposal {
            public Failure(String reason, AgentUsage usage) {
                this(reason, usage, Optional.empty(), Optional.empty());
            }

            public Failure(String reason, AgentUsage usage, Optional<String> description) {
                this(reason, usage, description, Optional.empty());
            }

            /** A failure whose kind is known (the session stops or backs off on it). */
            public Failure(String reason, AgentUsage usage, Fault fault) {
                this(reason, usage, Optional.empty(), Optional.of(fault));
            }
        }

        /**
         * The proposer has nothing left to try (a search space exhausted, or a command proposer
         * that says it is done); the session ends cleanly with the reason.
         */
        record Exhausted(String reason, AgentUsage usage) implements Proposal {}
    }

    /**
     * What kind of failure a proposer met, where it can tell: the session's breaker stops at once
     * on what will not fix itself and waits out what may.
     *
     * @param what the failure in words, e.g. "the model server refused the API key (HTTP 401)"
     * @param fix what the user should do, e.g. "check OPENAI_API_KEY"
     */
    record Fault(Kind kind, String what, String fix) {
        /** Closed set of the failures the breaker tells apart. */
        public enum Kind {
            /** 401/403: the key is missing, wrong or not allowed. */
            AUTH(false),
            /** 402, or a quota the provider says is used up. */
            QUOTA(false),
            /** 404: no such model or endpoint. */
            NOT_FOUND(false),
            /** Nothing answers at the address (connection refused, unknown host). */
            UNREACHABLE(true),
            /** 5xx or 429 after the client's own retries. */
            SERVER(true),
            /** No answer in time. */
            TIMEOUT(true);

            /** Whether waiting may fix it: an outage rather than a mistake. */
            public final boolean transientFault;

            Kind(boolean transientFault) {
                this.transientFault = transientFault;
            }
        }
    }
}

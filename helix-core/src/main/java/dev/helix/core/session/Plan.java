package dev.helix.core.session;

import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * What to run.
 *
 * @param repo the user's repository root (logs are recorded relative to it)
 * @param worktree the session's worktree, present, detached at {@code start} or at the best
 * @param branchRef the session branch, e.g. refs/heads/helix/nov23; it only ever points at the best
 * @param start the commit the baseline measures (used when the tag has no record yet)
 * @param specFile the spec's path relative to the worktree (protected from edits)
 * @param logDir where evaluation logs go (.helix/runs/&lt;tag&gt;)
 * @param maxExperiments stop once this many experiments after the baseline are recorded
 * @param maxTime stop starting new experiments after this long
 * @param sessionId set as HELIX_SESSION for every evaluation, so strays can be found
 * @param maxCost stop once the proposers' reported spend in this session reaches this many USD
 * @param redact removes secrets from everything recorded
 * @param lanes the workers; the first works in {@code worktree} (the baseline is measured there)
 * @param checkout whose files the worktrees hold: Helix's own, or the user's checkout shared with the agent
 * @param briefing what the proposer is told about this machine and earlier sessions' results (empty: nothing)
 * @param maxTokens stop once the proposers' reported tokens (in and out) in this session reach this many
 */
public record Plan(Path repo, Path worktree, String tag, String branchRef, String start, Spec spec,
                   String specFile, String program, Path logDir, OptionalInt maxExperiments,
                   Optional<Duration> maxTime, String sessionId, Optional<Double> maxCost,
                   UnaryOperator<String> redact, List<Lane> lanes, Checkout checkout, String briefing,
                   java.util.OptionalLong maxTokens) {
    public Plan {
        briefing = briefing == null ? "" : briefing;
        lanes = lanes == null || lanes.isEmpty() ? List.of(new Lane(1, worktree, Optional.empty())) : List.copyOf(lanes);
        if (!lanes.get(0).worktree().equals(worktree)) throw new IllegalArgumentException("the first lane works in the session's worktree");
        Objects.requireNonNull(checkout, "checkout");
        maxTokens = maxTokens == null ? java.util.OptionalLong.empty() : maxTokens;
    }

    /** A plan without a token cap. */
    public Plan(Path repo, Path worktree, String tag, String branchRef, String start, Spec spec,
                String specFile, String program, Path logDir, OptionalInt maxExperiments,
                Optional<Duration> maxTime, String sessionId, Optional<Double> maxCost,
                UnaryOperator<String> redact, List<Lane> lanes, Checkout checkout, String briefing) {
        this(repo, worktree, tag, branchRef, start, spec, specFile, program, logDir, maxExperiments, maxTime,
                sessionId, maxCost, redact, lanes, checkout, briefing, java.util.OptionalLong.empty());
    }

    /** A plan without a briefing. */
    public Plan(Path repo, Path worktree, String tag, String branchRef, String start, Spec spec,
                String specFile, String program, Path logDir, OptionalInt maxExperiments,
                Optional<Duration> maxTime, String sessionId, Optional<Double> maxCost,
                UnaryOperator<String> redact, List<Lane> lanes, Checkout checkout, java.util.OptionalLong maxTokens) {
        this(repo, worktree, tag, branchRef, start, spec, specFile, program, logDir, maxExperiments, maxTime,
                sessionId, maxCost, redact, lanes, checkout, "", maxTokens);
    }

    /** A plan without a briefing or a token cap. */
    public Plan(Path repo, Path worktree, String tag, String branchRef, String start, Spec spec,
                String specFile, String program, Path logDir, OptionalInt maxExperiments,
                Optional<Duration> maxTime, String sessionId, Optional<Double> maxCost,
                UnaryOperator<String> redact, List<Lane> lanes, Checkout checkout) {
        this(repo, worktree, tag, branchRef, start, spec, specFile, program, logDir, maxExperiments, maxTime,
                sessionId, maxCost, redact, lanes, checkout, "");
    }

    /** A plan whose worktrees are Helix's own. */
    public Plan(Path repo, Path worktree, String tag, String branchRef, String start, Spec spec,
                String specFile, String program, Path logDir, OptionalInt maxExperiments,
                Optional<Duration> maxTime, String sessionId, Optional<Double> maxCost,
                UnaryOperator<String> redact, List<Lane> lanes) {
        this(repo, worktree, tag, branchRef, start, spec, specFile, program, logDir, maxExperiments, maxTime,
                sessionId, maxCost, redact, lanes, Checkout.HELIX);
    }

    /** A plan with one worker, in Helix's own worktree. */
    public Plan(Path repo, Path worktree, String tag, String branchRef, String start, Spec spec,
                String specFile, String program, Path logDir, OptionalInt maxExperiments,
                Optional<Duration> maxTime, String sessionId, Optional<Double> maxCost,
                UnaryOperator<String> redact) {
        this(repo, worktree, tag, branchRef, start, spec, specFile, program, logDir, maxExperiments, maxTime,
                sessionId, maxCost, redact, List.of(), Checkout.HELIX);
    }
}

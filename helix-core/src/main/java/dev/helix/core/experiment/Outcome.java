package dev.helix.core.experiment;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What became of an experiment, with what only that outcome carries: one variant per {@link Status}.
 *
 * <p>The accessors below answer for every variant (empty where the variant carries nothing of the
 * kind), so a reader that only wants, say, the samples need not switch. Each variant carries
 * everything a session or a command writes for that status today: a crash in the statistical
 * judge keeps its samples and evidence, a crash recorded by hand its change against the best.
 */
public sealed interface Outcome {

    /** The status written to the ledger. */
    Status status();

    /** What was measured of the primary; nothing for a rejected proposal. */
    default Sampling sampling() {
        return Sampling.NONE;
    }

    /** Change of the primary against the best before it. */
    default Optional<Double> delta() {
        return Optional.empty();
    }

    /** The same in percent of the best before it. */
    default Optional<Double> deltaPct() {
        return Optional.empty();
    }

    /** On the baseline: the noise of its repeats and the judge mode chosen from it. */
    default Optional<Noise> noise() {
        return Optional.empty();
    }

    /** For a rejected proposal: the files it changed out of scope. */
    default List<String> paths() {
        return List.of();
    }

    /** For a crash, an interrupted evaluation or failed checks: the last lines of the log. */
    default Optional<String> logTail() {
        return Optional.empty();
    }

    /** The unchanged code, measured; the noise of its repeats chooses the judge mode. */
    record Baseline(Sampling sampling, Optional<Noise> noise) implements Outcome {
        public Status status() {
            return Status.BASELINE;
        }
    }

    /** Judged better than the best: the session branch advanced to it. */
    record Kept(Sampling sampling, Optional<Double> delta, Optional<Double> deltaPct) implements Outcome {
        public Status status() {
            return Status.KEEP;
        }
    }

    /**
     * Judged no better than the best, or better but failing evaluate.checks (then with the checks'
     * log tail): the worktree went back to the best.
     */
    record Discarded(Sampling sampling, Optional<Double> delta, Optional<Double> deltaPct, Optional<String> logTail)
            implements Outcome {
        public Status status() {
            return Status.DISCARD;
        }
    }

    /** Judged a keep, but another worker's keep moved the best while it was evaluated. */
    record Stale(Sampling sampling, Optional<Double> delta, Optional<Double> deltaPct) implements Outcome {
        public Status status() {
            return Status.STALE;
        }
    }

    /** A re-run of an earlier experiment's commit (helix verify), against what was recorded. */
    record Verified(Sampling sampling, Optional<Double> delta, Optional<Double> deltaPct) implements Outcome {
        public Status status() {
            return Status.VERIFY;
        }
    }

    /**
     * The evaluation failed: a non-zero exit, a timeout, or no usable metric. The sampling holds the
     * repeats that went well before it; the change is present only when recorded by hand.
     */
    record Crashed(Sampling sampling, Optional<String> logTail, Optional<Double> delta, Optional<Double> deltaPct)
            implements Outcome {
        public Status status() {
            return Status.CRASH;
        }
    }

    /** Not evaluated: the proposer failed, changed nothing, or changed files out of scope. */
    record Rejected(List<String> paths) implements Outcome {
        public Rejected {
            paths = List.copyOf(paths);
        }

        public Status status() {
            return Status.REJECTED;
        }
    }

    /** Stopped before a verdict; it is tried again on resume. */
    record Interrupted(Sampling sampling, Optional<String> logTail) implements Outcome {
        public Status status() {
            return Status.INTERRUPTED;
        }
    }

    /**
     * The outcome of a status from the values a ledger line holds side by side; values that status
     * never carries are left out.
     */
    static Outcome of(Status status, Sampling sampling, Optional<Double> delta, Optional<Double> deltaPct,
                      Optional<Noise> noise, List<String> paths, Optional<String> logTail) {
        Optional<Double> d = orEmpty(delta);
        Optional<Double> pct = orEmpty(deltaPct);
        return switch (Objects.requireNonNull(status, "status")) {
            case BASELINE -> new Baseline(sampling, orEmpty(noise));
            case KEEP -> new Kept(sampling, d, pct);
            case DISCARD -> new Discarded(sampling, d, pct, orEmpty(logTail));
            case STALE -> new Stale(sampling, d, pct);
            case VERIFY -> new Verified(sampling, d, pct);
            case CRASH -> new Crashed(sampling, orEmpty(logTail), d, pct);
            case REJECTED -> new Rejected(paths);
            case INTERRUPTED -> new Interrupted(sampling, orEmpty(logTail));
        };
    }

    /** The same outcome with its log tail passed through {@code redact}. */
    default Outcome redacted(UnaryOperator<String> redact) {
        return switch (this) {
            case Crashed c -> new Crashed(c.sampling(), c.logTail().map(redact), c.delta(), c.deltaPct());
            case Interrupted i -> new Interrupted(i.sampling(), i.logTail().map(redact));
            case Discarded d -> new Discarded(d.sampling(), d.delta(), d.deltaPct(), d.logTail().map(redact));
            default -> this;
        };
    }

    private static <T> Optional<T> orEmpty(Optional<T> o) {
        return o == null ? Optional.empty() : o;
    }
}

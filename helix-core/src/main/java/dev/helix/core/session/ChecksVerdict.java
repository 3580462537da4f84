package dev.helix.core.session;

import dev.helix.core.port.Executor;
import dev.helix.core.spec.Checks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a run of evaluate.checks decides, wherever it ran (a session's keep, {@code helix finalize}'s
 * final tree, the doctor's unchanged code): they pass only by exiting 0 within their own timeout,
 * not stopped; a failure says why in one phrase.
 *
 * @param failure why they did not pass, e.g. "exit code 1" or "timed out after 45s
 *                (evaluate.checks_timeout_seconds)"; empty when they passed
 */
public record ChecksVerdict(Optional<String> failure) {

    /** The verdict on {@code result}, a run of {@code checks}. */
    public static ChecksVerdict of(Executor.Result result, Checks checks) {
        if (result.timedOut()) return new ChecksVerdict(Optional.of("timed out after " + checks.timeoutSeconds() + "s (evaluate.checks_timeout_seconds)"));
        if (result.interrupted()) return new ChecksVerdict(Optional.of("stopped"));
        if (result.exitCode() != 0) return new ChecksVerdict(Optional.of(Evaluation.failure(result)));
        return new ChecksVerdict(Optional.empty());
    }

    public boolean passed() {
        return failure.isEmpty();
    }

    /**
     * How {@code checks} are run in {@code dir}: under their own timeout, which HELIX_TIME_BUDGET
     * tells them, with {@code env} added and {@code unset} taken out of the environment.
     */
    public static Executor.Request request(Checks checks, Path dir, Map<String, String> env, Path log, Optional<String> cpus,
                                           Set<String> unset) {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("HELIX_TIME_BUDGET", Integer.toString(checks.timeoutSeconds()));
        return new Executor.Request(checks.command(), dir, Duration.ofSeconds(checks.timeoutSeconds()), all, log, cpus, unset);
    }
}

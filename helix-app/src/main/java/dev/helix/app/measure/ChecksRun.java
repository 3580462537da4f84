package dev.helix.app.measure;

import dev.helix.core.port.Executor;
import dev.helix.core.session.ChecksVerdict;
import dev.helix.core.spec.Checks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A run of evaluate.checks outside a session's workers ({@code helix finalize} on the final tree,
 * the doctor on the unchanged code), judged as a session judges its own: see {@link ChecksVerdict}.
 *
 * @param result the process's result, for its time and its last lines
 */
public record ChecksRun(Executor.Result result, ChecksVerdict verdict) {

    /** Runs {@code checks} in {@code dir} with {@code executor}, logging to {@code log} (its directory made first). */
    public static ChecksRun run(Executor executor, Checks checks, Path dir, Map<String, String> env, Path log, Set<String> unset) {
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Executor.Result r = executor.run(ChecksVerdict.request(checks, dir, env, log, Optional.empty(), unset));
        return new ChecksRun(r, ChecksVerdict.of(r, checks));
    }
}

package dev.helix.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.port.Executor;
import dev.helix.core.spec.Checks;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a run of evaluate.checks decides, the same for a session, finalize and the doctor. */
class ChecksVerdictTest {
    private static final Checks CHECKS = new Checks("pytest -q", 45);

    private static Executor.Result result(int exit, boolean timedOut, boolean interrupted, String error) {
        return new Executor.Result(exit, timedOut, interrupted, 1.0, "", 0, error);
    }

    @Test
    void onlyAnExitZeroWithinTheTimeoutAndNotStoppedPasses() {
        assertThat(ChecksVerdict.of(result(0, false, false, ""), CHECKS).passed()).isTrue();
        assertThat(ChecksVerdict.of(result(1, false, false, ""), CHECKS).failure()).contains("exit code 1");
        assertThat(ChecksVerdict.of(result(-1, true, false, ""), CHECKS).failure())
                .contains("timed out after 45s (evaluate.checks_timeout_seconds)");
        assertThat(ChecksVerdict.of(result(-1, false, true, ""), CHECKS).failure()).contains("stopped");
        assertThat(ChecksVerdict.of(result(-1, false, false, "No such file"), CHECKS).failure()).contains("could not start: No such file");
    }

    @Test
    void theRequestRunsUnderTheChecksOwnTimeoutAndSaysItInTheBudget() {
        Executor.Request r = ChecksVerdict.request(CHECKS, Path.of("/w"), Map.of("HELIX_TIME_BUDGET", "600", "HELIX_TAG", "t"),
                Path.of("/w/checks.log"), Optional.empty(), Set.of("API_KEY"));

        assertThat(r.command()).isEqualTo("pytest -q");
        assertThat(r.timeout().toSeconds()).isEqualTo(45);
        assertThat(r.env()).containsEntry("HELIX_TIME_BUDGET", "45").containsEntry("HELIX_TAG", "t");
        assertThat(r.unset()).containsExactly("API_KEY");
    }
}

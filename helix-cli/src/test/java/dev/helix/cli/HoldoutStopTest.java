package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hold-out among a session's other measurements, on real git and real processes: a session's
 * --max-time cuts a long one short like any evaluation, instead of waiting for it under the
 * session's lock; under exclusive isolation it holds the repository's measurement lock.
 */
class HoldoutStopTest {
    @TempDir
    Path tmp;

    @Test
    void maxTimeCutsALongHoldoutShortAndTheBaselineIsStillRecorded() throws Exception {
        Path heldout = TestRepo.heldoutData(tmp.resolve("heldout"), "4.2");
        // 3 baseline repeats of 60 s each: 180 s if the stop did not reach it.
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "").withHoldout("#!/bin/sh\nsleep 60\necho 'loss: 1.0'\n",
                "    from_dir: " + heldout + "\n    timeout_seconds: 300\n    repeats: 3\n");

        long started = System.nanoTime();
        // after the baseline's own evaluation (seconds on a busy machine), long before the hold-out's minute
        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-time", "20s");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

        assertThat(seconds).as(run.toString()).isLessThan(60);
        JsonNode baseline = repo.ledger().get(0);
        assertThat(baseline.get("status").asText()).as(baseline.toString()).isEqualTo("baseline");
        assertThat(baseline.at("/holdout/failure").asText()).contains("stopped");
        assertThat(repo.git("worktree", "list")).doesNotContain("helix-holdout-");
    }

    @Test
    void underExclusiveIsolationTheHoldoutRunsHoldingTheRepositorysMeasurementLock() throws Exception {
        Path heldout = TestRepo.heldoutData(tmp.resolve("heldout"), "4.2");
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "run:\n  isolation: exclusive\n");
        Path lock = repo.dir.resolve(".git/helix/measure.lock");
        // 99 when this process could take the lock itself (no one held it), 1 when Helix held it
        repo.withHoldout("#!/bin/sh\nif python3 -c 'import fcntl, sys; f = open(sys.argv[1], \"a\"); "
                + "fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)' '" + lock + "' 2>/dev/null; then echo 'loss: 99'; else echo 'loss: 1'; fi\n",
                "    from_dir: " + heldout + "\n");

        TestRepo.Run run = repo.helix("run", "--tag", "x", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out() + run.err()).contains("run.isolation: exclusive");
        JsonNode baseline = repo.ledger().get(0);
        assertThat(baseline.at("/holdout/samples").toString()).as(baseline.toString()).isEqualTo("[1.0,1.0,1.0]");
        repo.ledger().stream().filter(r -> r.get("status").asText().equals("keep"))
                .forEach(k -> assertThat(k.at("/holdout/value").asDouble()).as(k.toString()).isEqualTo(1.0));
    }
}

package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix verify measures holding the repository's measurement lock, on real git and real
 * processes: the evaluation itself looks whether it could take the lock, and prints a wrong
 * metric when it could (no one held it).
 */
class VerifyMeasurementLockTest {
    @TempDir
    Path tmp;

    @Test
    void verifyMeasuresHoldingTheMeasurementLockSoAnExclusiveSessionMeasuresNothingMeanwhile() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "run:\n  isolation: exclusive\n");
        Path lock = repo.dir.resolve(".git/helix/measure.lock");
        repo.write("evaluate.sh", "#!/bin/sh\nx=$(sed -n 's/^x = //p' params.txt)\n"
                + "if python3 -c 'import fcntl, sys; f = open(sys.argv[1], \"a\"); fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)' '"
                + lock + "' 2>/dev/null; then echo 'loss: 99'; exit 0; fi\n"
                + "awk -v x=\"$x\" 'BEGIN { printf \"loss: %.6f\\n\", (x - 1.7) * (x - 1.7) }'\n");
        repo.commitAll("an evaluation that looks at the measurement lock");
        TestRepo.Run run = repo.helix("run", "--tag", "v", "--max-experiments", "2");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.ledger().get(0).get("primary").asDouble()).isEqualTo(5.29, org.assertj.core.data.Offset.offset(1e-9));

        TestRepo.Run verify = repo.helix("verify", "--repeats", "1");

        assertThat(verify.code()).as(verify.toString()).isZero();
        assertThat(verify.out()).doesNotContain("99");
    }
}

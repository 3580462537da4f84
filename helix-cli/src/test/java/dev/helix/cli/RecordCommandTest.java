package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.store.SessionLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helix record: results measured elsewhere join the ledger, numbered and compared with the best. */
class RecordCommandTest {
    @TempDir
    Path tmp;

    @Test
    void recordsABaselineThenResultsWithDeltasAgainstTheBest() {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        assertThat(repo.helix("record", "--tag", "r", "--status", "keep", "--metric", "1", "-m", "x").code())
                .as("the first record must be the baseline").isEqualTo(2);
        assertThat(repo.helix("record", "--tag", "r", "--status", "baseline", "--metric", "5.0", "-m", "baseline").code()).isZero();
        TestRepo.Run keep = repo.helix("record", "--tag", "r", "--status", "keep", "--metric", "4.0", "-m", "on the cluster: x=3");
        assertThat(keep.code()).as(keep.toString()).isZero();
        JsonNode row = keep.json().get("data");
        assertThat(row.get("run").asInt()).isEqualTo(1);
        assertThat(row.get("delta").asDouble()).isEqualTo(-1.0);
        TestRepo.Run worse = repo.helix("record", "--tag", "r", "--status", "keep", "--metric", "4.5", "-m", "x=4");
        assertThat(worse.code()).isEqualTo(2);
        assertThat(worse.json().get("error").get("message").asText()).contains("a keep must improve on the best");
        assertThat(repo.helix("record", "--tag", "r", "--status", "discard", "--metric", "4.5", "-m", "x=4").code()).isZero();
        assertThat(repo.helix("record", "--tag", "r", "--status", "sideways", "--metric", "1", "-m", "x").code()).isEqualTo(2);
        assertThat(repo.ledger()).extracting(r -> r.get("run").asInt() + ":" + r.get("status").asText())
                .containsExactly("0:baseline", "1:keep", "2:discard");
    }

    @Test
    void eightProcessesRecordingAtOnceWaitForEachOtherAndAllSucceed() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        assertThat(repo.helix("record", "--tag", "r", "--status", "baseline", "--metric", "5.0", "-m", "baseline").code()).isZero();
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Path output = tmp.resolve("record-" + i + ".out");
            outputs.add(output);
            processes.add(repo.helixProcess(output, "record", "--tag", "r", "--status", "discard",
                    "--metric", String.valueOf(6 + i), "-m", "cluster job " + i).start());
        }
        for (int i = 0; i < 8; i++) {
            assertThat(processes.get(i).waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(processes.get(i).exitValue()).as(Files.readString(outputs.get(i))).isZero();
        }
        assertThat(repo.ledger()).hasSize(9);
        assertThat(repo.ledger()).extracting(r -> r.get("run").asInt())
                .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void aRunningSessionStillRefusesARecordAtOnce() {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        assertThat(repo.helix("record", "--tag", "r", "--status", "baseline", "--metric", "5.0", "-m", "baseline").code()).isZero();
        try (SessionLock session = SessionLock.acquire(SessionLock.forTag(repo.dir.resolve(".helix"), "r"))) {
            long started = System.nanoTime();
            TestRepo.Run refused = repo.helix("record", "--tag", "r", "--status", "discard", "--metric", "6", "-m", "x");
            assertThat(refused.code()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.json().get("error").get("message").asText()).contains("that session is still running");
            assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(10));
        }
        assertThat(repo.ledger()).hasSize(1);
    }

    @Test
    void everyMetricTheSpecNamesCanBeRecordedSoAKeepPassesTheGuard() {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        repo.write("helix.yaml", repo.read("helix.yaml").replace("  primary: {name: loss, optimize: minimize}\n",
                "  primary: {name: loss, optimize: minimize}\n  quality_guard: {name: ratio, optimize: maximize, max_degradation: 0.05}\n"));
        repo.commitAll("a ratio guard");
        assertThat(repo.helix("record", "--tag", "g", "--status", "baseline", "--metric", "5", "--metric", "ratio=2.0", "-m", "baseline").code()).isZero();
        TestRepo.Run keep = repo.helix("record", "--tag", "g", "--status", "keep", "--metric", "ratio=1.99", "--metric", "4", "-m", "x=3");
        assertThat(keep.code()).as(keep.toString()).isZero();
        assertThat(repo.ledger().getLast().at("/metrics/loss").asDouble()).isEqualTo(4.0);
        assertThat(repo.ledger().getLast().at("/metrics/ratio").asDouble()).isEqualTo(1.99);
        TestRepo.Run broken = repo.helix("record", "--tag", "g", "--status", "keep", "--metric", "3", "--metric", "ratio=1.0", "-m", "x=2");
        assertThat(broken.code()).as("the guard holds: ratio fell by half").isEqualTo(ExitCodes.USAGE);

        TestRepo.Run unknown = repo.helix("record", "--tag", "g", "--status", "discard", "--metric", "4", "--metric", "speed=3", "-m", "x");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.json().at("/error/message").asText()).contains("names no metric 'speed'");
        assertThat(unknown.json().at("/error/suggestion").asText()).contains("ratio");
        assertThat(repo.helix("record", "--tag", "g", "--status", "discard", "--metric", "ratio=3", "-m", "x").code())
                .as("the primary is still required").isEqualTo(ExitCodes.USAGE);
        assertThat(repo.helix("record", "--tag", "g", "--status", "discard", "--metric", "ratio=fast", "--metric", "4", "-m", "x").code())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(repo.ledger()).hasSize(2);
    }
}

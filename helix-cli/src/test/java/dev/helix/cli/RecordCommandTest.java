package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
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
}

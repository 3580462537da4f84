package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helix status carries the session's hints: as "hint:" lines for people and in the envelope's hints. */
class StatusHintsTest {
    @TempDir
    Path tmp;

    @Test
    void aSessionStartingAtTheOptimumDiscardsInARowAndStatusSaysWhatToDo() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        repo.write("params.txt", "x = 1.7\nwidth = 3\n");
        repo.commitAll("already at the minimum");
        assertThat(repo.helix("run", "--tag", "h", "--max-experiments", "5").code()).isZero();

        TestRepo.Run text = repo.helix("--text", "status");
        assertThat(text.out()).contains("hint: 5 discards in a row: re-read program.md and the ledger, revert to a simpler idea\n");

        TestRepo.Run json = repo.helix("status");
        assertThat(json.json().get("hints").get(0).asText())
                .isEqualTo("5 discards in a row: re-read program.md and the ledger, revert to a simpler idea");
        assertThat(json.json().get("hints").toString()).contains("continue it: helix run --resume --tag h");
    }
}

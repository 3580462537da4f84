package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helix verify: a kept result re-run in a fresh worktree reproduces, or is shown not to. */
class VerifyCommandTest {
    @TempDir
    Path tmp;

    @Test
    void theBestReproducesUntilTheWorldUnderItChanges() throws Exception {
        Path offset = tmp.resolve("offset");
        Files.writeString(offset, "0\n");
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        // The evaluation also reads something outside the repository: a machine-dependent result.
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                o=$(cat %s)
                awk -v x="$x" -v o="$o" 'BEGIN { printf "loss: %%.6f\\n", (x - 1.7) * (x - 1.7) + o }'
                """.formatted(offset));
        repo.commitAll("an evaluation with an outside input");
        assertThat(repo.helix("run", "--tag", "v", "--max-experiments", "4").code()).isZero();

        TestRepo.Run ok = repo.helix("verify", "--repeats", "2");
        assertThat(ok.code()).as(ok.toString()).isZero();
        JsonNode data = ok.json().get("data");
        assertThat(data.get("reproduces").asBoolean()).isTrue();
        assertThat(data.get("samples")).hasSize(2);

        Files.writeString(offset, "0.5\n");
        TestRepo.Run drifted = repo.helix("verify", "best", "--repeats", "1");
        assertThat(drifted.code()).isEqualTo(1);
        assertThat(drifted.json().get("data").get("reason").asText()).startsWith("does not reproduce");

        var verifies = repo.ledger().stream().filter(r -> r.get("status").asText().equals("verify")).toList();
        assertThat(verifies).hasSize(2);
        assertThat(repo.helix("status").json().get("data").get("experiments").asInt()).isEqualTo(4);
        assertThat(repo.helix("verify", "99").code()).isEqualTo(2);
    }
}

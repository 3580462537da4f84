package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code helix run --tune}: the built-in tuner on an autoresearch.toml project, whose file cannot
 * declare parameters, with no agent CLI anywhere; on real git with a real evaluation.
 */
class TuneOptionTest {
    @TempDir
    Path tmp;

    private TestRepo project() {
        TestRepo repo = new TestRepo(tmp.resolve("gpt"));
        repo.write("autoresearch.toml", """
                target_file = "train.py"
                eval_command = "sh eval.sh"
                metric_name = "val_bpb"
                metric_direction = "lower"
                time_budget = "30s"
                branch = "autoresearch"
                """);
        repo.write("train.py", """
                LR: float = 0.9
                BATCH_SIZE: int = 4
                BATCH = 4
                ACT = "relu"
                print("training")
                """);
        repo.write("eval.sh", """
                lr=$(sed -n 's/^LR: float = //p' train.py)
                b=$(sed -n 's/^BATCH = //p' train.py)
                act=$(sed -n 's/^ACT = "\\(.*\\)"/\\1/p' train.py)
                awk -v lr="$lr" -v b="$b" -v act="$act" 'BEGIN { p = (act == "gelu") ? 0 : 0.5; printf "val_bpb %.6f\\n", 1 + (lr - 0.3) * (lr - 0.3) + (b - 8) * (b - 8) / 100 + p }'
                """);
        repo.commitAll("a project of the autoresearch CLI");
        return repo;
    }

    @Test
    void theTunerRunsTheLoopOnTheValuesGivenWithoutAnAgent() {
        TestRepo repo = project();
        TestRepo.Run run = repo.helix("--text", "run", "--tune", "LR=0.01..1:log", "--tune", "BATCH=2..16",
                "--tune", "train.py:ACT=relu|gelu|silu", "--max-experiments", "6");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).hasSize(7);
        assertThat(ledger.get(0).get("status").asText()).isEqualTo("baseline");
        assertThat(ledger.get(0).get("metrics").get("val_bpb").asDouble()).isEqualTo(1 + 0.36 + 0.16 + 0.5, org.assertj.core.api.Assertions.within(1e-6));
        for (JsonNode r : ledger.subList(1, 7)) {
            assertThat(r.get("agent").get("backend").asText()).isEqualTo("tune");
            assertThat(r.get("parameters").has("LR")).as(r.toString()).isTrue();
            assertThat(r.get("parameters").get("ACT").asText()).isIn("relu", "gelu", "silu");
            assertThat(Integer.parseInt(r.get("parameters").get("BATCH").asText())).isBetween(2, 16);
        }
        assertThat(ledger).extracting(r -> r.get("status").asText()).contains("keep");
        String best = repo.git("show", "helix/autoresearch:train.py");
        assertThat(best).containsPattern("(?m)^ACT = \"(relu|gelu|silu)\"$").containsPattern("(?m)^LR: float = [0-9.eE-]+$").contains("BATCH_SIZE: int = 4\n").contains("print(\"training\")");
        assertThat(repo.read("train.py")).as("the user's checkout is not touched").startsWith("LR: float = 0.9\n");
    }

    @Test
    void aValueTheFileDoesNotAssignOrABadRangeIsAUsageErrorBeforeAnythingIsWritten() {
        TestRepo repo = project();
        TestRepo.Run missing = repo.helix("--text", "run", "--tune", "DROPOUT=0..0.5");
        assertThat(missing.code()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err()).contains("--tune DROPOUT=0..0.5: train.py has no line assigning DROPOUT");

        TestRepo.Run reversed = repo.helix("--text", "run", "--tune", "LR=1..0.1");
        assertThat(reversed.code()).isEqualTo(2);
        assertThat(reversed.err()).contains("low end must be below its high end");

        TestRepo.Run both = repo.helix("--text", "run", "--tune", "LR=0.1..1", "--backend", "claude");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--tune runs the built-in tuner, and --backend claude is another proposer");

        TestRepo.Run notEditable = repo.helix("--text", "run", "--tune", "eval.sh:lr=0.1..1");
        assertThat(notEditable.code()).isEqualTo(2);
        assertThat(notEditable.err()).contains("--tune eval.sh:lr=0.1..1: eval.sh");

        TestRepo.Run logFromZero = repo.helix("--text", "run", "--tune", "LR=0..1:log");
        assertThat(logFromZero.code()).isEqualTo(2);
        assertThat(logFromZero.err()).contains("a log scale needs a range above 0");

        assertThat(repo.git("branch", "--list", "helix/*")).isEmpty();
        assertThat(repo.ledger()).isEmpty();
    }
}

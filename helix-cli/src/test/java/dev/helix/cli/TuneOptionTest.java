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
    void aResumedTunedSessionKeepsTuningTheValuesGivenAgain() {
        TestRepo repo = project();
        TestRepo.Run first = repo.helix("--text", "run", "--tag", "t", "--tune", "LR=0.01..1:log", "--max-experiments", "1");
        assertThat(first.code()).as(first.toString()).isZero();

        TestRepo.Run resumed = repo.helix("--text", "run", "--resume", "--tag", "t", "--tune", "LR=0.01..1:log",
                "--max-experiments", "2");

        assertThat(resumed.code()).as(resumed.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).as(resumed.toString()).hasSize(3);
        for (JsonNode r : ledger.subList(1, 3)) {
            assertThat(r.get("agent").get("backend").asText()).as(r.toString()).isEqualTo("tune");
        }
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

    @Test
    void valuesInAJsonAndAYamlConfigAreTunedWhereTheyAreWritten() {
        TestRepo repo = new TestRepo(tmp.resolve("cfg"));
        repo.write("research.json", """
                {
                  "tag": "cfg",
                  "modifiable_files": ["config.json", "config.yaml"],
                  "readonly_files": ["eval.sh"],
                  "run_command": "sh eval.sh",
                  "metric_grep": "^val_loss:",
                  "metric_direction": "lower",
                  "timeout_seconds": 60
                }
                """);
        repo.write("config.json", "{\n  \"lr\": 0.1,\n  \"epochs\": 3\n}\n");
        repo.write("config.yaml", "optimizer:\n  'lr_decay': 1e-3\n  weight_decay: 0.01\n");
        repo.write("eval.sh", """
                a=$(sed -n 's/^  "lr": \\(.*\\),$/\\1/p' config.json)
                b=$(sed -n "s/^  'lr_decay': //p" config.yaml)
                awk -v a="$a" -v b="$b" 'BEGIN { printf "val_loss: %.6f\\n", (a - 0.03) * (a - 0.03) + (b - 0.002) * (b - 0.002) }'
                """);
        repo.commitAll("a project of the research skill");

        TestRepo.Run run = repo.helix("--text", "run", "--tune", "config.json:lr=0.001..1:log", "--tune", "config.yaml:lr_decay=1e-4..1e-2:log",
                "--max-experiments", "3");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).hasSize(4);
        JsonNode first = ledger.get(1);
        String json = repo.git("show", first.get("commit").asText() + ":config.json");
        String yaml = repo.git("show", first.get("commit").asText() + ":config.yaml");
        assertThat(json).matches("(?s)\\{\n  \"lr\": [0-9.eE-]+,\n  \"epochs\": 3\n}").doesNotContain("\"lr\": 0.1,");
        assertThat(yaml).matches("(?s)optimizer:\n  'lr_decay': [0-9.eE-]+\n  weight_decay: 0.01").doesNotContain("1e-3");

        TestRepo.Run twice = repo.helix("--text", "run", "--tune", "config.json:lr=0.001..1", "--tune", "config.yaml:lr_decay=0.001..1",
                "--tune", "config.yaml:lr=0.001..1");
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).contains("lr is given twice (in config.json and config.yaml)");
    }

    @Test
    void aNameAssignedTwiceIsAUsageErrorNamingBothLinesNotASilentNoOp() {
        TestRepo repo = project();
        repo.write("train.py", "BATCH = 4\nLR: float = 0.9\nACT = \"relu\"\nBATCH = 8  # overrides the first\n");
        repo.commitAll("BATCH twice");

        TestRepo.Run run = repo.helix("--text", "run", "--tune", "BATCH=2..16", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--tune BATCH=2..16: train.py assigns BATCH on lines 1, 4: which one to tune is unclear")
                .contains("helix init --from autoresearch.toml");
        assertThat(repo.git("branch", "--list", "helix/*")).isEmpty();
        assertThat(repo.ledger()).isEmpty();
    }

    @Test
    void aDeterministicMetricThatDoesNotMoveIsNeverKeptOnTheRoundingOfItsBaselinesMean() {
        TestRepo repo = project();
        repo.write("eval.sh", "echo 'val_bpb 1.77'\n"); // three readings of 1.77 average to 1.7700000000000002
        repo.commitAll("a metric the knob does not move");

        TestRepo.Run run = repo.helix("--text", "run", "--tune", "BATCH=2..16", "--max-experiments", "3");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).hasSize(4);
        assertThat(ledger.get(0).get("primary").asDouble()).isEqualTo(1.77);
        assertThat(ledger.get(0).get("noise").get("sd").asDouble()).isZero();
        assertThat(ledger.subList(1, 4)).extracting(r -> r.get("status").asText()).containsOnly("discard");
        assertThat(repo.git("rev-parse", "helix/autoresearch~1")).isEqualTo(repo.git("rev-parse", "HEAD"));
    }
}

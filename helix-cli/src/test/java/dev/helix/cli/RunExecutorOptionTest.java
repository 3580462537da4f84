package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.testing.SlurmCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helix run --executor local|slurm overrides helix.yaml's run.executor. */
class RunExecutorOptionTest {

    @TempDir
    Path tmp;

    @Test
    void anUnknownExecutorIsAUsageErrorThatNamesTheChoices() {
        TestRepo repo = TestRepo.quadratic(tmp, "");

        TestRepo.Run run = repo.helix("run", "--executor", "pbs", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.out()).contains("bad_option", "unknown executor 'pbs'", "local or slurm");
        assertThat(Files.exists(tmp.resolve(".helix/experiments.jsonl"))).as("nothing ran").isFalse();
    }

    @Test
    void executorSlurmRunsTheEvaluationsOfALocalSpecAsSlurmJobs() {
        SlurmCluster.require();
        String tag = "x" + UUID.randomUUID().toString().substring(0, 8);
        TestRepo repo = TestRepo.quadratic(tmp, "");

        TestRepo.Run run = repo.helix("run", "--tag", tag, "--executor", "slurm", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).hasSize(2);
        for (JsonNode r : ledger) {
            assertThat(repo.read(r.get("log").asText()))
                    .containsPattern("\\[helix\\] slurm job [0-9]+ \\(helix-" + tag + "-[^)]*\\): COMPLETED on n[12]");
        }
        assertThat(SlurmCluster.finishedJobs()).filteredOn(j -> j.startsWith("helix-" + tag + "-"))
                .hasSizeGreaterThanOrEqualTo(2).allMatch(j -> j.contains("|COMPLETED|"));
    }

    @Test
    void executorLocalRunsTheEvaluationsOfASlurmSpecHereWithoutSlurm() {
        TestRepo repo = TestRepo.quadratic(tmp, """
                run:
                  executor: slurm
                """);

        TestRepo.Run run = repo.helix("run", "--tag", "here", "--executor", "LOCAL", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).hasSize(2);
        assertThat(ledger.get(0).get("primary").asDouble()).isEqualTo(5.29, org.assertj.core.data.Offset.offset(1e-9));
        for (JsonNode r : ledger) assertThat(repo.read(r.get("log").asText())).doesNotContain("[helix] slurm job");
    }
}

package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.testing.SlurmCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helix run with run.executor: slurm, against the real two-node test cluster of scripts/slurm-up. */
class SlurmRunCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aSessionOnSlurmRunsEveryEvaluationAsAJobAndRecordsAFullLedger() throws Exception {
        SlurmCluster.require();
        String tag = "s" + UUID.randomUUID().toString().substring(0, 8);
        TestRepo repo = TestRepo.quadratic(tmp, """
                run:
                  executor: slurm
                  slurm:
                    cpus: 1
                    mem: 200M
                """);

        TestRepo.Run run = repo.helix("run", "--tag", tag, "--max-experiments", "4");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("run").asInt()).containsExactly(0, 1, 2, 3, 4);
        assertThat(ledger.get(0).get("status").asText()).isEqualTo("baseline");
        assertThat(ledger.get(0).get("primary").asDouble()).isEqualTo(5.29, org.assertj.core.data.Offset.offset(1e-9));
        for (JsonNode r : ledger.subList(1, ledger.size())) {
            assertThat(r.get("status").asText()).as(r.toString()).isIn("keep", "discard");
        }
        // Every evaluation was a Slurm job: its log names it, and the job completion file lists it.
        for (JsonNode r : ledger) {
            assertThat(repo.read(r.get("log").asText()))
                    .containsPattern("\\[helix\\] slurm job [0-9]+ \\(helix-" + tag + "-[^)]*\\): COMPLETED on n[12]");
        }
        List<String> jobs = SlurmCluster.finishedJobs().stream().filter(j -> j.startsWith("helix-" + tag + "-")).toList();
        assertThat(jobs).hasSizeGreaterThanOrEqualTo(ledger.size()).allMatch(j -> j.contains("|COMPLETED|"));
        assertThat(SlurmCluster.activeJobNames()).noneMatch(n -> n.startsWith("helix-" + tag + "-"));
    }

    @Test
    void twoWorkersRunTheSameSessionOnBothNodesAtOnceByChangingOneLine() throws Exception {
        SlurmCluster.require();
        String tag = "w" + UUID.randomUUID().toString().substring(0, 8);
        TestRepo repo = TestRepo.quadratic(tmp, "run:\n  workers: 2\n  executor: local\n");
        repo.write("evaluate.sh", "#!/bin/sh\nsleep 1\n" + repo.read("evaluate.sh").replace("#!/bin/sh\n", ""));
        // the one line: where evaluations run
        repo.write("helix.yaml", repo.read("helix.yaml").replace("executor: local", "executor: slurm"));
        repo.commitAll("on the cluster, two at a time");

        TestRepo.Run run = repo.helix("run", "--tag", tag, "--max-experiments", "6");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger.stream().filter(r -> r.get("attempt").asInt() == 0).map(r -> r.get("run").asInt()))
                .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6);
        assertThat(ledger.stream().filter(r -> r.get("run").asInt() > 0).map(r -> r.get("worker").asInt()).distinct())
                .containsExactlyInAnyOrder(1, 2);
        java.util.Set<String> nodes = new java.util.HashSet<>();
        for (JsonNode r : ledger) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[helix\\] slurm job [0-9]+ \\(helix-" + tag
                    + "-[^)]*\\): COMPLETED on (n[12])").matcher(repo.read(r.get("log").asText()));
            assertThat(m.find()).as(r.toString()).isTrue();
            nodes.add(m.group(1));
        }
        assertThat(nodes).isNotEmpty();
        assertThat(WorkersRunTest.maxOverlap(ledger)).as("experiments in progress at once").isEqualTo(2);
        WorkersRunTest.assertLinearRatchet(repo, tag, ledger);
        assertThat(SlurmCluster.activeJobNames()).noneMatch(n -> n.startsWith("helix-" + tag + "-"));
    }

    @Test
    void anEvaluationSlurmKillsForMemoryIsACrashWithThatReason() {
        SlurmCluster.require();
        String tag = "m" + UUID.randomUUID().toString().substring(0, 8);
        TestRepo repo = TestRepo.quadratic(tmp, """
                run:
                  executor: slurm
                  slurm:
                    mem: 50M
                """);
        // The baseline (x = 4.0) fits; every other x allocates 300 MB, over the job's 50M.
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                [ "$x" = "4.0" ] || python3 -c 'a = b"x" * (300 * 1024 * 1024); import time; time.sleep(20)'
                awk -v x="$x" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """);
        repo.commitAll("an evaluation that needs memory");

        TestRepo.Run run = repo.helix("run", "--tag", tag, "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).hasSize(2);
        assertThat(ledger.get(1).get("status").asText()).as(ledger.get(1).toString()).isEqualTo("crash");
        assertThat(ledger.get(1).get("reason").asText()).contains("slurm: OUT_OF_MEMORY");
        assertThat(SlurmCluster.activeJobNames()).noneMatch(n -> n.startsWith("helix-" + tag + "-"));
    }
}

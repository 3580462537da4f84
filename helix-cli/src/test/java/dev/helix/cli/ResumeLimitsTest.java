package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** helix run killed with SIGKILL and resumed without flags keeps the limits it was started with. */
@Timeout(180)
class ResumeLimitsTest {
    @TempDir
    Path tmp;

    @Test
    void aResumeAfterKillNineStopsAtTheMaxExperimentsTheSessionStartedWith() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        // From the second experiment on, evaluations hold until released: the kill comes mid-session, however slow the machine.
        Path release = tmp.resolve("release");
        repo.write("evaluate.sh", "#!/bin/sh\nif [ \"$HELIX_EXPERIMENT\" -ge 2 ]; then i=0; while [ ! -e '" + release
                + "' ] && [ $i -lt 1500 ]; do sleep 0.1; i=$((i + 1)); done; fi\n" + repo.read("evaluate.sh").replace("#!/bin/sh\n", ""));
        repo.write("helix.yaml", repo.read("helix.yaml").replace("timeout_seconds: 20", "timeout_seconds: 300"));
        repo.commitAll("evaluations that hold");
        Path output = tmp.resolve("helix-output.log");
        Process helix = repo.helixProcess(output, "run", "--tag", "r", "--max-experiments", "4").start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (repo.ledger().stream().noneMatch(r -> r.get("run").asInt() == 1) && helix.isAlive()) {
            assertThat(System.nanoTime()).as(Files.readString(output)).isLessThan(deadline);
            Thread.sleep(20);
        }
        helix.destroyForcibly();
        assertThat(helix.waitFor(120, TimeUnit.SECONDS)).as("a killed Helix has ended before the next one starts").isTrue();
        int recorded = repo.ledger().size();
        assertThat(recorded).as(Files.readString(output)).isEqualTo(2); // killed mid-session, while experiment 2 was held
        Files.writeString(release, "");

        TestRepo.Run resumed = repo.helix("run", "--resume", "--tag", "r");

        assertThat(resumed.code()).as("%s", resumed).isZero();
        assertThat(resumed.err() + resumed.out()).contains("resumed with --max-experiments 4 (kept)", "reached --max-experiments");
        assertThat(repo.ledger()).extracting(r -> r.get("run").asInt()).containsExactly(0, 1, 2, 3, 4);

        TestRepo.Run more = repo.helix("run", "--resume", "--tag", "r", "--max-experiments", "5");
        assertThat(more.err() + more.out()).contains("resumed with --max-experiments 5 (given now)");
        assertThat(repo.ledger()).extracting(r -> r.get("run").asInt()).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void aKeptCostCapIsRefusedWhenTheResumeSwitchesToABackendWhoseCostIsUnknownAndNothingIsTouched() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        TestRepo.Run started = repo.helix("run", "--tag", "c", "--max-cost", "5", "--max-experiments", "1");
        assertThat(started.code()).as("%s", started).isZero();
        String spec = repo.read("helix.yaml");
        repo.write("helix.yaml", spec.replace("  backend: tune\n",
                "  backend: openai\n  model: my-finetune\n  base_url: https://api.example.invalid/v1\n")); // never reached: .invalid resolves nowhere
        Path limits = repo.dir.resolve(".helix/runs/c/limits.properties");
        String limitsBefore = Files.readString(limits);
        String ledgerBefore = Files.readString(repo.dir.resolve(".helix/experiments.jsonl"));
        String branchBefore = repo.git("rev-parse", "helix/c");

        Path output = tmp.resolve("resume.log");
        ProcessBuilder resume = repo.helixProcess(output, "run", "--resume", "--tag", "c", "--max-experiments", "3");
        resume.environment().put("OPENAI_API_KEY", "sk-test");
        Process resumed = resume.start();
        assertThat(resumed.waitFor(90, TimeUnit.SECONDS)).as(Files.readString(output)).isTrue();

        String said = Files.readString(output);
        assertThat(resumed.exitValue()).as(said).isEqualTo(2);
        assertThat(said).contains("--max-cost 5.0, kept from the start of session 'c', cannot hold with the openai backend",
                "the model 'my-finetune' is not in the built-in price table", "input_per_mtok",
                "removing max_cost_usd from .helix/runs/c/limits.properties");
        assertThat(Files.readString(limits)).isEqualTo(limitsBefore);
        assertThat(Files.readString(repo.dir.resolve(".helix/experiments.jsonl"))).isEqualTo(ledgerBefore);
        assertThat(repo.git("rev-parse", "helix/c")).isEqualTo(branchBefore);
    }

    @Test
    void aResumeOfASessionThatNeverWroteItsLimitsSaysTheLimitsItsCommandLineGives() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("fresh"), "");

        TestRepo.Run run = repo.helix("--text", "run", "--resume", "--tag", "early", "--max-experiments", "2");

        assertThat(run.code()).as("%s", run).isZero();
        assertThat(run.err()).contains("resumed with --max-experiments 2 (given now)").doesNotContain("resumed without limits");
        assertThat(repo.ledger()).hasSize(3);
    }
}

package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The environment record on real git and real processes: a session records where it ran (the
 * machine, the system, what run.fingerprint's commands print) beside the ledger, shows it at start
 * and tells the proposer; when a result does not reproduce, helix verify says what differs now.
 */
class EnvironmentRecordTest {
    @TempDir
    Path tmp;

    @Test
    void aSessionRecordsItsEnvironmentShowsItAndVerifyNamesWhatChangedWhenAResultDoesNotReproduce() throws Exception {
        Path toolchain = tmp.resolve("toolchain.txt");
        Files.writeString(toolchain, "toolchain 1.0\n");
        Path requests = tmp.resolve("requests.jsonl");
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "run:\n  fingerprint: [\"cat " + toolchain + "\", \"uname -s\"]\n");
        // the evaluation's result depends on the toolchain outside the repository, as a compiler's version would
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                o=0; grep -q '2.0' %s && o=0.5
                awk -v x="$x" -v o="$o" 'BEGIN { printf "loss: %%.6f\\n", (x - 1.7) * (x - 1.7) + o }'
                """.formatted(toolchain));
        repo.write("agent.sh", """
                #!/bin/sh
                cat >> %s; echo >> %s
                echo 'x = 2.0' > params.txt; echo 'width = 3' >> params.txt
                echo '{"description": "x to 2"}'
                """.formatted(requests, requests));
        repo.commitAll("an evaluation that depends on the toolchain");

        TestRepo.Run run = repo.helix("--text", "run", "--tag", "e", "--backend", "command", "--agent-command", "sh agent.sh",
                "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        String kernel = System.getProperty("os.version");
        assertThat(run.err()).contains("hardware: ").contains("environment: system: ")
                .contains("kernel " + kernel).contains("$ cat " + toolchain + ": toolchain 1.0").contains("$ uname -s: Linux");
        JsonNode request = Output.JSON.readTree(Files.readAllLines(requests).get(0));
        assertThat(request.get("briefing").asText()).contains("## The machine").contains("- system: ")
                .contains("- $ cat " + toolchain + ": toolchain 1.0");
        List<String> lines = Files.readAllLines(repo.dir.resolve(".helix/environments.jsonl"));
        assertThat(lines).hasSize(1);
        JsonNode env = Output.JSON.readTree(lines.get(0));
        assertThat(env.get("tag").asText()).isEqualTo("e");
        assertThat(env.get("cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(env.get("kernel").asText()).isEqualTo(kernel);
        assertThat(env.get("fingerprints").get("cat " + toolchain).asText()).isEqualTo("toolchain 1.0");
        assertThat(repo.ledger()).extracting(r -> r.get("status").asText()).containsExactly("baseline", "keep");

        TestRepo.Run same = repo.helix("verify", "--repeats", "1");
        assertThat(same.code()).as(same.toString()).isZero();
        assertThat(same.json().get("hints")).isEmpty();

        Files.writeString(toolchain, "toolchain 2.0\n");
        TestRepo.Run drifted = repo.helix("verify", "--repeats", "1");
        assertThat(drifted.code()).as(drifted.toString()).isEqualTo(1);
        assertThat(drifted.json().get("hints").get(1).asText()).startsWith("environment: differs from where #1 ran (as recorded at ")
                .endsWith("): $ cat " + toolchain + ": toolchain 1.0 -> toolchain 2.0");
        TestRepo.Run text = repo.helix("--text", "verify", "--repeats", "1");
        assertThat(text.out()).contains("does not reproduce").contains("toolchain 1.0 -> toolchain 2.0");

        // without .helix's record (a clone), the copy the session branch carries is compared with
        Files.delete(repo.dir.resolve(".helix/environments.jsonl"));
        TestRepo.Run carried = repo.helix("verify", "--repeats", "1");
        assertThat(carried.json().get("hints").get(1).asText()).endsWith("): $ cat " + toolchain + ": toolchain 1.0 -> toolchain 2.0");

        // a session of an older Helix has no record, on its branch neither: verify says so and still answers
        String wt = tmp.resolve("older").toString();
        repo.git("worktree", "add", "-q", "--detach", wt, "helix/e");
        repo.git("-C", wt, "rm", "-q", "environments.jsonl");
        repo.git("-C", wt, "commit", "-q", "--amend", "--no-edit");
        repo.git("update-ref", "refs/heads/helix/e", repo.git("-C", wt, "rev-parse", "HEAD"));
        repo.git("worktree", "remove", "--force", wt);
        TestRepo.Run older = repo.helix("verify", "--repeats", "1");
        assertThat(older.code()).isEqualTo(1);
        assertThat(older.json().get("hints").get(1).asText())
                .isEqualTo("environment: session e has no record of where it ran (it ran under an older Helix)");
    }

    @Test
    void aLongOrBinaryFingerprintIsComparedWholeAndVerifyNamesTheLineThatChanged() throws Exception {
        // pip freeze in a real environment prints thousands of characters; a changed package at its end must show
        Path freeze = tmp.resolve("freeze.txt");
        StringBuilder packages = new StringBuilder();
        for (int i = 1; i <= 300; i++) packages.append("package").append(i).append("==1.0.").append(i).append('\n');
        Files.writeString(freeze, packages);
        Path blob = tmp.resolve("blob.bin");
        Files.write(blob, new byte[] {(byte) 0xff, 0, (byte) 0xfe, 7, 'a', (byte) 0x80});
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"),
                "run:\n  fingerprint: [\"cat " + freeze + "\", \"cat " + blob + "\"]\n");
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                o=0; grep -q 'package300==2.0' %s && o=0.5
                awk -v x="$x" -v o="$o" 'BEGIN { printf "loss: %%.6f\\n", (x - 1.7) * (x - 1.7) + o }'
                """.formatted(freeze));
        repo.write("agent.sh", "#!/bin/sh\necho 'x = 2.0' > params.txt; echo 'width = 3' >> params.txt\necho '{\"description\": \"x to 2\"}'\n");
        repo.commitAll("an evaluation that depends on an installed package");
        TestRepo.Run run = repo.helix("run", "--tag", "e", "--backend", "command", "--agent-command", "sh agent.sh",
                "--max-experiments", "1");
        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode env = Output.JSON.readTree(Files.readAllLines(repo.dir.resolve(".helix/environments.jsonl")).get(0));
        assertThat(env.get("fingerprints").get("cat " + blob).asText()).startsWith("binary output: 6 bytes, sha256 ");
        assertThat(env.toString()).doesNotContain("\uFFFD");

        Files.writeString(freeze, packages.toString().replace("package300==1.0.300", "package300==2.0"));
        Files.write(blob, new byte[] {(byte) 0xff, 0, (byte) 0xfe, 8, 'a', (byte) 0x80});
        TestRepo.Run drifted = repo.helix("verify", "--repeats", "1");
        assertThat(drifted.code()).as(drifted.toString()).isEqualTo(1);
        String hint = drifted.json().get("hints").get(1).asText();
        assertThat(hint).contains("$ cat " + freeze + ": ").contains("package300==1.0.300 -> package300==2.0")
                .contains("$ cat " + blob + ": binary output: 6 bytes, sha256 ");
    }

    @Test
    void aResumedSessionRecordsItsEnvironmentAgainAndVerifyComparesWithTheOneInForce() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        assertThat(repo.helix("run", "--tag", "r", "--max-experiments", "1").code()).isZero();
        assertThat(repo.helix("run", "--tag", "r", "--resume", "--max-experiments", "2").code()).isZero();

        List<String> lines = Files.readAllLines(repo.dir.resolve(".helix/environments.jsonl"));
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(Output.JSON.readTree(l).get("tag").asText()).isEqualTo("r"));
        assertThat(Output.JSON.readTree(lines.get(0)).get("fingerprints")).isEmpty();
    }

    @Test
    void aTrySessionRecordsItsEnvironmentAndUnderExclusiveWaitsForTheMeasurementLock() throws Exception {
        TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), "  backend: command\n  command: 'true'\n");
        repo.write("helix.yaml", repo.read("helix.yaml") + "run:\n  isolation: exclusive\n");
        repo.commitAll("exclusive measurements");
        Path lock = repo.dir.resolve(".git/helix/measure.lock");
        Files.createDirectories(lock.getParent());
        // another session's evaluation holds the lock (a POSIX lock, as Helix in another process takes it)
        Process holder = new ProcessBuilder("python3", "-c", """
                import fcntl, sys
                f = open(sys.argv[1], 'w')
                fcntl.lockf(f, fcntl.LOCK_EX)
                print('held', flush=True)
                sys.stdin.readline()
                """, lock.toString()).start();
        try {
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine()).isEqualTo("held");
            repo.write("params.txt", "x = 3.0\nwidth = 3\n");
            java.util.concurrent.CompletableFuture<TestRepo.Run> tried =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> repo.helix("try", "-m", "x to 3.0"));
            // held elsewhere: the baseline's evaluation waits, however long we look
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> tried.get(2, java.util.concurrent.TimeUnit.SECONDS)))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
            assertThat(repo.ledger()).isEmpty();
            holder.getOutputStream().write('\n');
            holder.getOutputStream().flush();
            TestRepo.Run run = tried.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(run.json().at("/data/status").asText()).as(run.toString()).isEqualTo("keep");
        } finally {
            holder.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(repo.dir.resolve(".helix/environments.jsonl"));
        assertThat(lines).hasSize(1);
        assertThat(Output.JSON.readTree(lines.get(0)).get("tag").asText()).isEqualTo(repo.ledger().get(0).get("tag").asText());
    }
}

package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret the proposer echoes into its description and the evaluation prints is written nowhere:
 * not in commit messages, evaluation logs, the ledger, reports or exports; the metric still parses.
 */
class SecretsRunTest {
    private static final String SECRET = "s3cr3t-value-0123456789";

    @TempDir
    Path tmp;

    @Test
    void aSecretNamedInRunSecretsIsRedactedFromEveryTextHelixWrites() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "run:\n  secrets: [DEPLOY_PASSPHRASE]\n");
        repo.write("agent.sh", """
                #!/bin/sh
                printf 'x = 2.0\\nwidth = 3\\n' > params.txt
                echo "{\\"description\\": \\"x=2 with $DEPLOY_PASSPHRASE\\", \\"hypothesis\\": \\"uses $DEPLOY_PASSPHRASE\\"}"
                """);
        repo.write("evaluate.sh", "#!/bin/sh\nprintf 'connecting with %s\\n' \"$DEPLOY_PASSPHRASE\"\n" + repo.read("evaluate.sh")
                .replace("#!/bin/sh\n", ""));
        // The evaluation is let see the secret (env_passthrough), so that what it prints must be redacted in its log.
        repo.write("helix.yaml", repo.read("helix.yaml").replace("backend: tune", "backend: command\n  command: sh agent.sh")
                .replace("  timeout_seconds: 20\n", "  timeout_seconds: 20\n  env_passthrough: [DEPLOY_PASSPHRASE]\n"));
        repo.commitAll("an agent and an evaluation that leak a secret");

        Path output = tmp.resolve("helix.out");
        ProcessBuilder pb = repo.helixProcess(output, "run", "--tag", "s", "--max-experiments", "1");
        pb.environment().put("DEPLOY_PASSPHRASE", SECRET);
        Process run = pb.start();
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(Files.readString(output)).isZero();

        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).hasSize(2);
        assertThat(ledger.get(1).get("status").asText()).as(ledger.toString()).isEqualTo("keep");
        assertThat(ledger.get(1).get("metrics").get("loss").asDouble()).isEqualTo(0.09, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Files.readString(repo.dir.resolve(".helix/experiments.jsonl"))).doesNotContain(SECRET);

        String messages = repo.git("log", "--format=%B", "--all");
        assertThat(messages).contains("x=2 with [REDACTED:DEPLOY_PASSPHRASE]").doesNotContain(SECRET);

        List<Path> logs;
        try (Stream<Path> files = Files.walk(repo.dir.resolve(".helix/runs/s"))) {
            logs = files.filter(Files::isRegularFile).toList();
        }
        assertThat(logs).isNotEmpty();
        for (Path log : logs) assertThat(Files.readString(log)).as(log.toString()).doesNotContain(SECRET);
        assertThat(logs.stream().map(this::read).filter(t -> t.contains("connecting with [REDACTED:DEPLOY_PASSPHRASE]")))
                .isNotEmpty();
        assertThat(Files.readString(output)).doesNotContain(SECRET);

        Path report = tmp.resolve("report.html");
        Path export = tmp.resolve("export.jsonl");
        for (List<String> args : List.of(List.of("report", "--tag", "s", "-o", report.toString()),
                List.of("export", "--tag", "s", "-o", export.toString()))) {
            Path out = tmp.resolve(args.get(0) + ".out");
            ProcessBuilder cmd = repo.helixProcess(out, args.toArray(String[]::new));
            cmd.environment().put("DEPLOY_PASSPHRASE", SECRET);
            Process p = cmd.start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(out)).isZero();
        }
        assertThat(Files.readString(report)).doesNotContain(SECRET);
        assertThat(Files.readString(export)).doesNotContain(SECRET).contains("[REDACTED:DEPLOY_PASSPHRASE]");
    }

    private String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

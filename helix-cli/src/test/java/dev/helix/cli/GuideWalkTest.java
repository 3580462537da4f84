package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent follows {@code helix guide} to the letter in a repository made as a user makes one:
 * git init, a small program and its evaluation, {@code helix init}, a commit, then doctor, status,
 * log, edits, {@code helix try} and {@code helix record}. Every call is a real process with a PATH
 * that has no coding-agent CLI on it, and reads and writes real git.
 */
class GuideWalkTest {
    @TempDir
    Path tmp;

    Path repo;
    Path bin;
    Path launcher;

    @BeforeEach
    void aUsersRepository() throws Exception {
        bin = Files.createDirectories(tmp.resolve("bin"));
        // This machine's programs, but no coding-agent CLI, whatever this machine has installed.
        Set<String> agents = Set.of("claude", "codex", "gemini", "opencode");
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(java.io.File.pathSeparator)) {
            if (dir.isEmpty() || !Files.isDirectory(Path.of(dir))) continue;
            try (Stream<Path> programs = Files.list(Path.of(dir))) {
                for (Path program : programs.toList()) {
                    String name = program.getFileName().toString();
                    if (agents.contains(name) || Files.exists(bin.resolve(name), LinkOption.NOFOLLOW_LINKS)) continue;
                    if (Files.isExecutable(program) && !Files.isDirectory(program)) Files.createSymbolicLink(bin.resolve(name), program);
                }
            }
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        launcher = tmp.resolve("helix");
        Files.writeString(launcher, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' dev.helix.cli.Main \"$@\"\n");
        launcher.toFile().setExecutable(true);

        repo = Files.createDirectories(tmp.resolve("project"));
        sh("git init -q -b main && git config user.name User && git config user.email user@example.invalid"
                + " && git config commit.gpgsign false");
        Files.writeString(repo.resolve("train.sh"), """
                #!/bin/sh
                # A tiny "training run": the loss is a parabola in the learning rate.
                LR=0.5
                awk -v lr="$LR" 'BEGIN { printf "loss: %.6f\\n", (lr - 0.1) * (lr - 0.1) + 0.01 }'
                """);
        Files.writeString(repo.resolve("evaluate.sh"), "#!/bin/sh\nsh train.sh\n");
        sh("git add -A && git commit -q -m 'my project'");
    }

    @Test
    void anAgentFollowingTheGuideReachesItsVerdictsAndGetsACrashedEditBack() throws Exception {
        // helix init, with no agent CLI installed: no backend named, and a note that try/record need none.
        Answer init = helix("init");
        assertThat(init.code()).as(init.toString()).isZero();
        String spec = Files.readString(repo.resolve("helix.yaml"));
        assertThat(spec).doesNotContainPattern("(?m)^\\s*backend:").contains("# backend: claude");
        assertThat(init.json().at("/data/notes").toString()).contains("helix try and helix record need none");
        // The user adapts the spec and program.md, and commits, as init says.
        sh("sed -i 's/score/loss/g; s/maximize/minimize/; s#command: .*#command: sh evaluate.sh#; s/repeats: 3/repeats: 1/' helix.yaml"
                + " && sed -i \"s#- '[*][*]/[*]'#- train.sh#\" helix.yaml && grep -q '^    - train.sh' helix.yaml"
                + " && printf '# Program\\n\\nLower the loss of train.sh by tuning LR. One change at a time.\\n' > program.md"
                + " && git add -A && git commit -q -m 'helix spec'");

        // Before the first experiment: doctor passes without a backend; status and log say what to do, exit 0.
        Answer doctor = helix("doctor", "--quick");
        assertThat(doctor.code()).as(doctor.toString()).isZero();
        JsonNode backend = check(doctor.json(), "backend");
        assertThat(backend.get("status").asText()).isEqualTo("skip");
        assertThat(backend.get("message").asText()).contains("not needed for helix try and helix record");
        assertThat(doctor.json().get("hints").toString()).contains("helix try -m").doesNotContain("helix run");
        Answer status = helix("status");
        assertThat(status.code()).as(status.toString()).isZero();
        assertThat(status.json().at("/data/experiments").asInt()).isZero();
        assertThat(status.json().get("hints").toString()).contains("no experiments yet; run `helix try -m");
        Answer log = helix("log", "-n", "30");
        assertThat(log.code()).as(log.toString()).isZero();
        assertThat(log.json().get("data").isArray()).isTrue();
        assertThat(log.json().get("data")).isEmpty();
        Answer statusText = helix("--text", "status");
        assertThat(statusText.out()).startsWith("no experiments yet");

        // The loop: an edit, a try, the verdict.
        sh("sed -i 's/^LR=.*/LR=0.3/' train.sh");
        Answer keep = helix("try", "-m", "lower LR to 0.3", "--hypothesis", "the optimum is lower");
        assertThat(keep.code()).as(keep.toString()).isZero();
        assertThat(keep.json().at("/data/status").asText()).isEqualTo("keep");
        String tag = keep.json().at("/data/tag").asText();

        // A broken edit crashes; the verdict says how to get it back, and show --patch | git apply does.
        sh("sed -i 's/^LR=.*/LR=0.2; exit 3/' train.sh");
        Answer crash = helix("try", "-m", "LR 0.2");
        assertThat(crash.json().at("/data/status").asText()).as(crash.toString()).isEqualTo("crash");
        int crashed = crash.json().at("/data/run").asInt();
        assertThat(crash.json().get("hints").toString()).contains("get your edit back: helix show " + crashed + " --patch | git apply");
        assertThat(Files.readString(repo.resolve("train.sh"))).contains("LR=0.3\n");
        sh("'" + launcher + "' show " + crashed + " --patch | git apply");
        assertThat(Files.readString(repo.resolve("train.sh"))).contains("LR=0.2; exit 3\n");
        sh("sed -i 's/; exit 3//' train.sh");
        Answer fixed = helix("try", "-m", "LR 0.2, fixed");
        assertThat(fixed.json().at("/data/status").asText()).as(fixed.toString()).isEqualTo("keep");

        // In the session: doctor keeps the agent on its branch and needs no backend; hints say try, never run --resume.
        Answer inSession = helix("doctor", "--quick");
        assertThat(inSession.code()).as(inSession.toString()).isZero();
        assertThat(inSession.out()).doesNotContain("git switch main");
        assertThat(check(inSession.json(), "branches").get("status").asText()).isEqualTo("pass");
        assertThat(check(inSession.json(), "backend").get("message").asText()).contains("driven with helix try/record");
        Answer during = helix("status");
        assertThat(during.json().get("hints").toString()).contains("helix try -m").doesNotContain("run --resume");

        // helix record: a crash needs no metric; a discard that beats the best is flagged; the same hints as try.
        Answer recordedCrash = helix("record", "--status", "crash", "-m", "out of memory on the cluster");
        assertThat(recordedCrash.code()).as(recordedCrash.toString()).isZero();
        assertThat(recordedCrash.json().at("/data/status").asText()).isEqualTo("crash");
        Answer better = helix("record", "--status", "discard", "--metric", "0.0101", "-m", "LR 0.1 on the cluster");
        assertThat(better.code()).as(better.toString()).isZero();
        assertThat(better.json().at("/data/better_than_best").asText()).contains("beats the best");
        assertThat(better.json().get("hints").toString()).contains("beats the best");
        Answer stuck = null;
        for (String worse : List.of("0.5", "0.6", "0.7")) {
            stuck = helix("record", "--status", "discard", "--metric", worse, "-m", "LR " + worse + " on the cluster");
        }
        assertThat(stuck.json().get("hints").toString()).contains("discards in a row");

        // Nothing of the user's was lost, and the session's branch holds the kept edit.
        assertThat(git("rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("helix/" + tag);
        assertThat(Files.readString(repo.resolve("train.sh"))).contains("LR=0.2\n");
        assertThat(git("show", "main:train.sh")).contains("LR=0.5");
    }

    @Test
    void initNamesTheAgentCliThatIsInstalled() throws Exception {
        Path codex = bin.resolve("codex");
        Files.writeString(codex, "#!/bin/sh\nexit 0\n");
        codex.toFile().setExecutable(true);
        Answer init = helix("init");
        assertThat(init.code()).as(init.toString()).isZero();
        assertThat(Files.readString(repo.resolve("helix.yaml"))).containsPattern("(?m)^  backend: codex\\b");
    }

    private static JsonNode check(JsonNode doctor, String id) {
        for (JsonNode c : doctor.at("/data/checks")) if (c.get("id").asText().equals(id)) return c;
        throw new AssertionError("no check " + id + " in " + doctor);
    }

    record Answer(int code, String out) {
        JsonNode json() {
            try {
                return Output.JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }
    }

    /** helix in its own process, in the project, its stdout a pipe as an agent's tool call has it. */
    private Answer helix(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        return start(command);
    }

    private void sh(String script) throws Exception {
        Answer a = start(List.of("sh", "-c", script));
        assertThat(a.code()).as(script + "\n" + a.out()).isZero();
    }

    private String git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Answer a = start(command);
        assertThat(a.code()).as(a.out()).isZero();
        return a.out().strip();
    }

    private Answer start(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile());
        pb.environment().put("PATH", bin.toString());
        pb.environment().remove("ANTHROPIC_API_KEY");
        Path out = Files.createTempFile(tmp, "out", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(tmp.resolve("stderr.txt").toFile()));
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s did not finish", command).isTrue();
        return new Answer(p.exitValue(), Files.readString(out));
    }
}

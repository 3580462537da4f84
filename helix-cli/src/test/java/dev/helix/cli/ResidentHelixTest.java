package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resident Helix behind the launcher: a call through it (the launcher's own client, scripts/resident.sh,
 * over nc or socat) prints what a cold JVM prints, byte for byte; a call for another build, with a wrong
 * token or to a dead socket is not answered, so the launcher runs it cold.
 */
class ResidentHelixTest {
    private static final int NOT_ANSWERED = 197;
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path tmp;
    private Path residentDir;
    private final List<Process> servers = new ArrayList<>();
    private final Map<String, String> callerExtra = new HashMap<>();

    @BeforeEach
    void needsAClient() throws IOException {
        Assumptions.assumeTrue(onPath("nc") || onPath("socat"), "neither nc nor socat is installed: every call runs cold");
        Path runtime = Files.createDirectories(tmp.resolve("runtime"));
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
        residentDir = runtime.resolve("helix");
        Files.createDirectories(tmp.resolve("home"));
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Process p : servers) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyReadOnlyCommandAnswersAsAColdCallDoes() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        Files.createDirectories(repo.dir.resolve("sub"));
        assertThat(cold(repo.dir, "run", "--tag", "a", "--max-experiments", "3").exit()).isZero();
        startServer("build-1", Map.of());
        assertThat(Files.getPosixFilePermissions(residentDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(residentDir.resolve("resident.sock"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(residentDir.resolve("resident.token"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        List<List<String>> calls = List.of(
                List.of("status", "--json"), List.of("status"), List.of("status", "--text"), List.of("log"),
                List.of("log", "-n", "2", "--json"), List.of("best"), List.of("show", "2"), List.of("show", "99"),
                List.of("diff", "2"), List.of("export"), List.of("report"), List.of("guide"), List.of("agent-info"),
                List.of("review"), List.of("--version"), List.of("--help"), List.of("status", "--bogus"),
                List.of("-C", "..", "log", "-n", "1"));
        for (List<String> call : calls) {
            Path cwd = call.get(0).equals("-C") ? repo.dir.resolve("sub") : repo.dir;
            String[] args = call.toArray(String[]::new);
            Result cold = cold(cwd, args);
            Result resident = resident(cwd, "build-1", args);
            assertThat(resident.exit()).as("helix %s was not answered", call).isNotEqualTo(NOT_ANSWERED);
            assertThat(resident).as("helix %s", String.join(" ", call)).isEqualTo(cold);
        }
        Result outside = cold(tmp, "status", "--json");
        assertThat(resident(tmp, "build-1", "status", "--json")).as("outside any repository").isEqualTo(outside);
        assertThat(outside.exit()).isNotZero();
    }

    @Test
    void aCallRightAfterARecordIsAppendedShowsIt() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        assertThat(cold(repo.dir, "run", "--tag", "a", "--max-experiments", "1").exit()).isZero();
        startServer("build-1", Map.of());
        String before = resident(repo.dir, "build-1", "log", "--json").out();
        assertThat(cold(repo.dir, "record", "--tag", "a", "--status", "discard", "--metric", "9.5", "-m",
                "appended just now with tok-ABCDEFGH12345").exit()).isZero();
        Result after = resident(repo.dir, "build-1", "log", "--json");
        assertThat(after.out()).isNotEqualTo(before).contains("appended just now");
        assertThat(after).isEqualTo(cold(repo.dir, "log", "--json"));

        // a secret of the caller's (not of the resident process's) is redacted as a cold call redacts it
        callerExtra.put("OPENAI_API_KEY", "tok-ABCDEFGH12345");
        Result shown = resident(repo.dir, "build-1", "show", "2", "--text");
        assertThat(shown.out()).contains("appended just now with [REDACTED:OPENAI_API_KEY]").doesNotContain("tok-ABCDEFGH12345");
        assertThat(shown).isEqualTo(cold(repo.dir, "show", "2", "--text"));
    }

    @Test
    void whatTheResidentRemembersGoesWhenItsFileChanges() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        Files.createDirectories(repo.dir.resolve("sub"));
        assertThat(cold(repo.dir, "run", "--tag", "a", "--max-experiments", "1").exit()).isZero();
        callerExtra.put("MY_STUFF", "plain-words-0123456789");
        assertThat(cold(repo.dir, "record", "--tag", "a", "--status", "discard", "--metric", "9.5", "-m",
                "tried plain-words-0123456789").exit()).isZero();
        startServer("build-1", Map.of());
        for (int i = 0; i < 2; i++) {
            Result shown = resident(repo.dir.resolve("sub"), "build-1", "status", "--json");
            assertThat(shown.out()).contains("tried plain-words-0123456789");
            assertThat(shown).isEqualTo(cold(repo.dir.resolve("sub"), "status", "--json"));
        }

        // the spec now names the variable a secret: the same records are redacted
        Files.writeString(repo.dir.resolve("helix.yaml"), Files.readString(repo.dir.resolve("helix.yaml")) + "run:\n  secrets: [MY_STUFF]\n");
        Result redacted = resident(repo.dir, "build-1", "status", "--json");
        assertThat(redacted.out()).contains("tried [REDACTED:MY_STUFF]");
        assertThat(redacted).isEqualTo(cold(repo.dir, "status", "--json"));
        assertThat(resident(repo.dir, "build-1", "log", "--json")).isEqualTo(cold(repo.dir, "log", "--json"));

        // a repository of its own inside: a call from there is about it, not about the outer one
        assertThat(new ProcessBuilder("git", "init", "-q", repo.dir.resolve("sub").toString()).start().waitFor()).isZero();
        Result inner = resident(repo.dir.resolve("sub"), "build-1", "log", "--json");
        assertThat(inner.out()).doesNotContain("tried");
        assertThat(inner).isEqualTo(cold(repo.dir.resolve("sub"), "log", "--json"));

        // an invalid spec is read again at every call, as a cold call reads it
        Files.writeString(repo.dir.resolve("helix.yaml"), "name: [unclosed\n");
        assertThat(resident(repo.dir, "build-1", "best", "--json")).isEqualTo(cold(repo.dir, "best", "--json"));
    }

    @Test
    void inASessionAnAgentDrivesTheHoldoutIsShownOnlyWhenAskedForCallAfterCall() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        Path heldout = Files.createDirectories(tmp.resolve("heldout/data"));
        Files.writeString(heldout.resolve("test.txt"), "4.2\n");
        repo.write("holdout.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                t=$(cat data/test.txt)
                awk -v x="$x" -v t="$t" 'BEGIN { printf "loss: %.6f\\n", (x - t) * (x - t) }'
                """);
        repo.write("helix.yaml", repo.read("helix.yaml").replace("  editable: [params.txt]\n", "  editable: [params.txt]\n  hidden: [data/**]\n")
                .replace("  timeout_seconds: 20\n", "  timeout_seconds: 20\n  holdout:\n    command: sh holdout.sh\n    from_dir: "
                        + heldout.getParent() + "\n"));
        repo.commitAll("a hold-out");
        repo.write("params.txt", "x = 3.0\nwidth = 3\n");
        assertThat(cold(repo.dir, "try", "-m", "x = 3.0").exit()).isZero();
        startServer("build-1", Map.of());

        List<List<String>> calls = List.of(List.of("status", "--holdout", "--json"), List.of("status", "--json"),
                List.of("status", "--holdout", "--json"), List.of("status", "--text"), List.of("log", "--text"), List.of("show", "1", "--text"));
        for (List<String> call : calls) {
            String[] args = call.toArray(String[]::new);
            Result cold = cold(repo.dir, args);
            assertThat(resident(repo.dir, "build-1", args)).as("helix %s", String.join(" ", call)).isEqualTo(cold);
            if (!call.contains("--holdout")) assertThat(cold.out()).as("helix %s", String.join(" ", call)).doesNotContain("holdout").doesNotContain("hold-out");
            else assertThat(cold.out()).contains("\"holdout\":{");
        }

        // only helix.yaml changes (the direction flipped), the ledger stays: the answer is computed anew
        String before = cold(repo.dir, "status", "--holdout", "--json").out();
        assertThat(resident(repo.dir, "build-1", "status", "--holdout", "--json").out()).isEqualTo(before);
        repo.write("helix.yaml", repo.read("helix.yaml").replace("optimize: minimize", "optimize: maximize"));
        Result flipped = cold(repo.dir, "status", "--holdout", "--json");
        assertThat(flipped.out()).isNotEqualTo(before);
        assertThat(resident(repo.dir, "build-1", "status", "--holdout", "--json")).isEqualTo(flipped);
    }

    @Test
    void aCallFromAnotherBuildIsNeverAnsweredAndTheOldProcessLeaves() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        Process server = startServer("build-1", Map.of());
        assertThat(resident(repo.dir, "build-1", "status", "--json").exit()).isNotEqualTo(NOT_ANSWERED);
        Result rebuilt = resident(repo.dir, "build-2", "status", "--json");
        assertThat(rebuilt).isEqualTo(new Result("", "", NOT_ANSWERED));
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("the old resident Helix exits").isTrue();
        assertThat(resident(repo.dir, "build-1", "status", "--json").exit()).isEqualTo(NOT_ANSWERED);
        assertThat(residentDir.resolve("resident.sock")).doesNotExist();
    }

    @Test
    void noResidentAStaleSocketOrAWrongTokenLeaveTheCallUnanswered() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        assertThat(resident(repo.dir, "build-1", "status", "--json")).as("none").isEqualTo(new Result("", "", NOT_ANSWERED));

        // a socket left by a process that died: the file is there, no one listens
        Files.createDirectories(residentDir);
        Path socket = residentDir.resolve("resident.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        Files.writeString(residentDir.resolve("resident.token"), "00".repeat(32));
        assertThat(socket).exists();
        assertThat(resident(repo.dir, "build-1", "status", "--json")).as("stale socket").isEqualTo(new Result("", "", NOT_ANSWERED));

        startServer("build-1", Map.of());   // replaces the stale socket
        Result answered = resident(repo.dir, "build-1", "status", "--json");
        assertThat(answered).isEqualTo(cold(repo.dir, "status", "--json"));

        Path token = residentDir.resolve("resident.token");
        String real = Files.readString(token);
        Files.writeString(token, "ab".repeat(32));
        assertThat(resident(repo.dir, "build-1", "status", "--json")).as("wrong token").isEqualTo(new Result("", "", NOT_ANSWERED));
        Files.writeString(token, real);
        assertThat(resident(repo.dir, "build-1", "status", "--json")).isEqualTo(answered);
    }

    @Test
    void oneResidentPerUserStatusSaysWhereAndItLeavesWhenIdleOrStopped() throws Exception {
        Process first = startServer("build-1", Map.of());
        Process second = serverProcess("build-1", Map.of()).start();
        servers.add(second);
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("a second resident Helix leaves at once").isTrue();
        assertThat(first.isAlive()).isTrue();

        Result status = client("helix_resident_command status", tmp);
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("pid " + first.pid(), residentDir.resolve("resident.sock").toString(), "MB resident");
        Result json = client("helix_resident_command status --json", tmp);
        assertThat(json.exit()).isZero();
        JsonNode envelope = new ObjectMapper().readTree(json.out());
        assertThat(envelope.get("status").asText()).isEqualTo("success");
        assertThat(envelope.get("data").get("pid").asLong()).isEqualTo(first.pid());
        assertThat(envelope.get("data").get("socket").asText()).isEqualTo(residentDir.resolve("resident.sock").toString());
        assertThat(envelope.get("data").get("running").asBoolean()).isTrue();
        assertThat(client("helix_resident_command stop", tmp).exit()).isZero();
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
        assertThat(client("helix_resident_command status", tmp).out()).contains("no resident Helix is running");
        Result none = client("helix_resident_command status --json", tmp);
        assertThat(none.exit()).isEqualTo(1);
        JsonNode error = new ObjectMapper().readTree(none.out());
        assertThat(error.get("status").asText()).isEqualTo("error");
        assertThat(error.get("error").get("code").asText()).isEqualTo("no_resident");
        assertThat(error.get("error").get("message").asText()).contains("no resident Helix is running");
        assertThat(none.err()).contains("error: no resident Helix is running", "fix: ");
        assertThat(new ObjectMapper().readTree(client("helix_resident_command stop --json", tmp).out()).get("data").get("stopped").asBoolean())
                .isFalse();

        Process idle = startServer("build-1", Map.of("HELIX_DAEMON_IDLE", "2s"));
        assertThat(idle.waitFor(120, TimeUnit.SECONDS)).as("leaves after its idle time").isTrue();
        assertThat(residentDir.resolve("resident.sock")).doesNotExist();
    }

    record Result(String out, String err, int exit) {
    }

    /** The environment of a caller: this test's own, with its own runtime and state directories. */
    private Map<String, String> callerEnv() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("HELIX_NO_DAEMON");
        env.put("XDG_RUNTIME_DIR", tmp.resolve("runtime").toString());
        env.put("XDG_STATE_HOME", tmp.resolve("state").toString());
        env.put("HOME", tmp.resolve("home").toString());
        env.put("GIT_AUTHOR_NAME", "caller");
        env.putAll(callerExtra);
        return env;
    }

    private ProcessBuilder serverProcess(String build, Map<String, String> extra) {
        ProcessBuilder pb = new ProcessBuilder(java(), "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.helix.cli.resident.ResidentServer", residentDir.toString(), build)
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("server.log").toFile());
        // the server's own environment differs from its callers': what a call sees must come from the call
        pb.environment().put("XDG_STATE_HOME", tmp.resolve("elsewhere").toString());
        pb.environment().put("HOME", tmp.toString());
        pb.environment().putAll(extra);
        return pb;
    }

    private Process startServer(String build, Map<String, String> extra) throws Exception {
        Process server = serverProcess(build, extra).start();
        servers.add(server);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(residentDir.resolve("resident.info"))) {
            assertThat(server.isAlive()).as("the server died: %s", Files.exists(tmp.resolve("server.log"))
                    ? Files.readString(tmp.resolve("server.log")) : "").isTrue();
            assertThat(System.nanoTime()).as("the server did not come up").isLessThan(deadline);
            Thread.sleep(50);
        }
        return server;
    }

    private Result cold(Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"), "dev.helix.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(callerEnv());
        return collect(pb.directory(cwd.toFile()));
    }

    /** Through the launcher's client: the status is the command's, or 197 when no resident Helix answered. */
    private Result resident(Path cwd, String build, String... args) throws Exception {
        return client("helix_resident_call run \"$@\"", cwd, prepend(build, args));
    }

    private Result client(String script, Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c",
                ". \"$0\"; helix_resident_dir; " + script, ROOT.resolve("scripts/resident.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(callerEnv());
        return collect(pb.directory(cwd.toFile()));
    }

    private Result collect(ProcessBuilder pb) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("%s finished", pb.command()).isTrue();
        return new Result(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8), p.exitValue());
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}

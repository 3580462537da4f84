package dev.helix.adapters.agents.codex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.adapters.testing.AgentClis;
import dev.helix.adapters.testing.Descendants;
import dev.helix.adapters.testing.ScriptedServer;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.port.Proposer.Proposal;
import dev.helix.core.secret.Secrets;
import dev.helix.core.spec.Direction;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The codex backend with the real Codex CLI from npm, against a scripted Responses API server on
 * 127.0.0.1: HOME and CODEX_HOME point into the test's temporary directory, so nothing of this
 * machine's user config is read or written.
 */
class CodexBackendTest {
    static final String KEY_ENV = "HELIX_TEST_OPENAI_KEY";
    static final String KEY = "sk-test-SECRET-0123456789";
    static final String MESSAGE = "Raise the learning rate to 0.02\nHypothesis: the loss still falls steeply at the end of the budget";

    @TempDir
    Path tmp;

    private ScriptedServer server;

    /**
     * The runs directory (which holds CODEX_HOME) outside the temporary directory: codex's own
     * sandbox, with a system bubblewrap older than 0.9 on PATH (Debian 12's 0.8.0 has no --argv0),
     * needs helper links in CODEX_HOME, which it refuses to make under the temporary directory.
     */
    private Path runs;

    @BeforeEach
    void runsOutsideTheTemporaryDirectory() throws IOException {
        Path cache = Files.createDirectories(Path.of(System.getProperty("user.home"), ".cache"));
        runs = Files.createTempDirectory(cache, "helix-codex-test-");
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) server.close();
        try (var all = Files.walk(runs)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Test
    void theRealCliEditsTheWorktreeAndReportsWhatItDid() throws Exception {
        Path cli = AgentClis.require("codex");
        ScriptedResponses model = ScriptedResponses.always(
                ScriptedResponses.replaceLine("train.py", "LR = 0.01", "LR = 0.02"), MESSAGE);
        server = ScriptedServer.start(model);
        Path worktree = worktree();
        // --strict-config: codex refuses any key of Helix's config.toml it does not know
        Spec spec = spec(server.baseUrl() + "/v1", 60, List.of("--strict-config"));

        Proposal proposal = proposer(spec, cli).propose(request(spec, worktree));

        assertThat(proposal).as(String.valueOf(proposal)).isInstanceOf(Proposal.Change.class);
        Proposal.Change change = (Proposal.Change) proposal;
        assertThat(change.description()).isEqualTo("Raise the learning rate to 0.02");
        assertThat(change.hypothesis()).contains("the loss still falls steeply at the end of the budget");
        assertThat(Files.readString(worktree.resolve("train.py"))).isEqualTo("LR = 0.02\nEPOCHS = 3\n");
        assertThat(model.toolOutputs()).hasSize(1);

        // usage: codex sums both model calls in turn.completed; it reports no cost
        assertThat(change.usage().backend()).isEqualTo("codex");
        assertThat(change.usage().model()).contains("gpt-test");
        assertThat(change.usage().tokensIn()).contains(2 * ScriptedResponses.TOKENS_IN);
        assertThat(change.usage().tokensOut()).contains(2 * ScriptedResponses.TOKENS_OUT);
        assertThat(change.usage().turns()).contains(2); // the edit and the final message
        assertThat(change.usage().costUsd()).isEmpty();

        // what codex sent: the Responses API at agent.base_url, streaming, the key from the named variable
        List<ScriptedServer.Request> requests = server.requests();
        assertThat(requests).hasSize(2).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/v1/responses");
            assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY);
        });
        JsonNode first = new ObjectMapper().readTree(requests.get(0).body());
        assertThat(first.path("stream").asBoolean()).isTrue();
        assertThat(first.path("model").asText()).isEqualTo("gpt-test");
        assertThat(ScriptedResponses.prompt(first.path("input"))).contains("# Helix experiment 1 of session t");

        Path log = runs.resolve("1.agent.log");
        assertThat(Files.readString(log)).contains("exec --json", "\"type\":\"file_change\"", "# Helix experiment 1");
        // codex logs a deprecated config key as an error item in the transcript: Helix's config has none
        assertThat(Files.readString(log)).doesNotContain("deprecated");
        String config = Files.readString(runs.resolve("codex-home/config.toml"));
        assertThat(config).contains("base_url = \"" + server.baseUrl() + "/v1\"", "env_key = \"" + KEY_ENV + "\"",
                "wire_api = \"responses\"", "check_for_update_on_startup = false");
        assertNoFileHolds(runs, KEY);
        assertNoFileHolds(worktree, KEY);
    }

    @Test
    void theAgentsShellCommandsDoNotSeeTheKey() throws Exception {
        Path cli = AgentClis.require("codex");
        // The first call: a shell command printing whether the key variable is set, via exec_command.
        server = ScriptedServer.start(exchange -> {
            JsonNode body = new ObjectMapper().readTree(exchange.request.body());
            boolean answered = body.path("input").toString().contains("function_call_output");
            try (ScriptedServer.Sse sse = exchange.sse()) {
                String item = answered
                        ? "{\"type\":\"message\",\"id\":\"m\",\"role\":\"assistant\",\"status\":\"completed\",\"content\":"
                        + "[{\"type\":\"output_text\",\"text\":\"Checked the environment\",\"annotations\":[]}]}"
                        : "{\"type\":\"function_call\",\"id\":\"f\",\"call_id\":\"c1\",\"status\":\"completed\",\"name\":\"exec_command\","
                        + "\"arguments\":\"{\\\"cmd\\\":\\\"echo key=${" + KEY_ENV + ":-unset} > seen.txt\\\"}\"}";
                sse.event("response.output_item.done", "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":" + item + "}");
                sse.event("response.completed", "{\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"usage\":"
                        + "{\"input_tokens\":5,\"output_tokens\":1,\"total_tokens\":6}}}");
            }
        });
        Path worktree = worktree();
        Spec spec = spec(server.baseUrl() + "/v1", 60, List.of());

        Proposal proposal = proposer(spec, cli).propose(request(spec, worktree));

        assertThat(proposal).as(String.valueOf(proposal)).isInstanceOf(Proposal.Change.class);
        assertThat(Files.readString(worktree.resolve("seen.txt"))).isEqualTo("key=unset\n");
    }

    @Test
    void aServerAnswering500IsAFailureWithAReasonSoon() throws Exception {
        Path cli = AgentClis.require("codex");
        server = ScriptedServer.start(exchange -> exchange.json(500, "{\"error\":{\"message\":\"the model broke\",\"type\":\"server_error\"}}"));
        Spec spec = spec(server.baseUrl() + "/v1", 60, List.of());

        long started = System.nanoTime();
        Proposal proposal = proposer(spec, cli).propose(request(spec, worktree()));
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(proposal).isInstanceOf(Proposal.Failure.class);
        String reason = ((Proposal.Failure) proposal).reason();
        assertThat(reason).startsWith("codex failed: ").doesNotContain(KEY);
        assertThat(seconds).as("retries are bounded (request_max_retries = stream_max_retries = 1)").isLessThan(30);
        assertThat(server.requests()).hasSizeBetween(1, 4);
        assertNoFileHolds(runs, KEY);
    }

    @Test
    void aServerAnsweringGarbageIsAFailureWithAReason() throws Exception {
        Path cli = AgentClis.require("codex");
        server = ScriptedServer.start(exchange -> {
            try (ScriptedServer.Sse sse = exchange.sse()) {
                sse.event(null, "this is not JSON at all");
            }
        });
        Spec spec = spec(server.baseUrl() + "/v1", 60, List.of());

        long started = System.nanoTime();
        Proposal proposal = proposer(spec, cli).propose(request(spec, worktree()));

        assertThat(proposal).isInstanceOf(Proposal.Failure.class);
        assertThat(((Proposal.Failure) proposal).reason()).startsWith("codex failed: ").doesNotContain(KEY);
        assertThat((System.nanoTime() - started) / 1e9).isLessThan(30);
    }

    @Test
    void aServerThatNeverAnswersIsCutOffAtTheAgentTimeout() throws Exception {
        Path cli = AgentClis.require("codex");
        CountDownLatch release = new CountDownLatch(1);
        server = ScriptedServer.start(exchange -> {
            try {
                release.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Spec spec = spec(server.baseUrl() + "/v1", 4, List.of());
        try {
            long started = System.nanoTime();
            Proposal proposal = proposer(spec, cli).propose(request(spec, worktree()));
            double seconds = (System.nanoTime() - started) / 1e9;

            assertThat(proposal).isInstanceOf(Proposal.Failure.class);
            assertThat(((Proposal.Failure) proposal).reason())
                    .startsWith("codex did not finish within agent.timeout_seconds = 4s");
            // the 4 s are waited; the server, which would answer after 120 s, is not
            assertThat(seconds).isBetween(3.5, 4 + 30.0);
            assertThat(codexProcesses()).as("the agent and everything it started are gone").isEmpty();
        } finally {
            release.countDown();
        }
    }

    @Test
    void anInterruptKillsCodexAndIsPassedOn() throws Exception {
        Path cli = AgentClis.require("codex");
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server = ScriptedServer.start(exchange -> {
            asked.countDown();
            try {
                release.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Spec spec = spec(server.baseUrl() + "/v1", 60, List.of());
        Proposer proposer = proposer(spec, cli);
        Path worktree = worktree();
        Throwable[] thrown = new Throwable[1];
        Thread session = new Thread(() -> {
            try {
                proposer.propose(request(spec, worktree));
            } catch (Throwable t) {
                thrown[0] = t;
            }
        });
        try {
            session.start();
            assertThat(asked.await(60, TimeUnit.SECONDS)).isTrue();
            session.interrupt();
            session.join(60_000);
            assertThat(session.isAlive()).isFalse();
            assertThat(thrown[0]).isInstanceOf(InterruptedException.class);
            assertThat(codexProcesses()).isEmpty();
        } finally {
            release.countDown();
        }
    }

    @Test
    void checkNamesTheMissingCliAndTheMissingKey() throws IOException {
        CodexBackend backend = new CodexBackend();
        Spec spec = spec("http://127.0.0.1:9/v1", 60, List.of());
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path fake = bin.resolve("codex");
        Files.writeString(fake, "#!/bin/sh\nexit 0\n");
        fake.toFile().setExecutable(true);

        assertThat(backend.check(spec, Map.of("PATH", tmp.resolve("nothing-here").toString(), KEY_ENV, KEY)))
                .containsExactly(new AgentBackend.Unready("Codex CLI not found", "npm install -g @openai/codex"));
        List<AgentBackend.Unready> noKey = backend.check(spec, Map.of("PATH", bin.toString()));
        assertThat(noKey).hasSize(1);
        assertThat(noKey.get(0).message()).contains(KEY_ENV);
        assertThat(backend.check(spec, Map.of("PATH", bin.toString(), KEY_ENV, "  "))).hasSize(1);
        assertThat(backend.check(spec, Map.of("PATH", bin.toString(), KEY_ENV, KEY))).isEmpty();
        assertThat(backend.check(spec(null, 60, List.of(), null), Map.of("PATH", bin.toString())))
                .extracting(AgentBackend.Unready::message).singleElement().asString().contains("OPENAI_API_KEY");
    }

    @Test
    void isFoundByNameAndRunsCodexExecWithTheSessionsOptions() {
        assertThat(dev.helix.adapters.agents.Backends.find("codex")).get().isInstanceOf(CodexBackend.class);
        Spec.AgentSpec agent = spec("http://h/v1", 60, List.of("-c", "model_reasoning_effort=\"high\"")).agent();
        assertThat(CodexBackend.command(Path.of("/bin/codex"), agent, Path.of("/w")))
                .containsExactly("/bin/codex", "exec", "--json", "--ephemeral", "--skip-git-repo-check",
                        "--sandbox", "workspace-write", "--cd", "/w", "--model", "gpt-test",
                        "-c", "model_reasoning_effort=\"high\"", "-");
        assertThat(CodexConfig.toml(spec(null, 60, List.of(), null).agent()))
                .contains("base_url = \"https://api.openai.com/v1\"", "env_key = \"OPENAI_API_KEY\"")
                .doesNotContain(KEY);
        assertThat(CodexConfig.string("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\n\"");
    }

    // ---- fixtures ------------------------------------------------------------------------------

    private Path worktree() throws IOException, InterruptedException {
        Path dir = Files.createDirectories(tmp.resolve("wt"));
        Files.writeString(dir.resolve("train.py"), "LR = 0.01\nEPOCHS = 3\n");
        for (List<String> git : List.of(List.of("git", "init", "-q"), List.of("git", "add", "-A"),
                List.of("git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "init"))) {
            Process p = new ProcessBuilder(git).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
        }
        return dir;
    }

    private Proposer proposer(Spec spec, Path cli) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", cli.getParent() + ":/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        env.put(KEY_ENV, KEY);
        Secrets secrets = Secrets.of(env, List.of(KEY_ENV));
        return new CodexBackend().create(new AgentBackend.Context(spec, env, runs, secrets));
    }

    static Spec spec(String baseUrl, int timeoutSeconds, List<String> extraArgs) {
        return spec(baseUrl, timeoutSeconds, extraArgs, KEY_ENV);
    }

    static Spec spec(String baseUrl, int timeoutSeconds, List<String> extraArgs, String keyEnv) {
        Spec.AgentSpec agent = new Spec.AgentSpec("codex", Optional.of("gpt-test"), 200, 2, Optional.empty(), timeoutSeconds,
                Optional.ofNullable(baseUrl), Optional.ofNullable(keyEnv), Spec.AgentSpec.DEFAULT_PROMPT_CHARS,
                Spec.AgentSpec.DEFAULT_HISTORY_ROWS, Spec.AgentSpec.DEFAULT_MAX_TOKENS, extraArgs);
        return new Spec("demo", "1.0.0", "AI/ML", "Minimize val_loss of a toy model.", Optional.empty(),
                new Spec.Scope(List.of("train.py"), List.of("helix.yaml")),
                new Spec.Metrics(new Spec.MetricSpec("val_loss", Direction.MINIMIZE), Optional.empty(), List.of()),
                new Spec.Evaluate("python train.py", Optional.empty(), 120, Spec.OutputFormat.PATTERN,
                        Map.of("primary", "^val_loss:\\s*([0-9.]+)"), Optional.empty(), 1),
                new Spec.JudgeSpec(Spec.JudgeMode.AUTO, Spec.Threshold.ZERO, 0.95, true),
                agent, new Spec.SearchSpec(List.of(), 0, 0), new Spec.RunSpec(1, "local", List.of()), Map.of(), "helix.yaml");
    }

    static Proposer.Request request(Spec spec, Path worktree) {
        Experiment baseline = new Experiment(0, "t", 0, "p0", "c0", Status.BASELINE, Map.of(), Optional.of(1.0),
                Optional.empty(), Optional.empty(), "baseline", Optional.empty(), "baseline", List.of(), Instant.EPOCH,
                Instant.EPOCH, 0, Optional.empty(), false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
        return new Proposer.Request(1, "t", spec, "Try a higher learning rate.", worktree, baseline, baseline,
                List.of(baseline), Optional.empty());
    }

    static void assertNoFileHolds(Path dir, String secret) throws IOException {
        if (!Files.exists(dir)) return;
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        try (var walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                assertThat(indexOf(bytes, needle)).as("%s holds the key", f).isEqualTo(-1);
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    /** Live codex processes started by this JVM. */
    private static List<ProcessHandle> codexProcesses() throws InterruptedException {
        // the kill is sent when propose returns, but a killed process needs a moment to end
        return Descendants.awaitNone(p -> p.info().command().map(c -> c.contains("codex")).orElse(false));
    }
}

package dev.helix.adapters.agents.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.adapters.agents.CliAgentProposer;
import dev.helix.adapters.agents.gemini.ScriptedGemini.Fault;
import dev.helix.adapters.agents.gemini.ScriptedGemini.Step;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real Gemini CLI, from npm, against a scripted Gemini API on 127.0.0.1. */
@Timeout(180)
class GeminiBackendTest {
    static final String KEY = "AIza-test-SECRET-0123456789";
    static final String MODEL = "gemini-2.5-pro";
    static final String FINAL = "Raise the learning rate to 0.02\n"
            + "Hypothesis: the loss still falls steadily at 0.01, so a larger step converges faster.";

    @TempDir
    Path tmp;
    Path worktree;
    Path logDir;
    Path cli;
    ScriptedGemini gemini;
    Set<Path> tempHomesBefore;

    @BeforeEach
    void setUp() throws Exception {
        cli = AgentClis.require("gemini");
        worktree = tmp.resolve("worktree");
        logDir = tmp.resolve(".helix/runs/t");
        Files.createDirectories(worktree);
        Files.writeString(worktree.resolve("train.py"), "LR = 0.01\nEPOCHS = 3\nprint('val_loss: 1.0')\n");
        Files.writeString(worktree.resolve("helix.yaml"), "name: demo\n");
        git("init", "-q");
        git("add", "-A");
        git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "start");
        gemini = ScriptedGemini.start(prompt -> new Step("train.py", s -> s.replace("LR = 0.01", "LR = 0.02"), FINAL));
        tempHomesBefore = tempHomes();
    }

    @AfterEach
    void tearDown() {
        if (gemini != null) gemini.close();
    }

    @Test
    void theCliReadsAndEditsTheFileAndItsFinalMessageBecomesTheChange() throws Exception {
        Proposal proposal = proposer(spec(120, MODEL)).propose(request(spec(120, MODEL)));

        assertThat(proposal).as(describe(proposal)).isInstanceOf(Proposal.Change.class);
        Proposal.Change change = (Proposal.Change) proposal;
        assertThat(change.description()).isEqualTo("Raise the learning rate to 0.02");
        assertThat(change.hypothesis()).contains("the loss still falls steadily at 0.01, so a larger step converges faster.");
        assertThat(Files.readString(worktree.resolve("train.py"))).startsWith("LR = 0.02\nEPOCHS = 3\n");
        assertThat(git("status", "--porcelain")).as("only the edited file changed").isEqualTo(" M train.py");

        List<ScriptedServer.Request> turns = gemini.turns();
        assertThat(turns).as("read, edit, final message").hasSize(3);
        assertThat(turns).extracting(t -> t.path() + "?" + t.query())
                .containsOnly("/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse");
        assertThat(turns).extracting(t -> t.header("x-goog-api-key")).containsOnly(KEY);
        JsonNode first = new ObjectMapper().readTree(turns.get(0).body());
        assertThat(first.toString()).contains("# Helix experiment 1 of session t", "Do not run the evaluation");
        List<String> tools = new ArrayList<>();
        first.path("tools").forEach(t -> t.path("functionDeclarations").forEach(f -> tools.add(f.path("name").asText())));
        assertThat(tools).as("reading and editing files only: no shell, no git, no web")
                .contains("read_file", "replace", "write_file")
                .doesNotContain("run_shell_command", "web_fetch", "google_web_search", "invoke_agent", "save_memory")
                .isSubsetOf(GeminiBackend.TOOLS);

        assertThat(change.usage().backend()).isEqualTo("gemini");
        assertThat(change.usage().model()).contains(MODEL);
        assertThat(change.usage().tokensIn()).contains(ScriptedGemini.PROMPT_TOKENS * turns.size());
        assertThat(change.usage().tokensOut()).contains(ScriptedGemini.OUTPUT_TOKENS * turns.size());
        assertThat(change.usage().turns()).contains(turns.size());
        assertThat(change.usage().costUsd()).as("Gemini reports no cost").isEmpty();

        String transcript = Files.readString(logDir.resolve("1.agent.log"));
        assertThat(transcript).contains("# Helix experiment 1", "\"read_file\"", "\"replace\"", "Raise the learning rate");
        assertNoKeyWritten();
        assertThat(tempHomes()).as("the temporary HOME is removed").isEqualTo(tempHomesBefore);
    }

    @Test
    void withoutAModelTheCliRoutesAndHelixReportsTheModelItUsed() throws Exception {
        Proposal proposal = proposer(spec(120, null)).propose(request(spec(120, null)));

        assertThat(proposal).as(describe(proposal)).isInstanceOf(Proposal.Change.class);
        assertThat(proposal.usage().model()).isPresent();
        String main = proposal.usage().model().get();
        assertThat(gemini.turns()).extracting(ScriptedServer.Request::path)
                .containsOnly("/v1beta/models/" + main + ":streamGenerateContent");
        assertThat(gemini.requests()).extracting(ScriptedServer.Request::path)
                .as("the router asked a small model how hard the task is").anyMatch(p -> p.endsWith(":generateContent"));
        assertThat(proposal.usage().tokensIn().orElseThrow()).isGreaterThanOrEqualTo(ScriptedGemini.PROMPT_TOKENS * 3);
    }

    @Test
    void aServerErrorIsAFailureThatSaysSo() throws Exception {
        gemini.fault(Fault.SERVER_ERROR);
        long started = System.nanoTime();
        Proposal proposal = proposer(spec(60, MODEL)).propose(request(spec(60, MODEL)));

        assertThat(reason(proposal)).contains("Gemini API error 500 INTERNAL: Internal error encountered.");
        assertThat(seconds(started)).as("the error ends it, not the 60 s").isLessThan(60);
        assertThat(Files.readString(worktree.resolve("train.py"))).startsWith("LR = 0.01");
        assertNoKeyWritten();
    }

    @Test
    void garbageFromTheServerIsAFailureThatSaysSo() throws Exception {
        gemini.fault(Fault.GARBAGE);
        long started = System.nanoTime();
        Proposal proposal = proposer(spec(60, MODEL)).propose(request(spec(60, MODEL)));

        assertThat(reason(proposal)).startsWith("gemini failed").containsIgnoringCase("json");
        assertThat(seconds(started)).as("the error ends it, not the 60 s").isLessThan(60);
    }

    @Test
    void aServerThatNeverAnswersIsCutOffAtTheTimeoutWithNothingLeftRunning() throws Exception {
        gemini.fault(Fault.SILENCE);
        long started = System.nanoTime();
        Proposal proposal = proposer(spec(4, MODEL)).propose(request(spec(4, MODEL)));

        assertThat(reason(proposal)).startsWith("gemini timed out after 4s");
        // the 4 s are waited; the server, silent for 120 s, is not
        assertThat(seconds(started)).isBetween(4.0, 4 + 30.0);
        assertThat(Descendants.awaitNone(p -> p.info().commandLine().orElse("").contains("gemini"))).isEmpty();
        assertThat(tempHomes()).isEqualTo(tempHomesBefore);
    }

    @Test
    void anInterruptKillsTheCliAndIsPassedOn() throws Exception {
        gemini.fault(Fault.SILENCE);
        Proposer proposer = proposer(spec(60, MODEL));
        java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread session = Thread.ofPlatform().start(() -> {
            try {
                outcome.set(proposer.propose(request(spec(60, MODEL))));
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (gemini.requests().isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(gemini.requests()).as("the CLI got as far as the API").isNotEmpty();
        long interrupted = System.nanoTime();
        session.interrupt();
        session.join(60_000);

        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(seconds(interrupted)).as("neither the 60 s nor the silent server are waited").isLessThan(30);
        assertThat(Descendants.awaitNone(p -> p.info().commandLine().orElse("").contains("gemini"))).isEmpty();
        assertThat(tempHomes()).isEqualTo(tempHomesBefore);
    }

    @Test
    void aKeyTheServerEchoesIsRedactedFromTheReasonAndTheTranscript() throws Exception {
        try (ScriptedServer echo = ScriptedServer.start(x -> x.json(400, "{\"error\":{\"code\":400,\"message\":\"API key not valid: "
                + x.request.header("x-goog-api-key") + "\",\"status\":\"INVALID_ARGUMENT\"}}"))) {
            Spec spec = spec(120, MODEL, echo.baseUrl(), null);
            Proposal proposal = proposer(spec).propose(request(spec));

            assertThat(reason(proposal)).contains("Gemini API error 400 INVALID_ARGUMENT: API key not valid: [REDACTED:GEMINI_API_KEY]")
                    .doesNotContain(KEY);
            assertThat(echo.requests()).isNotEmpty();
        }
        assertThat(Files.readString(logDir.resolve("1.agent.log"))).contains("[REDACTED:GEMINI_API_KEY]");
        assertNoKeyWritten();
    }

    @Test
    void theKeyComesFromTheVariableAgentApiKeyEnvNames() throws Exception {
        Spec spec = spec(120, MODEL, gemini.baseUrl(), "MY_GEMINI_KEY");
        Map<String, String> env = new HashMap<>(env());
        env.remove("GEMINI_API_KEY");
        env.put("MY_GEMINI_KEY", KEY);
        Proposal proposal = new CliAgentProposer(GeminiBackend.agent(1).withGrace(Duration.ofSeconds(1)), context(spec, env))
                .propose(request(spec));

        assertThat(proposal).as(describe(proposal)).isInstanceOf(Proposal.Change.class);
        assertThat(gemini.turns()).extracting(t -> t.header("x-goog-api-key")).containsOnly(KEY);
        assertNoKeyWritten();
    }

    @Test
    void checkNamesTheMissingCliWithItsInstallCommandAndTheMissingKey() {
        GeminiBackend backend = new GeminiBackend();
        Spec spec = spec(120, MODEL);
        assertThat(backend.name()).isEqualTo("gemini");
        assertThat(backend.check(spec, env())).isEmpty();

        assertThat(backend.check(spec, Map.of("PATH", tmp.toString(), "GEMINI_API_KEY", KEY)))
                .containsExactly(new AgentBackend.Unready("Gemini CLI not found ('gemini' is not on PATH)",
                        "npm install -g @google/gemini-cli"));

        Map<String, String> noKey = new HashMap<>(env());
        noKey.remove("GEMINI_API_KEY");
        assertThat(backend.check(spec, noKey)).singleElement()
                .satisfies(u -> assertThat(u.message()).isEqualTo("GEMINI_API_KEY is not set (the Gemini API key)"))
                .satisfies(u -> assertThat(u.suggestion()).startsWith("export GEMINI_API_KEY="));

        Spec custom = spec(120, MODEL, gemini.baseUrl(), "MY_GEMINI_KEY");
        assertThat(backend.check(custom, env())).extracting(AgentBackend.Unready::message)
                .containsExactly("MY_GEMINI_KEY is not set (the Gemini API key)");
    }

    @Test
    void theBackendIsRegisteredUnderItsName() {
        assertThat(dev.helix.adapters.agents.Backends.find("gemini")).get().isInstanceOf(GeminiBackend.class);
        assertThat(new GeminiBackend().create(context(spec(120, MODEL), env()))).isInstanceOf(CliAgentProposer.class);
    }

    // ---- fixtures ------------------------------------------------------------------------------

    private Proposer proposer(Spec spec) {
        // one attempt per request, so that a failing server fails fast (Helix's own setting retries twice)
        return new CliAgentProposer(GeminiBackend.agent(1).withGrace(Duration.ofSeconds(1)), context(spec, env()));
    }

    private AgentBackend.Context context(Spec spec, Map<String, String> env) {
        return new AgentBackend.Context(spec, env, logDir, Secrets.of(env, spec.agent().apiKeyEnv().stream().toList()));
    }

    private Map<String, String> env() {
        return Map.of("PATH", cli.getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "GEMINI_API_KEY", KEY);
    }

    private Spec spec(int timeoutSeconds, String model) {
        return spec(timeoutSeconds, model, gemini.baseUrl(), null);
    }

    static Spec spec(int timeoutSeconds, String model, String baseUrl, String apiKeyEnv) {
        Spec.AgentSpec agent = new Spec.AgentSpec("gemini", Optional.ofNullable(model), 20, 2, Optional.empty(), timeoutSeconds,
                Optional.of(baseUrl), Optional.ofNullable(apiKeyEnv), Spec.AgentSpec.DEFAULT_PROMPT_CHARS,
                Spec.AgentSpec.DEFAULT_HISTORY_ROWS, Spec.AgentSpec.DEFAULT_MAX_TOKENS, List.of());
        return new Spec("demo", "1.0.0", "AI/ML", "Minimize val_loss of a toy model.", Optional.empty(),
                new Spec.Scope(List.of("train.py"), List.of("helix.yaml")),
                new Spec.Metrics(new Spec.MetricSpec("val_loss", Direction.MINIMIZE), Optional.empty(), List.of()),
                new Spec.Evaluate("python train.py", Optional.empty(), 120, Spec.OutputFormat.PATTERN,
                        Map.of("primary", "^val_loss:\\s*([0-9.]+)"), Optional.empty(), 1),
                new Spec.JudgeSpec(Spec.JudgeMode.AUTO, Spec.Threshold.ZERO, 0.95, true),
                agent, new Spec.SearchSpec(List.of(), 0, 0), new Spec.RunSpec(1, "local", List.of()), Map.of(), "helix.yaml");
    }

    private Proposer.Request request(Spec spec) {
        Experiment baseline = new Experiment(0, "t", 0, "p0", "c0", Status.BASELINE, Map.of(), Optional.of(1.0),
                Optional.empty(), Optional.empty(), "baseline", Optional.empty(), "baseline", List.of(), Instant.EPOCH,
                Instant.EPOCH, 0, Optional.empty(), false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
        return new Proposer.Request(1, "t", spec, "Try a larger learning rate.", worktree, baseline, baseline, List.of(),
                Optional.empty());
    }

    private static String reason(Proposal proposal) {
        assertThat(proposal).as(describe(proposal)).isInstanceOf(Proposal.Failure.class);
        return ((Proposal.Failure) proposal).reason();
    }

    private static String describe(Proposal proposal) {
        return proposal instanceof Proposal.Failure f ? "failure: " + f.reason() : String.valueOf(proposal);
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }

    /** No file Helix wrote (transcripts, the worktree) holds the key. */
    private void assertNoKeyWritten() throws IOException {
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/.git/")).toList()) {
                assertThat(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(KEY);
            }
        }
    }

    private static Set<Path> tempHomes() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("helix-gemini-")).collect(Collectors.toSet());
        }
    }

    private String git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", worktree.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).stripTrailing();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}

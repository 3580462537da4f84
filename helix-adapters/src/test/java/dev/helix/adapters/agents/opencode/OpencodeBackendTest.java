package dev.helix.adapters.agents.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.adapters.testing.AgentClis;
import dev.helix.adapters.testing.Descendants;
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
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The opencode backend runs the real OpenCode CLI (from npm) against a scripted OpenAI-compatible
 * server on 127.0.0.1: the agent edits the worktree with its own tools, and Helix reads its JSON
 * events. No request leaves the machine and the key never reaches a file Helix writes.
 */
class OpencodeBackendTest {
    static final String KEY = "sk-test-SECRET-0123456789";

    @TempDir
    Path tmp;

    @Test
    void theRealCliEditsTheFileAndReportsDescriptionHypothesisAndTokens() throws Exception {
        Path cli = AgentClis.require("opencode");
        Path worktree = gitDir();
        try (ScriptedChat chat = ScriptedChat.start(List.of(new ScriptedChat.Turn("train.py", "LR = 0.02\n",
                "Raise the learning rate to 0.02\nHypothesis: the loss is still falling fast at the end, so a larger step converges sooner")))) {
            // only a guard against a hang: the run ends when OpenCode is done, which on a busy
            // machine can take over a minute
            AgentBackend.Context context = context(spec(chat.baseUrl(), 180), env(cli));

            Proposal proposal = new OpencodeBackend().create(context).propose(request(context.spec(), worktree));

            assertThat(proposal).as(String.valueOf(proposal)).isInstanceOf(Proposal.Change.class);
            Proposal.Change change = (Proposal.Change) proposal;
            assertThat(change.description()).isEqualTo("Raise the learning rate to 0.02");
            assertThat(change.hypothesis()).hasValue("the loss is still falling fast at the end, so a larger step converges sooner");
            assertThat(Files.readString(worktree.resolve("train.py")))
                    .as(Files.readString(context.logDir().resolve("3.agent.log"))).isEqualTo("LR = 0.02\n");
            // two model turns (the write, then the answer), each reporting the scripted usage
            assertThat(change.usage().backend()).isEqualTo("opencode");
            assertThat(change.usage().model()).hasValue("scripted-coder");
            assertThat(change.usage().tokensIn()).hasValue(2L * ScriptedChat.PROMPT_TOKENS);
            assertThat(change.usage().tokensOut()).hasValue(2L * ScriptedChat.COMPLETION_TOKENS);
            assertThat(change.usage().turns()).hasValue(2);
            assertThat(change.usage().costUsd()).as("a model without prices costs nothing known").isEmpty();

            // what went over the wire: only chat completions, streamed, with Helix's prompt, the key from the env
            assertThat(chat.requests()).extracting(ScriptedServer_path()).containsOnly("/v1/chat/completions");
            assertThat(chat.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY));
            assertThat(chat.chats()).allSatisfy(c -> {
                assertThat(c.path("stream").asBoolean()).isTrue();
                assertThat(c.path("model").asText()).isEqualTo("scripted-coder");
            });
            String firstTurn = chat.chats().get(0).toString();
            assertThat(firstTurn).contains("Helix experiment 3 of session t").contains("Minimize val_loss");
            assertThat(ScriptedChat.declares(chat.chats().get(0), "bash")).as("bash is denied, so not even offered").isFalse();
            assertThat(ScriptedChat.declares(chat.chats().get(0), "webfetch")).isFalse();

            Path log = context.logDir().resolve("3.agent.log");
            assertThat(log).exists();
            assertThat(Files.readString(log)).contains("\"type\":\"tool_use\"").contains("Raise the learning rate");
            assertNoKeyWritten(context.logDir());
            assertThat(Files.readString(context.logDir().resolve("opencode/opencode.json")))
                    .contains("{env:HELIX_TEST_OPENCODE_KEY}").contains("@ai-sdk/openai-compatible");
            assertThat(context.logDir().resolve("opencode/home/.npm")).as("no npm install was attempted").doesNotExist();
        }
    }

    @Test
    void aServerThatAnswers500IsAFailureWithTheServersMessageWithinTheTimeout() throws Exception {
        Path cli = AgentClis.require("opencode");
        Path worktree = gitDir();
        try (ScriptedChat chat = ScriptedChat.start(List.of(new ScriptedChat.Turn("train.py", "x", "y")))) {
            chat.fault(ScriptedChat.Fault.SERVER_ERROR);
            // long enough for a slow start on a loaded machine to reach the server and log its error
            AgentBackend.Context context = context(spec(chat.baseUrl(), 45), env(cli));
            long started = System.nanoTime();

            Proposal proposal = new OpencodeBackend().create(context).propose(request(context.spec(), worktree));

            assertThat((System.nanoTime() - started) / 1e9).as("cut off at the 45 s").isLessThan(45 + 30);
            assertThat(proposal).isInstanceOf(Proposal.Failure.class);
            // OpenCode retries a 500 with backoff for about a minute: Helix's timeout ends it, naming the error
            assertThat(((Proposal.Failure) proposal).reason()).contains("timed out after 45s").contains("scripted internal error")
                    .doesNotContain(KEY);
            assertThat(Files.readString(worktree.resolve("train.py"))).isEqualTo("LR = 0.01\n");
            assertNoKeyWritten(context.logDir());
        }
    }

    @Test
    void garbageInsteadOfAnEventStreamIsAFailureWithinTheTimeout() throws Exception {
        Path cli = AgentClis.require("opencode");
        Path worktree = gitDir();
        try (ScriptedChat chat = ScriptedChat.start(List.of(new ScriptedChat.Turn("train.py", "x", "y")))) {
            chat.fault(ScriptedChat.Fault.GARBAGE);
            AgentBackend.Context context = context(spec(chat.baseUrl(), 6), env(cli));
            long started = System.nanoTime();

            Proposal proposal = new OpencodeBackend().create(context).propose(request(context.spec(), worktree));

            assertThat((System.nanoTime() - started) / 1e9).as("cut off at the 6 s").isLessThan(6 + 30);
            assertThat(proposal).isInstanceOf(Proposal.Failure.class);
            assertThat(((Proposal.Failure) proposal).reason()).contains("OpenCode timed out after 6s").doesNotContain(KEY);
            assertNoKeyWritten(context.logDir());
        }
    }

    @Test
    void aServerThatNeverAnswersIsAFailureWithinTheTimeoutAndNoProcessSurvives() throws Exception {
        Path cli = AgentClis.require("opencode");
        Path worktree = gitDir();
        try (ScriptedChat chat = ScriptedChat.start(List.of(new ScriptedChat.Turn("train.py", "x", "y")))) {
            chat.fault(ScriptedChat.Fault.HANG);
            AgentBackend.Context context = context(spec(chat.baseUrl(), 6), env(cli));
            long started = System.nanoTime();

            Proposal proposal = new OpencodeBackend().create(context).propose(request(context.spec(), worktree));

            assertThat((System.nanoTime() - started) / 1e9).as("cut off at the 6 s").isLessThan(6 + 30);
            assertThat(((Proposal.Failure) proposal).reason()).contains("OpenCode timed out after 6s");
            assertThat(Descendants.awaitNone(p -> p.info().command().orElse("").contains("opencode"))).isEmpty();
        }
    }

    @Test
    void checkNamesTheMissingCliWithItsInstallCommandAndTheUnsetKeyVariable() {
        Spec spec = spec("http://127.0.0.1:9/v1", 10);
        List<AgentBackend.Unready> problems = new OpencodeBackend().check(spec, Map.of("PATH", tmp.toString()));

        assertThat(problems).extracting(AgentBackend.Unready::message)
                .anySatisfy(m -> assertThat(m).startsWith("OpenCode CLI not found"))
                .anySatisfy(m -> assertThat(m).contains("HELIX_TEST_OPENCODE_KEY is not set"));
        assertThat(problems).extracting(AgentBackend.Unready::suggestion).contains("npm install -g opencode-ai");
    }

    @Test
    void checkIsSatisfiedByTheCliOnPathAndTheKeyAndDefaultsToOpenaiApiKey() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path fake = Files.writeString(bin.resolve("opencode"), "#!/bin/sh\n");
        fake.toFile().setExecutable(true);
        Spec spec = spec("http://127.0.0.1:9/v1", 10);

        assertThat(new OpencodeBackend().check(spec, Map.of("PATH", bin.toString(), "HELIX_TEST_OPENCODE_KEY", KEY))).isEmpty();

        Spec defaultKey = withAgent(spec, new Spec.AgentSpec("opencode", Optional.of("m"), 20, 2, Optional.empty(), 10,
                Optional.of("http://127.0.0.1:9/v1"), Optional.empty(), 40_000, 20, 1024, List.of()));
        assertThat(new OpencodeBackend().check(defaultKey, Map.of("PATH", bin.toString())))
                .extracting(AgentBackend.Unready::message).containsExactly("the API key variable OPENAI_API_KEY is not set");
    }

    @Test
    void theBackendIsFoundByName() {
        assertThat(dev.helix.adapters.agents.Backends.find("opencode")).get().isInstanceOf(OpencodeBackend.class);
    }

    // ---- fixtures ------------------------------------------------------------------------------

    private static java.util.function.Function<dev.helix.adapters.testing.ScriptedServer.Request, String> ScriptedServer_path() {
        return dev.helix.adapters.testing.ScriptedServer.Request::path;
    }

    private Path gitDir() throws IOException, InterruptedException {
        Path dir = Files.createDirectories(tmp.resolve("worktree"));
        Files.writeString(dir.resolve("train.py"), "LR = 0.01\n");
        for (List<String> cmd : List.of(List.of("git", "init", "-q"), List.of("git", "add", "."),
                List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "init"))) {
            assertThat(new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start().waitFor()).isZero();
        }
        return dir;
    }

    private Map<String, String> env(Path cli) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", cli.getParent() + ":/usr/bin:/bin");
        env.put("HELIX_TEST_OPENCODE_KEY", KEY);
        return env;
    }

    private AgentBackend.Context context(Spec spec, Map<String, String> env) throws IOException {
        Path logDir = Files.createDirectories(tmp.resolve(".helix/runs/t"));
        return new AgentBackend.Context(spec, env, logDir, Secrets.of(env, List.of("HELIX_TEST_OPENCODE_KEY")));
    }

    static Spec spec(String baseUrl, int timeoutSeconds) {
        return withAgent(baseSpec(), new Spec.AgentSpec("opencode", Optional.of("scripted-coder"), 20, 2, Optional.empty(),
                timeoutSeconds, Optional.of(baseUrl), Optional.of("HELIX_TEST_OPENCODE_KEY"), 40_000, 20, 1024, List.of()));
    }

    private static Spec baseSpec() {
        return new Spec("demo", "1.0.0", "AI/ML", "Minimize val_loss of a toy model.", Optional.empty(),
                new Spec.Scope(List.of("train.py"), List.of("helix.yaml")),
                new Spec.Metrics(new Spec.MetricSpec("val_loss", Direction.MINIMIZE), Optional.empty(), List.of()),
                new Spec.Evaluate("python train.py", Optional.empty(), 120, Spec.OutputFormat.PATTERN,
                        Map.of("primary", "^val_loss:\\s*([0-9.]+)"), Optional.empty(), 1),
                new Spec.JudgeSpec(Spec.JudgeMode.AUTO, Spec.Threshold.ZERO, 0.95, true),
                new Spec.AgentSpec("opencode", Optional.empty(), 20, 2, Optional.empty(), 10),
                new Spec.SearchSpec(List.of(), 1, 0), new Spec.RunSpec(1, "local", List.of()), Map.of(), "helix.yaml");
    }

    private static Spec withAgent(Spec s, Spec.AgentSpec agent) {
        return new Spec(s.name(), s.version(), s.domain(), s.description(), s.author(), s.scope(), s.metrics(), s.evaluate(),
                s.judge(), agent, s.search(), s.run(), s.requirements(), s.source());
    }

    private static Proposer.Request request(Spec spec, Path worktree) {
        Experiment baseline = new Experiment(0, "t", 0, "p0", "c0", Status.BASELINE, Map.of(), Optional.of(1.0),
                Optional.empty(), Optional.empty(), "baseline", Optional.empty(), "baseline", List.of(), Instant.EPOCH,
                Instant.EPOCH, 0, Optional.empty(), false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
        return new Proposer.Request(3, "t", spec, "Lower the loss.", worktree, baseline, baseline, List.of(baseline), Optional.empty());
    }

    private static void assertNoKeyWritten(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(KEY);
            }
        }
    }
}

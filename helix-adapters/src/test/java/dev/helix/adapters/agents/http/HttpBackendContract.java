package dev.helix.adapters.agents.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What both HTTP backends do, against a local server speaking the vendor's API: each subclass
 * says how its API streams, answers whole, and fails.
 */
@Timeout(120)
abstract class HttpBackendContract {
    static final String KEY = "sk-test-SECRET-0123456789";
    static final String MODEL = "test-model-1";

    /** Small delays, so retries take milliseconds; Retry-After is honoured up to 1.5 s. */
    static final ChatClient.Retries FAST = new ChatClient.Retries(4, Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofMillis(1500), Duration.ofMinutes(1));

    /**
     * A bound on durations that holds on any machine: what ends this far before what it would
     * otherwise wait for (a server that answers after 120 s, a time of 60 s) did not wait for it,
     * however busy the machine is. Lower bounds (a Retry-After honoured) hold anywhere anyway.
     */
    static final double WELL_BEFORE = 30;

    /** How long a server that never answers holds the request: far beyond {@link #WELL_BEFORE}. */
    static final int NEVER_SECONDS = 120;

    @TempDir
    Path tmp;
    Path worktree;
    Path logDir;
    ScriptedServer server;
    final List<ScriptedServer.Handler> script = new ArrayList<>();
    final CountDownLatch released = new CountDownLatch(1);

    // ---- what differs between the APIs -----------------------------------------------------------

    abstract AgentBackend backend(ChatClient.Retries retries);

    abstract String keyVariable();

    /** The base URL for a server at {@code root} (e.g. http://127.0.0.1:4000). */
    abstract String baseUrl(String root);

    abstract String path();

    abstract String keyHeader(ScriptedServer.Request request);

    /** Streams {@code text} in small pieces, with the API's usage and end events. */
    abstract void stream(ScriptedServer.Exchange ex, String text, long in, long out) throws IOException;

    /** A stream that starts right and then carries a broken event. */
    abstract void malformedStream(ScriptedServer.Exchange ex) throws IOException;

    /** The API's whole (non-streamed) reply. */
    abstract void whole(ScriptedServer.Exchange ex, String text, long in, long out) throws IOException;

    /** The API's error body. */
    abstract String errorBody(String type, String message);

    // ---- the fixture ---------------------------------------------------------------------------

    @BeforeEach
    void start() throws IOException {
        worktree = Files.createDirectories(tmp.resolve("wt"));
        logDir = tmp.resolve("logs");
        Files.writeString(worktree.resolve("params.txt"), "x = 4.0\nwidth = 3\n");
        Files.createDirectories(worktree.resolve("src"));
        Files.writeString(worktree.resolve("src/model.py"), "def f(x):\n    return x * 2\n");
        Files.writeString(worktree.resolve("evaluate.sh"), "echo loss: 1\n");
        Files.write(worktree.resolve("src/weights.bin"), new byte[] {1, 0, 2, 0});
        AtomicInteger n = new AtomicInteger();
        server = ScriptedServer.start(ex -> {
            int i = n.getAndIncrement();
            script.get(Math.min(i, script.size() - 1)).handle(ex);
        });
    }

    @AfterEach
    void theKeyIsNeverStored() throws IOException {
        released.countDown();
        server.close();
        if (Files.isDirectory(logDir)) {
            try (var files = Files.walk(logDir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) assertThat(Files.readString(f)).doesNotContain(KEY);
            }
        }
    }

    Spec spec(Optional<String> model, int timeoutSeconds, List<String> extraArgs) {
        Spec.AgentSpec agent = new Spec.AgentSpec(backend(FAST).name(), model, 10, 2, Optional.empty(), timeoutSeconds,
                Optional.of(baseUrl(server.baseUrl())), Optional.empty(), Spec.AgentSpec.DEFAULT_PROMPT_CHARS,
                Spec.AgentSpec.DEFAULT_HISTORY_ROWS, 1024, extraArgs);
        return new Spec("quadratic", "1.0.0", "testing", "Find the x that minimizes a parabola.", Optional.empty(),
                new Spec.Scope(List.of("params.txt", "src/**"), List.of("program.md")),
                new Spec.Metrics(new Spec.MetricSpec("loss", Direction.MINIMIZE), Optional.empty(), List.of()),
                new Spec.Evaluate("sh evaluate.sh", Optional.empty(), 20, Spec.OutputFormat.PATTERN, Map.of(), Optional.empty(), 1),
                new Spec.JudgeSpec(Spec.JudgeMode.AUTO, Spec.Threshold.ZERO, 0.95, true),
                agent, new Spec.SearchSpec(List.of(), 0, 0), new Spec.RunSpec(1, "local", List.of()), Map.of(), "helix.yaml");
    }

    Spec spec() {
        return spec(Optional.of(MODEL), 10, List.of());
    }

    Proposal propose(Spec spec) throws InterruptedException {
        return propose(spec, FAST);
    }

    Proposal propose(Spec spec, ChatClient.Retries retries) throws InterruptedException {
        Map<String, String> env = Map.of(keyVariable(), KEY);
        AgentBackend.Context context = new AgentBackend.Context(spec, env, logDir, Secrets.of(env, List.of(keyVariable())));
        Experiment baseline = baseline();
        Proposer proposer = backend(retries).create(context);
        return proposer.propose(new Proposer.Request(1, "t", spec, "Try smaller x.", worktree, baseline, baseline, List.of(),
                Optional.empty()));
    }

    static Experiment baseline() {
        return new Experiment(0, "t", 0, "p0", "c0", Status.BASELINE, Map.of("loss", 5.29), Optional.of(5.29),
                Optional.empty(), Optional.empty(), "baseline", Optional.empty(), "", List.of(), Instant.EPOCH, Instant.EPOCH, 0,
                Optional.empty(), false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
    }

    Spec withBaseUrl(String baseUrl) {
        Spec s = spec();
        Spec.AgentSpec a = s.agent();
        return new Spec(s.name(), s.version(), s.domain(), s.description(), s.author(), s.scope(), s.metrics(), s.evaluate(),
                s.judge(), new Spec.AgentSpec(a.backend(), a.model(), a.maxTurns(), a.maxFixAttempts(), a.command(),
                a.timeoutSeconds(), Optional.of(baseUrl), a.apiKeyEnv(), a.promptChars(), a.historyRows(),
                a.maxTokens(), a.extraArgs()), s.search(), s.run(), s.requirements(), s.source());
    }

    static String reason(Proposal p) {
        assertThat(p).isInstanceOf(Proposal.Failure.class);
        return ((Proposal.Failure) p).reason();
    }

    static Proposal.Change change(Proposal p) {
        assertThat(p).as("%s", p).isInstanceOf(Proposal.Change.class);
        return (Proposal.Change) p;
    }

    static JsonNode body(ScriptedServer.Request r) throws IOException {
        return Json.MAPPER.readTree(r.body());
    }

    String file(String path) throws IOException {
        return Files.readString(worktree.resolve(path));
    }

    static final String GOOD = """
            Halve x
            Hypothesis: the minimum is near 1.7

            params.txt
            ```
            <<<<<<< SEARCH
            x = 4.0
            =======
            x = 2.0
            >>>>>>> REPLACE
            ```
            """;

    static final String STALE = """
            Set x to 1.5
            Hypothesis: closer to the minimum

            params.txt
            <<<<<<< SEARCH
            x = 3.0
            =======
            x = 1.5
            >>>>>>> REPLACE
            """;

    static final String FIXED = """
            params.txt
            <<<<<<< SEARCH
            x = 4.0
            =======
            x = 1.5
            >>>>>>> REPLACE
            """;

    // ---- the specification ---------------------------------------------------------------------

    @Test
    void aStreamedReplyWithBlocksEditsTheFilesAndRecordsUsage() throws Exception {
        script.add(ex -> stream(ex, GOOD, 1234, 56));

        Proposal.Change c = change(propose(spec()));

        assertThat(file("params.txt")).isEqualTo("x = 2.0\nwidth = 3\n");
        assertThat(c.description()).isEqualTo("Halve x");
        assertThat(c.hypothesis()).contains("the minimum is near 1.7");
        assertThat(c.usage().backend()).isEqualTo(backend(FAST).name());
        assertThat(c.usage().model()).contains(MODEL);
        assertThat(c.usage().tokensIn()).contains(1234L);
        assertThat(c.usage().tokensOut()).contains(56L);
        assertThat(c.usage().turns()).contains(1);
        assertThat(c.usage().costUsd()).isEmpty();

        ScriptedServer.Request r = server.requests().get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo(path());
        assertThat(keyHeader(r)).isEqualTo(KEY);
        JsonNode body = body(r);
        assertThat(body.path("model").asText()).isEqualTo(MODEL);
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(1024);
        String prompt = body.path("messages").path(0).path("content").asText();
        assertThat(body.path("messages").path(0).path("role").asText()).isEqualTo("user");
        assertThat(prompt).contains("<<<<<<< SEARCH", "x = 4.0\nwidth = 3", "return x * 2", "Try smaller x.")
                .contains("src/weights.bin: not shown, it is a binary file")
                .doesNotContain("echo loss");
        assertThat(Files.readString(logDir.resolve("1.agent.log"))).contains(prompt.substring(0, 40), "Halve x", "applied: params.txt");
    }

    @Test
    void aWholeReplyIsReadWhenExtraArgsSayNoStream() throws Exception {
        script.add(ex -> whole(ex, GOOD, 100, 20));

        Proposal.Change c = change(propose(spec(Optional.of(MODEL), 10, List.of("no-stream"))));

        assertThat(file("params.txt")).startsWith("x = 2.0\n");
        assertThat(c.usage().tokensIn()).contains(100L);
        assertThat(body(server.requests().get(0)).path("stream").asBoolean()).isFalse();
    }

    @Test
    void aBlockThatDoesNotApplyGetsOneFollowUpWithTheFilesCurrentText() throws Exception {
        script.add(ex -> stream(ex, STALE, 1000, 50));
        script.add(ex -> stream(ex, FIXED, 1500, 30));

        Proposal.Change c = change(propose(spec()));

        assertThat(file("params.txt")).isEqualTo("x = 1.5\nwidth = 3\n");
        assertThat(c.description()).isEqualTo("Set x to 1.5");
        assertThat(c.usage().tokensIn()).contains(2500L);
        assertThat(c.usage().tokensOut()).contains(80L);
        assertThat(c.usage().turns()).contains(2);
        JsonNode messages = body(server.requests().get(1)).path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.path(1).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.path(1).path("content").asText()).isEqualTo(STALE);
        String followUp = messages.path(2).path("content").asText();
        assertThat(followUp).contains("params.txt: block \"x = 3.0\": the SEARCH lines do not occur in the file",
                "The current text of params.txt", "x = 4.0\nwidth = 3\n");
    }

    @Test
    void aBlockThatStillDoesNotApplyAfterTheFollowUpFailsTheProposalWithTheReason() throws Exception {
        script.add(ex -> stream(ex, STALE, 1000, 50));

        Proposal p = propose(spec());

        assertThat(reason(p)).contains("the model's edit \"Set x to 1.5\" did not apply, even after a follow-up",
                "params.txt: block \"x = 3.0\": the SEARCH lines do not occur");
        assertThat(p.usage().turns()).contains(2);
        assertThat(server.requests()).hasSize(2);
        assertThat(file("params.txt")).isEqualTo("x = 4.0\nwidth = 3\n");
    }

    @Test
    void aReplyWithoutBlocksIsNoEdit() throws Exception {
        script.add(ex -> stream(ex, "I would keep x as it is.\n", 10, 5));

        assertThat(reason(propose(spec()))).startsWith("the model proposed no edit");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void tooManyRequestsIsRetriedAfterTheRetryAfterTheServerAsks() throws Exception {
        List<Long> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
        script.add(ex -> {
            arrivals.add(System.nanoTime());
            ex.header("Retry-After", "1");
            ex.json(429, errorBody("rate_limit_error", "Rate limit reached, try again in 1s"));
        });
        script.add(ex -> {
            arrivals.add(System.nanoTime());
            stream(ex, GOOD, 10, 5);
        });

        change(propose(spec()));

        assertThat((arrivals.get(1) - arrivals.get(0)) / 1e9).isBetween(0.95, WELL_BEFORE);
        assertThat(server.requests()).hasSize(2);
        assertThat(Files.readString(logDir.resolve("1.agent.log"))).contains("HTTP 429", "retrying in 1000 ms");
    }

    @Test
    void aRetryAfterLongerThanTheCapWaitsOnlyTheCap() throws Exception {
        List<Long> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
        script.add(ex -> {
            arrivals.add(System.nanoTime());
            ex.header("Retry-After", "3600");
            ex.json(429, errorBody("rate_limit_error", "slow down"));
        });
        script.add(ex -> {
            arrivals.add(System.nanoTime());
            stream(ex, GOOD, 10, 5);
        });

        change(propose(spec()));

        assertThat((arrivals.get(1) - arrivals.get(0)) / 1e9).as("capped at 1.5 s").isBetween(1.45, WELL_BEFORE);
        assertThat(Files.readString(logDir.resolve("1.agent.log"))).contains("retrying in 1500 ms");
    }

    @Test
    void aRetryAfterBeyondTheProposalsTimeFailsAtOnce() throws Exception {
        script.add(ex -> {
            ex.header("Retry-After", "3600");
            ex.json(429, errorBody("rate_limit_error", "slow down"));
        });
        // Retry-After honoured up to two hours, and a minute for the proposal: the hour asked for
        // is beyond it however long the first request took.
        ChatClient.Retries patient = new ChatClient.Retries(4, Duration.ofMillis(10), Duration.ofMillis(50),
                Duration.ofHours(2), Duration.ofMinutes(1));
        long t0 = System.nanoTime();

        String reason = reason(propose(spec(Optional.of(MODEL), 60, List.of()), patient));

        assertThat(reason).contains("HTTP 429", "no time left");
        assertThat((System.nanoTime() - t0) / 1e9).as("neither the hour nor the minute is waited").isLessThan(WELL_BEFORE);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aServerErrorIsRetried() throws Exception {
        script.add(ex -> ex.json(500, errorBody("api_error", "Internal server error")));
        script.add(ex -> stream(ex, GOOD, 10, 5));

        change(propose(spec()));

        assertThat(server.requests()).hasSize(2);
        assertThat(file("params.txt")).startsWith("x = 2.0");
    }

    @Test
    void serverErrorsEveryTimeGiveUpAfterFourAttempts() throws Exception {
        script.add(ex -> ex.json(503, errorBody("overloaded_error", "Overloaded")));

        assertThat(reason(propose(spec()))).contains("HTTP 503", "Overloaded", "gave up after 4 attempts");
        assertThat(server.requests()).hasSize(4);
    }

    @Test
    void aClientErrorFailsAtOnceWithTheApisMessageAndNoKey() throws Exception {
        script.add(ex -> ex.json(401, errorBody("authentication_error", "Incorrect API key provided: " + KEY)));

        String reason = reason(propose(spec()));

        assertThat(reason).contains("HTTP 401", "Incorrect API key provided: [REDACTED:" + keyVariable() + "]")
                .doesNotContain(KEY);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aMalformedStreamFailsTheProposalWithoutHanging() throws Exception {
        script.add(this::malformedStream);
        long t0 = System.nanoTime();

        assertThat(reason(propose(spec(Optional.of(MODEL), 60, List.of())))).startsWith("malformed reply: ");
        assertThat((System.nanoTime() - t0) / 1e9).as("the 60 s are not waited out").isLessThan(WELL_BEFORE);
        assertThat(file("params.txt")).startsWith("x = 4.0");
    }

    @Test
    void aStreamThatEndsEarlyIsMalformed() throws Exception {
        script.add(ex -> {
            try (ScriptedServer.Sse sse = ex.sse()) {
                sse.event(null, "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":1}},\"choices\":[]}");
            }
        });

        assertThat(reason(propose(spec()))).startsWith("malformed reply: the stream ended without");
    }

    @Test
    void aServerThatNeverAnswersFailsWithinTheTimeout() throws Exception {
        script.add(ex -> {
            try {
                released.await(NEVER_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long t0 = System.nanoTime();

        String reason = reason(propose(spec(Optional.of(MODEL), 2, List.of())));

        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(seconds).as("the 2 s are waited, the server is not").isBetween(1.9, WELL_BEFORE);
        assertThat(reason).contains("no complete reply within agent.timeout_seconds");
    }

    @Test
    void aServerThatStallsMidStreamFailsWithinTheTimeout() throws Exception {
        script.add(ex -> {
            ScriptedServer.Sse sse = ex.sse();
            sse.event(null, "{\"type\":\"ping\"}");
            try {
                released.await(NEVER_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long t0 = System.nanoTime();

        assertThat(reason(propose(spec(Optional.of(MODEL), 2, List.of())))).contains("agent.timeout_seconds");
        assertThat((System.nanoTime() - t0) / 1e9).as("the 2 s are waited, the server is not").isBetween(1.9, WELL_BEFORE);
    }

    @Test
    void anEditOutsideTheEditableFilesIsRefusedAndNothingIsWritten() throws Exception {
        String evil = """
                Tweak everything
                params.txt
                <<<<<<< SEARCH
                x = 4.0
                =======
                x = 2.0
                >>>>>>> REPLACE
                evaluate.sh
                <<<<<<< SEARCH
                echo loss: 1
                =======
                echo loss: 0
                >>>>>>> REPLACE
                ../outside.txt
                <<<<<<< SEARCH
                =======
                pwned
                >>>>>>> REPLACE
                notes.md
                <<<<<<< SEARCH
                =======
                not editable
                >>>>>>> REPLACE
                """;
        script.add(ex -> stream(ex, evil, 10, 5));

        String reason = reason(propose(spec()));

        assertThat(reason).contains("evaluate.sh: block \"echo loss: 1\": not one of the editable files",
                "../outside.txt: block \"(new file)\": the path leaves the repository",
                "notes.md: block \"(new file)\": may not be created");
        assertThat(Files.exists(tmp.resolve("outside.txt"))).isFalse();
        assertThat(Files.exists(worktree.resolve("notes.md"))).isFalse();
        assertThat(file("evaluate.sh")).isEqualTo("echo loss: 1\n");
        assertThat(file("params.txt")).as("nothing is written unless every block applies").isEqualTo("x = 4.0\nwidth = 3\n");
        String followUp = body(server.requests().get(1)).path("messages").path(2).path("content").asText();
        assertThat(followUp).contains("evaluate.sh", "../outside.txt").doesNotContain("echo loss: 1\n```");
    }

    @Test
    void aNewEditableFileCanBeCreated() throws Exception {
        script.add(ex -> stream(ex, "Add a helper\nsrc/util.py\n<<<<<<< SEARCH\n=======\ndef g():\n    return 1\n>>>>>>> REPLACE\n", 1, 1));

        change(propose(spec()));

        assertThat(file("src/util.py")).isEqualTo("def g():\n    return 1\n");
    }

    @Test
    void anInterruptStopsTheRequest() throws Exception {
        script.add(ex -> {
            try {
                released.await(NEVER_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread caller = Thread.currentThread();
        // The interrupt comes once the request is in flight (the server has it), not after a guess.
        Thread interrupter = new Thread(() -> {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (server.requests().isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            } catch (InterruptedException ignored) {
                return;
            }
            caller.interrupt();
        });
        interrupter.start();
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> propose(spec(Optional.of(MODEL), 60, List.of()))).isInstanceOf(InterruptedException.class);
        assertThat((System.nanoTime() - t0) / 1e9).as("neither the server nor the 60 s are waited").isLessThan(WELL_BEFORE);
        assertThat(server.requests()).hasSize(1);
        interrupter.join();
    }

    @Test
    void checkAsksForAModelAndAKey() {
        AgentBackend b = backend(FAST);
        assertThat(b.check(spec(), Map.of(keyVariable(), KEY))).isEmpty();
        assertThat(b.check(spec(Optional.empty(), 10, List.of()), Map.of(keyVariable(), KEY)))
                .singleElement().extracting(AgentBackend.Unready::message).asString().contains("agent.model is required");
    }

    @Test
    void checkRefusesAMalformedBaseUrl() {
        assertThat(backend(FAST).check(withBaseUrl("ftp://example.com"), Map.of(keyVariable(), KEY)))
                .extracting(AgentBackend.Unready::message)
                .anyMatch(m -> m.contains("agent.base_url 'ftp://example.com' is not an http:// or https:// URL"));
    }
}

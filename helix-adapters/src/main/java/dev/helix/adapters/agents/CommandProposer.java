package dev.helix.adapters.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.Clock;
import dev.helix.core.port.Confinement;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import dev.helix.core.tune.MixSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code command} backend: any program in any language as a proposer. Helix runs
 * {@code sh -c <agent.command>} in the worktree with one JSON request on stdin; the program edits
 * files and prints one JSON reply on stdout, {@code {"description": ..., "hypothesis": ...,
 * "usage": {"tokens_in": .., "tokens_out": .., "cost_usd": .., "turns": .., "model": ..}}}. The last
 * stdout line that is a JSON object is the reply, so the program may chatter before it. A program
 * with nothing left to try exits with code 3 or replies {@code {"done": true, "reason": ...}}: the
 * session ends cleanly. A fix-up after a crash carries {@code attempt} (1, 2, ...) and {@code crash}
 * (exit code, timed out, log tail) in the request, and HELIX_ATTEMPT, HELIX_CRASH_EXIT_CODE,
 * HELIX_CRASH_TIMED_OUT in the environment; a new experiment has attempt 0.
 */
public final class CommandProposer implements Proposer {

    static final String BACKEND = "command";
    static final int HISTORY_ROWS = 20;
    static final int STDERR_LINES = 10;
    /** The exit code by which a command says it has nothing left to try: the session ends cleanly. */
    static final int DONE_EXIT = 3;
    private static final int STDOUT_CAP = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final Duration grace;
    private final Confinement confinement;

    public CommandProposer() {
        this(Confinement.NONE);
    }

    /** A proposer whose program runs in {@code confinement}. */
    public CommandProposer(Confinement confinement) {
        this(Clock.SYSTEM, Duration.ofSeconds(2), confinement);
    }

    /** @param grace between SIGTERM and SIGKILL when the agent runs out of time */
    public CommandProposer(Clock clock, Duration grace) {
        this(clock, grace, Confinement.NONE);
    }

    CommandProposer(Clock clock, Duration grace, Confinement confinement) {
        this.clock = Objects.requireNonNull(clock);
        this.grace = Objects.requireNonNull(grace);
        this.confinement = Objects.requireNonNull(confinement);
    }

    @Override
    public Proposal propose(Request request) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        long started = clock.nanos();
        Spec.AgentSpec agent = request.spec().agent();
        Optional<String> command = agent.command().map(String::strip).filter(c -> !c.isEmpty());
        if (command.isEmpty()) {
            return new Proposal.Failure("the command backend needs a program to run: set agent.command in "
                    + request.spec().source() + ", e.g. agent.command: ./my-agent", usage(started, null));
        }
        byte[] input;
        try {
            input = JSON.writeValueAsBytes(requestJson(request));
        } catch (IOException e) {
            return new Proposal.Failure("could not encode the request: " + e.getMessage(), usage(started, null));
        }

        Path worktree = request.worktree().toAbsolutePath().normalize();
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "HELIX_EXPERIMENT", Integer.toString(request.experiment()),
                "HELIX_TAG", Objects.toString(request.tag(), ""),
                "HELIX_WORKTREE", worktree.toString(),
                "HELIX_ATTEMPT", Integer.toString(request.fix())));
        request.crashed().ifPresent(c -> {
            c.exitCode().ifPresent(x -> env.put("HELIX_CRASH_EXIT_CODE", Integer.toString(x)));
            env.put("HELIX_CRASH_TIMED_OUT", Boolean.toString(c.timedOut()));
        });
        AgentProcess.Result run;
        try {
            List<String> argv = confinement.wrap(List.of("sh", "-c", command.get()), worktree, Confinement.Reach.NONE);
            run = AgentProcess.run(argv, worktree, env, input, Duration.ofSeconds(agent.timeoutSeconds()), grace, STDOUT_CAP);
        } catch (IOException e) {
            return new Proposal.Failure("could not start agent command '" + command.get() + "': " + e.getMessage(),
                    usage(started, null));
        }
        if (run.timedOut()) {
            return new Proposal.Failure("agent command timed out after " + agent.timeoutSeconds() + "s"
                    + lastLines("stderr", run.stderr()), usage(started, null));
        }
        int exit = run.exitCode();
        String stdout = run.stdout();
        Optional<ObjectNode> reply = lastJsonObject(stdout);
        AgentUsage usage = usage(started, reply.map(r -> r.get("usage")).orElse(null));
        if (exit == DONE_EXIT) {
            String why = reply.flatMap(r -> text(r.get("reason"))).or(() -> lastLine(run.stderr())).orElse("it has nothing left to try");
            return new Proposal.Exhausted("agent command is done (exit code 3): " + oneLine(why), usage);
        }
        if (exit != 0) {
            return new Proposal.Failure("agent command exited with code " + exit + lastLines("stderr", run.stderr()), usage);
        }
        if (reply.isPresent() && reply.get().path("done").asBoolean(false)) {
            return new Proposal.Exhausted("agent command is done: " + oneLine(text(reply.get().get("reason")).orElse("it said so")), usage);
        }
        if (reply.isEmpty()) {
            return new Proposal.Failure("agent command printed no JSON reply on stdout (expected a last line like "
                    + "{\"description\": \"...\"})" + lastLines("stdout", stdout) + lastLines("stderr", run.stderr()), usage);
        }
        JsonNode description = reply.get().get("description");
        if (description == null || !description.isTextual() || description.asText().isBlank()) {
            return new Proposal.Failure("agent reply has no description (a non-blank string): "
                    + abbreviate(reply.get().toString(), 300), usage);
        }
        JsonNode hypothesis = reply.get().get("hypothesis");
        Optional<String> hyp = hypothesis != null && hypothesis.isTextual() && !hypothesis.asText().isBlank()
                ? Optional.of(oneLine(hypothesis.asText())) : Optional.empty();
        return new Proposal.Change(oneLine(description.asText()), hyp, usage);
    }

    // ---- the request ---------------------------------------------------------------------------

    static ObjectNode requestJson(Request r) {
        Spec spec = r.spec();
        ObjectNode root = JSON.createObjectNode();
        root.put("experiment", r.experiment());
        root.put("tag", r.tag());
        ObjectNode s = root.putObject("spec");
        s.put("name", spec.name());
        s.put("description", spec.description());
        s.put("metric", spec.metrics().primary().name());
        s.put("direction", spec.metrics().primary().optimize().word());
        strings(s.putArray("editable"), spec.scope().editable());
        strings(s.putArray("readonly"), spec.scope().readonly());
        s.put("evaluate_command", spec.evaluate().command());
        s.put("timeout_seconds", spec.evaluate().timeoutSeconds());
        root.put("program", r.program());

        ObjectNode baseline = root.putObject("baseline");
        if (r.baseline() != null) {
            baseline.put("run", r.baseline().run());
            number(baseline, "primary", r.baseline().primary());
            baseline.put("commit", r.baseline().commit());
        }
        ObjectNode best = root.putObject("best");
        if (r.best() != null) {
            best.put("run", r.best().run());
            number(best, "primary", r.best().primary());
            best.put("commit", r.best().commit());
            best.put("description", r.best().description());
        }
        ArrayNode history = root.putArray("history");
        List<Experiment> rows = r.history();
        for (Experiment e : rows.subList(Math.max(0, rows.size() - HISTORY_ROWS), rows.size())) {
            ObjectNode row = history.addObject();
            row.put("run", e.run());
            row.put("status", e.status().word());
            number(row, "primary", e.primary());
            number(row, "delta", e.delta());
            row.put("description", e.description());
            row.put("reason", e.reason());
            e.agent().ifPresent(a -> row.put("proposer", a.backend()));
        }
        tuned(root, r);
        if (r.crashLogTail().isPresent()) root.put("crash_log_tail", r.crashLogTail().get());
        else root.putNull("crash_log_tail");
        root.put("attempt", r.fix());
        if (r.crashed().isPresent()) {
            Experiment c = r.crashed().get();
            ObjectNode crash = root.putObject("crash");
            if (c.exitCode().isPresent()) crash.put("exit_code", c.exitCode().get());
            else crash.putNull("exit_code");
            crash.put("timed_out", c.timedOut());
            crash.put("reason", c.reason());
            crash.put("log_tail", c.logTail().orElse(""));
            crash.put("commit", c.commit());
        } else {
            root.putNull("crash");
        }
        root.put("worker", r.worker());
        if (r.direction().isPresent()) root.put("direction", r.direction().get());
        else root.putNull("direction");
        if (!r.briefing().isBlank()) root.put("briefing", r.briefing());
        if (!spec.agent().instructions().isEmpty()) {
            ArrayNode instructions = root.putArray("instructions");
            spec.agent().instructions().forEach(instructions::add);
        }
        return root;
    }

    /** In a session mixing the agent with the tuner: the knobs' values at the best and the tuner's latest results. */
    private static void tuned(ObjectNode root, Request r) {
        if (r.spec().agent().mix().isEmpty() || r.best() == null) return;
        ObjectNode tuner = root.putObject("tuner");
        ObjectNode values = tuner.putObject("values");
        r.best().parameters().forEach(values::put);
        ArrayNode results = tuner.putArray("results");
        for (Experiment e : MixSchedule.tunerResults(r.experiment(), r.history(), HISTORY_ROWS)) {
            ObjectNode row = results.addObject();
            row.put("run", e.run());
            row.put("status", e.status().word());
            number(row, "primary", e.primary());
            ObjectNode set = row.putObject("values");
            e.parameters().forEach(set::put);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    /** A number, or null when absent or not finite (JSON has no NaN). */
    private static void number(ObjectNode node, String field, Optional<Double> value) {
        if (value.isPresent() && Double.isFinite(value.get())) node.put(field, value.get());
        else node.putNull(field);
    }

    // ---- the reply -----------------------------------------------------------------------------

    /** The last line of {@code stdout} that is a JSON object, else a trailing pretty-printed object. */
    static Optional<ObjectNode> lastJsonObject(String stdout) {
        String[] lines = stdout.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            Optional<ObjectNode> node = object(lines[i].strip());
            if (node.isPresent()) return node;
        }
        // a multi-line object at the very end, starting on a line of its own
        int tried = 0;
        for (int i = lines.length - 1; i >= 0 && tried < 50; i--) {
            if (!lines[i].startsWith("{")) continue;
            tried++;
            Optional<ObjectNode> node = object(String.join("\n", Arrays.asList(lines).subList(i, lines.length)).strip());
            if (node.isPresent()) return node;
        }
        return Optional.empty();
    }

    private static Optional<ObjectNode> object(String text) {
        if (!text.startsWith("{") || !text.endsWith("}")) return Optional.empty();
        try {
            JsonNode node = JSON.readTree(text);
            return node instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Usage as reported by the agent; fields of the wrong type are left out rather than failing the proposal. */
    private AgentUsage usage(long started, JsonNode reported) {
        double seconds = (clock.nanos() - started) / 1e9;
        if (reported == null || !reported.isObject()) return AgentUsage.of(BACKEND, seconds);
        return new AgentUsage(BACKEND,
                text(reported.get("model")),
                whole(reported.get("tokens_in")),
                whole(reported.get("tokens_out")),
                Optional.ofNullable(reported.get("cost_usd")).filter(JsonNode::isNumber).map(JsonNode::asDouble),
                whole(reported.get("turns")).map(Long::intValue),
                seconds);
    }

    private static Optional<Long> whole(JsonNode n) {
        boolean whole = n != null && n.isNumber() && n.canConvertToLong()
                && (n.isIntegralNumber() || n.asDouble() == Math.rint(n.asDouble()));
        return whole ? Optional.of(n.asLong()) : Optional.empty();
    }

    private static Optional<String> text(JsonNode n) {
        return n != null && n.isTextual() && !n.asText().isBlank() ? Optional.of(n.asText()) : Optional.empty();
    }

    // ---- the process ---------------------------------------------------------------------------

    private static String lastLines(String stream, String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.strip().split("\\R")));
        lines.removeIf(String::isBlank);
        if (lines.isEmpty()) return "; nothing on " + stream;
        List<String> tail = lines.subList(Math.max(0, lines.size() - STDERR_LINES), lines.size());
        return "; last " + stream + " lines:\n" + abbreviate(String.join("\n", tail), 2000);
    }

    private static Optional<String> lastLine(String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.strip().split("\\R")));
        lines.removeIf(String::isBlank);
        return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(lines.size() - 1));
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}

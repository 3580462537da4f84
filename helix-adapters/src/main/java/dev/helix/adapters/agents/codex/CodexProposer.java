package dev.helix.adapters.agents.codex;

import dev.helix.adapters.agents.AgentProcess;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.prompt.PromptBuilder;
import dev.helix.core.prompt.Reply;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One session of the codex backend. Per experiment it runs, in the worktree,
 * <pre>
 *   codex exec --json --ephemeral --skip-git-repo-check --sandbox workspace-write --cd WORKTREE
 *              [--model agent.model] [agent.extra_args...] -
 * </pre>
 * with the prompt on stdin and CODEX_HOME set to the session's own directory
 * ({@code .helix/runs/<tag>/codex-home}, holding the config of {@link CodexConfig}), reads the
 * JSON events it prints, and keeps the whole exchange, redacted, in {@code <run>.agent.log}.
 */
final class CodexProposer implements Proposer {
    private static final int STDOUT_CAP = 4 << 20;
    private static final int TAIL_LINES = 8;

    private final AgentBackend.Context context;
    private final Duration grace;

    CodexProposer(AgentBackend.Context context) {
        this(context, Duration.ofSeconds(3));
    }

    CodexProposer(AgentBackend.Context context, Duration grace) {
        this.context = context;
        this.grace = grace;
    }

    Path codexHome() {
        return context.logDir().resolve("codex-home");
    }

    @Override
    public Proposal propose(Request request) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        long started = System.nanoTime();
        Spec.AgentSpec agent = request.spec().agent();
        Optional<Path> codex = CodexBackend.executable(context.env());
        if (codex.isEmpty()) {
            return new Proposal.Failure("Codex CLI not found on PATH: " + CodexBackend.INSTALL, usage(agent, started, null));
        }
        Path home = codexHome();
        try {
            Files.createDirectories(home);
            // Rewritten each time: a session resumed after a Helix upgrade gets the current settings.
            Files.writeString(home.resolve("config.toml"), CodexConfig.toml(agent), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Proposal.Failure(context.redact().apply("could not write the codex config in " + home + ": "
                    + e.getMessage()), usage(agent, started, null));
        }
        Path worktree = request.worktree().toAbsolutePath().normalize();
        List<String> command = command(codex.get(), agent, worktree);
        Map<String, String> env = new HashMap<>(context.env());
        env.put("CODEX_HOME", home.toAbsolutePath().toString());
        env.put("OTEL_SDK_DISABLED", "true");
        env.put("NO_COLOR", "1");
        env.put("HELIX_EXPERIMENT", Integer.toString(request.experiment()));
        env.put("HELIX_TAG", String.valueOf(request.tag()));
        String prompt = PromptBuilder.build(request, PromptBuilder.Mode.EDIT_FILES, Map.of());

        AgentProcess.Result run;
        try {
            run = AgentProcess.run(command, worktree, env, prompt.getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(agent.timeoutSeconds()), grace, STDOUT_CAP);
        } catch (IOException e) {
            return new Proposal.Failure(context.redact().apply("could not start codex (" + codex.get() + "): "
                    + e.getMessage()), usage(agent, started, null));
        }
        transcript(request, command, prompt, run);
        CodexEvents events = CodexEvents.parse(run.stdout());
        AgentUsage usage = usage(agent, started, events);

        if (run.timedOut()) {
            return failure("codex did not finish within agent.timeout_seconds = " + agent.timeoutSeconds() + "s"
                    + events.errors().stream().reduce((a, b) -> b).map(e -> "; its last error: " + e).orElse(""), usage);
        }
        if (events.failure().isPresent()) {
            // codex words HTTP errors its own way (a 500 reads "experiencing high demand"): name the server
            return failure("codex failed: " + events.failure().get() + " (model provider " + CodexConfig.baseUrl(agent)
                    + ", exit code " + run.exitCode() + "; transcript " + request.experiment() + ".agent.log)", usage);
        }
        if (run.exitCode() != 0) {
            return failure("codex exited with code " + run.exitCode()
                    + events.errors().stream().reduce((a, b) -> b).map(e -> ": " + e).orElse("")
                    + tail("stderr", run.stderr()), usage);
        }
        if (events.finalMessage().isEmpty()) {
            return failure("codex ended without a final message" + (events.completed() ? "" : " (no turn.completed event)")
                    + tail("stdout", run.stdout()) + tail("stderr", run.stderr()), usage);
        }
        Reply reply = Reply.parse(events.finalMessage().get());
        if (reply.description().isBlank()) {
            return failure("codex's final message has no description line", usage);
        }
        return new Proposal.Change(context.redact().apply(reply.description()),
                reply.hypothesis().map(context.redact()), usage);
    }

    static List<String> command(Path codex, Spec.AgentSpec agent, Path worktree) {
        List<String> command = new ArrayList<>(List.of(codex.toString(), "exec", "--json", "--ephemeral",
                "--skip-git-repo-check", "--sandbox", "workspace-write", "--cd", worktree.toString()));
        agent.model().map(String::strip).filter(m -> !m.isEmpty()).ifPresent(m -> command.addAll(List.of("--model", m)));
        command.addAll(agent.extraArgs());
        command.add("-"); // the prompt: read from stdin
        return command;
    }

    private Proposal failure(String reason, AgentUsage usage) {
        return new Proposal.Failure(context.redact().apply(reason), usage);
    }

    private AgentUsage usage(Spec.AgentSpec agent, long started, CodexEvents events) {
        double seconds = (System.nanoTime() - started) / 1e9;
        Optional<String> model = agent.model().map(String::strip).filter(m -> !m.isEmpty());
        if (events == null) {
            return new AgentUsage(CodexBackend.NAME, model, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), seconds);
        }
        // Codex reports no cost: it is left empty rather than guessed from a price list.
        return new AgentUsage(CodexBackend.NAME, model, events.tokensIn(), events.tokensOut(), Optional.empty(),
                events.steps() > 0 ? Optional.of(events.steps()) : Optional.empty(), seconds);
    }

    /** Appends this run to {@code <run>.agent.log} (a fix-up attempt adds to the same file). */
    private void transcript(Request request, List<String> command, String prompt, AgentProcess.Result run) {
        String text = "=== codex, experiment " + request.experiment() + ", " + Instant.now() + "\n"
                + "$ " + String.join(" ", command) + "\n"
                + "--- prompt (stdin)\n" + prompt + (prompt.endsWith("\n") ? "" : "\n")
                + "--- stdout (exit " + (run.timedOut() ? "none: timed out" : run.exitCode()) + ")\n" + run.stdout()
                + (run.stdout().endsWith("\n") || run.stdout().isEmpty() ? "" : "\n")
                + "--- stderr\n" + run.stderr() + (run.stderr().endsWith("\n") || run.stderr().isEmpty() ? "" : "\n");
        try {
            Files.createDirectories(context.logDir());
            Files.writeString(context.logDir().resolve(request.experiment() + ".agent.log"), context.redact().apply(text),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the transcript is a convenience; the experiment goes on without it
        }
    }

    private static String tail(String stream, String text) {
        List<String> lines = new ArrayList<>(text.strip().lines().filter(l -> !l.isBlank()).toList());
        if (lines.isEmpty()) return "";
        String last = String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        return "; last " + stream + " lines:\n" + (last.length() > 2000 ? last.substring(last.length() - 2000) : last);
    }
}

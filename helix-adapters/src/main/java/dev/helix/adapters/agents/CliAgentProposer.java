package dev.helix.adapters.agents;

import dev.helix.adapters.agents.CliAgent.Attempt;
import dev.helix.adapters.agents.CliAgent.Reading;
import dev.helix.adapters.agents.CliAgent.Run;
import dev.helix.adapters.agents.CliAgent.Tally;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Clock;
import dev.helix.core.port.Confinement;
import dev.helix.core.port.Proposer;
import dev.helix.core.prompt.PromptBuilder;
import dev.helix.core.prompt.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One session of a coding-agent CLI: per experiment it builds Helix's prompt, prepares the agent's
 * files, runs the CLI in the worktree with the prompt on stdin under agent.timeout_seconds (killed
 * with everything it started on timeout or interruption), keeps the transcript in
 * {@code <logDir>/<experiment>.agent.log}, and turns the agent's final message into a change, or
 * says why there is none. What differs between agents comes from their {@link CliAgent}.
 */
public final class CliAgentProposer implements Proposer {
    private final CliAgent agent;
    private final AgentBackend.Context context;
    private final Clock clock;

    public CliAgentProposer(CliAgent agent, AgentBackend.Context context) {
        this(agent, context, Clock.SYSTEM);
    }

    CliAgentProposer(CliAgent agent, AgentBackend.Context context, Clock clock) {
        this.agent = Objects.requireNonNull(agent);
        this.context = Objects.requireNonNull(context);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public Proposal propose(Request request) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        long started = clock.nanos();
        CliAgent.Executable executable = agent.executable();
        Optional<Path> found = executable.find(context.env());
        String keyVariable = agent.key().variable(request.spec());
        Optional<String> key = Optional.ofNullable(context.env().get(keyVariable)).filter(k -> !k.isBlank());
        Secret secret = new Secret(key.filter(k -> agent.key().scrubbed()), keyVariable);
        if (found.isEmpty() && executable.missingAtRun().isPresent()) {
            return failure(executable.missingAtRun().get(), Tally.NONE, request, started, secret);
        }
        if (key.isEmpty() && agent.key().unsetAtRun().isPresent()) {
            return failure(agent.key().unsetAtRun().get().apply(keyVariable), Tally.NONE, request, started, secret);
        }
        Run run = new Run(request, context, request.worktree().toAbsolutePath().normalize(),
                found.orElse(Path.of(executable.command())), keyVariable, key, Optional.empty());
        String prompt = PromptBuilder.build(request, PromptBuilder.Mode.EDIT_FILES, Map.of());
        CliAgent.Launch launch = agent.launch();
        List<String> argv = launch.argv().apply(run);
        List<String> confined = argv;
        Map<String, String> environment = Map.of();

        AgentProcess.Result result = null;
        String failure = null;
        try {
            try {
                run = run.withHome(agent.setup().prepare().prepare(run));
                environment = launch.environment().apply(run);
                // the directory its setup prepared (under .helix/runs/<tag> for some agents) stays its to write,
                // and so does a temporary directory its launch gave it there (codex's beside its home)
                List<Path> writable = new java.util.ArrayList<>(run.home().stream().toList());
                String temporary = environment.get("TMPDIR");
                if (temporary != null && !temporary.equals(context.env().get("TMPDIR"))) writable.add(Path.of(temporary));
                confined = context.confinement().wrap(argv, run.worktree(), new Confinement.Reach(writable, List.of()));
            } catch (IOException e) {
                failure = agent.setup().failure().apply(run, e);
            }
            if (failure == null) {
                try {
                    result = AgentProcess.run(confined, run.worktree(), environment,
                            prompt.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(run.agent().timeoutSeconds()),
                            launch.grace(), launch.stdoutCap());
                } catch (IOException e) {
                    failure = launch.unstarted().apply(run.executable(), e);
                }
            }
        } finally {
            transcript(new Attempt(run, argv, prompt, Optional.ofNullable(result), Optional.ofNullable(failure)), secret);
            if (agent.setup().temporary()) run.home().ifPresent(CliAgent.Setup::remove);
        }
        if (failure != null) return failure(failure, Tally.NONE, request, started, secret);

        Reading reading = agent.output().read().read(result, run);
        return switch (reading) {
            case Reading.Failed f -> failure(f.reason(), f.tally(), request, started, secret);
            case Reading.Answer a -> {
                Reply reply = Reply.parse(a.text());
                if (reply.description().isBlank()) {
                    yield failure(agent.output().undescribed().apply(a.text()), a.tally(), request, started, secret);
                }
                yield new Proposal.Change(context.redact().apply(reply.description()),
                        reply.hypothesis().map(context.redact()), usage(a.tally(), request, started));
            }
        };
    }

    private Proposal failure(String reason, Tally tally, Request request, long started, Secret secret) {
        String safe = secret.redact(context, reason);
        return new Proposal.Failure(safe, usage(tally, request, started), Optional.empty(), fault(safe, request.spec().agent().backend()));
    }

    private static final java.util.regex.Pattern STATUS = java.util.regex.Pattern.compile(
            "(?i)(?:API status|HTTP|status code|status)[ :=]*([1-5]\\d\\d)\\b");

    /**
     * The kind of a CLI agent's failure where its message names the API's HTTP status (Claude Code's
     * "API status 401", an "HTTP 503" in a CLI's error): what the session's breaker stops or waits on.
     */
    static Optional<Proposer.Fault> fault(String reason, String backend) {
        java.util.regex.Matcher m = STATUS.matcher(reason);
        if (!m.find()) return Optional.empty();
        int status = Integer.parseInt(m.group(1));
        String cli = "the " + backend + " CLI's API";
        return switch (status) {
            case 401, 403 -> Optional.of(new Proposer.Fault(Proposer.Fault.Kind.AUTH, cli + " refused the key or login (HTTP " + status + ")",
                    "log the " + backend + " CLI in again or check its key variable (helix doctor)"));
            case 402 -> Optional.of(new Proposer.Fault(Proposer.Fault.Kind.QUOTA, cli + " says the quota or credit is used up (HTTP 402)",
                    "add credit or raise the quota"));
            case 404 -> Optional.of(new Proposer.Fault(Proposer.Fault.Kind.NOT_FOUND, cli + " does not know the model (HTTP 404)",
                    "check agent.model"));
            default -> status >= 500 || status == 429
                    ? Optional.of(new Proposer.Fault(Proposer.Fault.Kind.SERVER, cli + " keeps failing (HTTP " + status + ")",
                            "wait for the provider"))
                    : Optional.empty();
        };
    }

    /** The agent's usage: agent.model, else the model it reported using. */
    private AgentUsage usage(Tally tally, Request request, long started) {
        Optional<String> model = request.spec().agent().model().map(String::strip).filter(m -> !m.isEmpty())
                .or(tally::model);
        return new AgentUsage(agent.name(), model, tally.tokensIn(), tally.tokensOut(), tally.costUsd(), tally.turns(),
                (clock.nanos() - started) / 1e9);
    }

    private void transcript(Attempt attempt, Secret secret) {
        Optional<String> text = agent.transcript().text().apply(attempt);
        if (text.isEmpty()) return;
        try {
            Files.createDirectories(context.logDir());
            Path log = context.logDir().resolve(attempt.run().request().experiment() + ".agent.log");
            String redacted = secret.redact(context, text.get());
            if (agent.transcript().appends()) {
                Files.writeString(log, redacted, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } else {
                Files.writeString(log, redacted, StandardCharsets.UTF_8);
            }
        } catch (IOException ignored) {
            // the transcript is a convenience: the proposal stands without it
        }
    }

    /**
     * The key of this run, removed from what Helix keeps even when the context's redaction does not
     * know its variable.
     */
    private record Secret(Optional<String> key, String variable) {
        String redact(AgentBackend.Context context, String text) {
            String result = context.redact().apply(text);
            return key.map(k -> result.replace(k.strip(), "[REDACTED:" + variable + "]")).orElse(result);
        }
    }
}

package dev.helix.cli;

import dev.helix.app.run.RunSession;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix run}: the experiment loop, in its own worktree on branch helix/&lt;tag&gt;. */
@Command(name = "run", mixinStandardHelpOptions = true, description = {
    "Run the experiment loop on branch helix/<tag>.",
    "%nBaseline, then propose, scope guard, commit, evaluate, judge, keep or revert, record; in a worktree under .helix/worktrees, "
        + "never in your working copy. Ctrl-C stops it (the running evaluation is killed and recorded as interrupted); --resume continues "
        + "after a stop or a crash. With --workers W, W experiments run at once, each in its own worktree, and a keep still has to beat the best at the moment it ends."})
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--tag", paramLabel = "TAG", description = "Session name; default today's date like nov23 (then nov23-2, ...).")
    String tag;

    @Option(names = "--backend", paramLabel = "B", description = "Proposer: tune, command, claude, codex, gemini, opencode, openai, anthropic (default: helix.yaml's agent.backend).")
    String backend;

    @Option(names = "--agent-command", paramLabel = "CMD", description = "For --backend command: the program that edits the files (JSON in, JSON out), instead of agent.command.")
    String agentCommand;

    @Option(names = "--tune", paramLabel = "[FILE:]NAME=RANGE", description = "Tune this value with the built-in tuner (no agent needed), e.g. LR=1e-4..1e-2:log, BATCH=16..128, ACT=relu|gelu; repeatable. FILE: the one editable file unless given.")
    java.util.List<String> tune;

    @Option(names = "--max-experiments", paramLabel = "N", description = "Stop after N experiments (not counting the baseline).")
    Integer maxExperiments;

    @Option(names = "--max-time", paramLabel = "DURATION", description = "A deadline: 8h, 45m, 90s, 1h30m, 2d. What runs when it passes is cut and recorded interrupted; the session ends within seconds of it.")
    String maxTime;

    @Option(names = "--max-cost", paramLabel = "USD", description = "Stop once the spend reaches this many US dollars: as the backend reports it, else its tokens priced (agent.price or the built-in table).")
    Double maxCost;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Stop once the agent's reported tokens (in and out) reach N: a cap every model backend honours.")
    Long maxTokens;

    @Option(names = "--executor", paramLabel = "E", description = "Where evaluations run: local or slurm (default: helix.yaml's run.executor).")
    String executor;

    @Option(names = "--resume", description = "Continue a session (the last one, or --tag) after a stop or crash; its limits are kept unless given again.")
    boolean resume;

    @Option(names = "--workers", paramLabel = "W", description = "Run W experiments at once, each in its own worktree (default: helix.yaml's run.workers, else 1); run.isolation keeps their evaluations out of each other's timings (exclusive: one at a time; cpus: CPUs of their own).")
    Integer workers;

    @Option(names = "--directions", paramLabel = "D", split = ",", description = "One direction per worker, comma-separated: a section title of program.md or a line of text (run.directions).")
    java.util.List<String> directions;

    @Override
    public Integer call() {
        RunSession.Options options = new RunSession.Options(Optional.ofNullable(tag), Optional.ofNullable(backend),
                maxExperiments == null ? OptionalInt.empty() : OptionalInt.of(maxExperiments),
                Optional.ofNullable(maxTime).map(t -> Durations.parse(t, "--max-time")), Optional.ofNullable(maxCost), resume,
                workers == null ? OptionalInt.empty() : OptionalInt.of(workers), Optional.ofNullable(directions),
                Optional.ofNullable(executor), Optional.ofNullable(agentCommand),
                maxTokens == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(maxTokens), tune);
        RunSession runner = new RunSession();
        return execute(main.output(), runner, runner.prepare(main.workingDirectory(), options));
    }

    /** Runs a prepared session with Ctrl-C handling and renders how it ended; returns the exit code. */
    static int execute(Output output, RunSession runner, RunSession.Prepared prepared) {
        RunSession.Finished finished;
        try (StopSignals signals = new StopSignals()) {
            finished = runner.run(prepared, new ConsoleRenderer(output.progress()), signals::attach);
        }
        return SessionReport.render(output, finished);
    }
}

package dev.helix.cli;

import dev.helix.app.AppException;
import dev.helix.core.port.Vcs;
import dev.helix.core.spec.Problem;
import dev.helix.core.spec.SpecException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The {@code helix} command line: parses, dispatches to a thin command, maps failures to exit codes. */
@Command(name = "helix", mixinStandardHelpOptions = true, version = "helix 0.1.0",
        description = {
            "Runs autonomous experiment loops on any codebase: a proposer changes the editable files, Helix "
                + "evaluates the change under a time budget, keeps it if the metric improved, reverts it otherwise, "
                + "and records every experiment in its ledger.",
            "",
            "Start with: helix init, edit helix.yaml and program.md, commit, then helix run. Try it offline first: helix demo."},
        footer = {"", "Exit codes: 0 success, 1 runtime failure (a retry may help), 2 usage or configuration error, "
            + "130 interrupted. Output is text on a terminal and one JSON envelope otherwise (or with --json).", ""},
        subcommands = {
            InitCommand.class, RunCommand.class, StatusCommand.class, LogCommand.class, BestCommand.class,
            DemoCommand.class, TryCommand.class, RecordCommand.class, VerifyCommand.class, ForkCommand.class,
            MergeCommand.class, MergeBestCommand.class, ReportCommand.class, ExportCommand.class, ShowCommand.class, DiffCommand.class,
            InstallCommand.class, GuideCommand.class, AgentInfoCommand.class, DoctorCommand.class, WatchCommand.class,
            ReviewCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT,
            description = "Answer with one JSON envelope (the default when stdout is not a terminal).")
    boolean json;

    @Option(names = "--text", scope = CommandLine.ScopeType.INHERIT,
            description = "Answer with text for people even when stdout is not a terminal.")
    boolean text;

    @Option(names = "-C", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "Run as if started in DIR.")
    Path directory;

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean terminal;
    private final Path cwd;

    Main(PrintWriter out, PrintWriter err, boolean terminal, Path cwd) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.cwd = cwd;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = run(args, out, err, System.console() != null, Path.of("").toAbsolutePath());
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs a command in-process, as a non-terminal caller (JSON unless --text), from the current directory. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, false, Path.of("").toAbsolutePath());
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err, boolean terminal, Path cwd) {
        Main main = new Main(out, err, terminal, cwd);
        CommandLine cli = new CommandLine(main);
        cli.setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> main.fail(ex));
        cli.setParameterExceptionHandler((ex, args1) -> {
            err.println("error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("  fix: see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            err.flush();
            return ExitCodes.USAGE;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        new CommandLine(this).setOut(out).usage(out);
        return ExitCodes.OK;
    }

    /** The output chosen by the global options and whether stdout is a terminal. */
    Output output() {
        return new Output(out, err, json || (!terminal && !text));
    }

    /** The directory the command works in. */
    Path workingDirectory() {
        return directory == null ? cwd : cwd.resolve(directory).normalize();
    }

    boolean terminal() {
        return terminal;
    }

    private int fail(Exception ex) {
        Output output = output();
        return switch (ex) {
            case AppException e -> {
                output.error(e.code(), e.getMessage(), e.suggestion());
                yield switch (e.kind()) {
                    case USAGE -> ExitCodes.USAGE;
                    case RUNTIME -> ExitCodes.FAILURE;
                };
            }
            case SpecException e -> {
                String where = e.problems().isEmpty() ? "" : e.problems().get(0).source();
                String message = e.problems().size() == 1
                        ? e.problems().get(0).render()
                        : e.problems().size() + " problems in " + where + ":\n" + e.problems().stream()
                                .map(p -> "  " + p.render().replace("\n", "\n  ")).collect(Collectors.joining("\n"));
                String suggestion = e.problems().stream().map(Problem::suggestion)
                        .filter(s -> s != null && !s.isBlank()).findFirst().orElse("fix the fields named above");
                output.error("invalid_spec", message, suggestion);
                yield ExitCodes.USAGE;
            }
            case Vcs.VcsException e -> {
                output.error("git_failed", e.getMessage(), "check the repository with 'git status'");
                yield ExitCodes.FAILURE;
            }
            default -> {
                output.error("internal", ex.toString(), "this is a bug in Helix; please report it with the command you ran");
                ex.printStackTrace(err);
                yield ExitCodes.FAILURE;
            }
        };
    }
}

package dev.helix.cli;

import dev.helix.app.AppException;
import dev.helix.core.port.Vcs;
import dev.helix.core.spec.Problem;
import dev.helix.core.spec.SpecException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
            "Start with: helix init, edit helix.yaml and program.md, commit, then helix run. Try it offline first: helix demo. "
                + "Watch a session live: helix watch in the terminal, helix ui in a browser."},
        footer = {"", "Exit codes: 0 success, 1 runtime failure (a retry may help), 2 usage or configuration error, "
            + "130 interrupted. Output is text on a terminal and one JSON envelope otherwise (or with --json).", ""})
public final class Main implements Callable<Integer> {

    /**
     * The subcommands, by the name each declares, in the order the help lists them. Picocli reads a command's annotations
     * when it is added, so a call of one command adds that one only: an agent's {@code helix status}
     * does not pay for reading the other twenty.
     */
    private static final Map<String, Class<?>> SUBCOMMANDS = inOrder(
            Map.entry("init", InitCommand.class),
            Map.entry("run", RunCommand.class),
            Map.entry("status", StatusCommand.class),
            Map.entry("log", LogCommand.class),
            Map.entry("best", BestCommand.class),
            Map.entry("demo", DemoCommand.class),
            Map.entry("try", TryCommand.class),
            Map.entry("record", RecordCommand.class),
            Map.entry("verify", VerifyCommand.class),
            Map.entry("fork", ForkCommand.class),
            Map.entry("merge", MergeCommand.class),
            Map.entry("merge-best", MergeBestCommand.class),
            Map.entry("report", ReportCommand.class),
            Map.entry("export", ExportCommand.class),
            Map.entry("show", ShowCommand.class),
            Map.entry("diff", DiffCommand.class),
            Map.entry("install", InstallCommand.class),
            Map.entry("guide", GuideCommand.class),
            Map.entry("agent-info", AgentInfoCommand.class),
            Map.entry("doctor", DoctorCommand.class),
            Map.entry("watch", WatchCommand.class),
            Map.entry("ui", UiCommand.class),
            Map.entry("review", ReviewCommand.class),
            Map.entry("help", CommandLine.HelpCommand.class));

    /** Commands that look at the others (help, agent-info) need all of them. */
    private static final Set<String> NEED_ALL = Set.of("help", "agent-info");

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
        CommandLine cli = withSubcommands(new CommandLine(main), commandName(args));
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
        withSubcommands(new CommandLine(this), Optional.empty()).setOut(out).usage(out);
        return ExitCodes.OK;
    }

    /** Adds the subcommand {@code name} alone when it is one that needs no other, else all of them. */
    private static CommandLine withSubcommands(CommandLine cli, Optional<String> name) {
        Optional<Class<?>> one = name.filter(n -> !NEED_ALL.contains(n)).map(SUBCOMMANDS::get);
        if (one.isPresent()) {
            cli.addSubcommand(name.get(), one.get());
        } else {
            SUBCOMMANDS.forEach(cli::addSubcommand);
        }
        return cli;
    }

    /** The first word that is not an option, as picocli finds it ({@code -C} takes a value); empty after {@code --}. */
    static Optional<String> commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) return Optional.empty();
            if (arg.equals("-C")) {
                i++;
            } else if (!arg.startsWith("-")) {
                return Optional.of(arg);
            }
        }
        return Optional.empty();
    }

    @SafeVarargs
    private static Map<String, Class<?>> inOrder(Map.Entry<String, Class<?>>... entries) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (Map.Entry<String, Class<?>> e : entries) byName.put(e.getKey(), e.getValue());
        return byName;
    }

    /** The output chosen by the global options and whether stdout is a terminal. */
    Output output() {
        return new Output(out, err, json || (!terminal && !text));
    }

    /** For an answer that is itself data for another program (a patch to pipe): text unless --json asks for the envelope. */
    Output dataOutput() {
        return new Output(out, err, json);
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

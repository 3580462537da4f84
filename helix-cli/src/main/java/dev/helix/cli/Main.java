package dev.helix.cli;

import dev.helix.app.AppException;
import dev.helix.core.port.Vcs;
import dev.helix.core.spec.Problem;
import dev.helix.core.spec.SpecException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The {@code helix} command line: parses, dispatches to a thin command, maps failures to exit codes. */
@Command(name = "helix", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {
            "Runs autonomous experiment loops on any codebase: a proposer changes the editable files, Helix "
                + "evaluates the change under a time budget, keeps it if the metric improved, reverts it otherwise, "
                + "and records every experiment in its ledger.",
            "",
            "Start with: helix init, edit helix.yaml and program.md, commit, then helix run. Try it offline first: helix demo. "
                + "Watch a session live: helix watch in the terminal, helix ui in a browser."},
        footer = {"", "Exit codes: 0 success, 1 runtime failure (a retry may help), 2 usage or configuration error, "
            + "130 interrupted. Stdout carries the answer: text on a terminal, one JSON envelope otherwise (or with --json); "
            + "export, report, diff, guide and review write their document either way. Progress, warnings and errors go to stderr.", "",
            "Read-only commands called from a program (stdout not a terminal) are answered by a resident Helix the launcher "
                + "starts: helix daemon status says where it is, since when and its memory; helix daemon stop ends it; "
                + "HELIX_NO_DAEMON=1 or --no-daemon runs a call cold.", ""})
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
            Map.entry("finalize", FinalizeCommand.class),
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
            Map.entry("completion", CompletionCommand.class),
            Map.entry("help", CommandLine.HelpCommand.class));

    /**
     * Commands whose answer is a document (a CSV, a report, a patch, a prompt): it goes to stdout as it
     * is, piped or not, and in a JSON envelope only with an explicit --json.
     */
    static final Set<String> DOCUMENTS = Set.of("export", "report", "diff", "guide", "review", "completion");

    /** The subcommands' names, in the order the help lists them. */
    static final Set<String> SUBCOMMAND_NAMES = SUBCOMMANDS.keySet();

    /** Commands that look at the others (help, agent-info) need all of them. */
    private static final Set<String> NEED_ALL = Set.of("help", "agent-info", "completion");

    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT,
            description = "Answer with one JSON envelope (the default when stdout is not a terminal).")
    boolean json;

    @Option(names = "--text", scope = CommandLine.ScopeType.INHERIT,
            description = "Answer with text for people even when stdout is not a terminal.")
    boolean text;

    @Option(names = "-C", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "Run as if started in DIR.")
    Path directory;

    // not final: a resident Helix binds the Main of a command tree it keeps to each call (ReusedCommands)
    private PrintWriter out;
    private PrintWriter err;
    private boolean terminal;
    private Path cwd;
    private Optional<String> command;
    private Map<String, String> env = Map.of();

    Main(PrintWriter out, PrintWriter err, boolean terminal, Path cwd, Optional<String> command) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.cwd = cwd;
        this.command = command;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        boolean terminal = Terminals.attached(System.console());
        CommandLine.Help.Ansi ansi = Terminals.colour(terminal, System.getenv()) ? CommandLine.Help.Ansi.AUTO : CommandLine.Help.Ansi.OFF;
        int code = run(args, out, err, terminal, Path.of("").toAbsolutePath(), ansi);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs a command in-process, as a non-terminal caller (JSON unless --text), from the current directory. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, false, Path.of("").toAbsolutePath());
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err, boolean terminal, Path cwd) {
        return run(args, out, err, terminal, cwd, CommandLine.Help.Ansi.OFF);
    }

    static int run(String[] args, PrintWriter out, PrintWriter err, boolean terminal, Path cwd, CommandLine.Help.Ansi ansi) {
        return run(args, out, err, terminal, cwd, ansi, System.getenv());
    }

    /** As above, in the environment {@code env} (where a terminal's COLUMNS is read). */
    static int run(String[] args, PrintWriter out, PrintWriter err, boolean terminal, Path cwd, CommandLine.Help.Ansi ansi,
            Map<String, String> env) {
        Optional<String> name = commandName(args);
        Main main = new Main(out, err, terminal, cwd, name);
        main.env = env;
        return main.execute(Terminals.shape(withSubcommands(new CommandLine(main), name), ansi), args);
    }

    /** A command tree for calls of {@code name}'s command, bound to a Main that {@link #bind} points at each call. */
    static CommandLine reusableTree(Optional<String> name) {
        Main main = new Main(new PrintWriter(java.io.Writer.nullWriter()), new PrintWriter(java.io.Writer.nullWriter()), false,
                Path.of(""), name);
        return Terminals.shape(withSubcommands(new CommandLine(main), name), CommandLine.Help.Ansi.OFF);
    }

    /** Which tree {@link #reusableTree(Optional)} builds for the command {@code name}: its own, or the one of all commands ("*"). */
    static String treeKey(Optional<String> name) {
        return name.filter(n -> !NEED_ALL.contains(n) && (SUBCOMMANDS.containsKey(n) || n.equals(TagsCommand.NAME))).orElse("*");
    }

    /** Points this Main at one call: where it writes, whether stdout is a terminal, where it was started, its command. */
    void bind(PrintWriter out, PrintWriter err, boolean terminal, Path cwd, Optional<String> command, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.cwd = cwd;
        this.command = command;
        this.env = env;
    }

    /** Parses {@code args} on {@code cli} (whose user object is this Main), runs the command and maps failures to exit codes. */
    int execute(CommandLine cli, String[] args) {
        cli.setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> fail(ex));
        cli.setParameterExceptionHandler((ex, args1) -> {
            // The options were not all read: the output mode comes from the words themselves.
            List<String> words = Arrays.asList(args);
            Output output = output(words.contains("--json"), words.contains("--text"));
            java.io.StringWriter suggestions = new java.io.StringWriter();
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, new PrintWriter(suggestions));
            String message = ex.getMessage() + (suggestions.toString().isBlank() ? "" : "\n" + suggestions.toString().stripTrailing());
            output.error("bad_usage", message, "see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
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

    /** Every command, as the help shows them: the model completion scripts and man pages are made from. */
    static CommandLine tree() {
        Main main = new Main(new PrintWriter(java.io.Writer.nullWriter()), new PrintWriter(java.io.Writer.nullWriter()), false,
                Path.of(""), Optional.empty());
        return Terminals.shape(withSubcommands(new CommandLine(main), Optional.empty()), CommandLine.Help.Ansi.OFF);
    }

    /** Adds the subcommand {@code name} alone when it is one that needs no other, else all of them. */
    private static CommandLine withSubcommands(CommandLine cli, Optional<String> name) {
        // __tags is for completion scripts only: added when called, so no help, page or script lists it.
        Optional<Class<?>> one = name.filter(n -> !NEED_ALL.contains(n))
                .map(n -> n.equals(TagsCommand.NAME) ? TagsCommand.class : SUBCOMMANDS.get(n));
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

    /** The output chosen by the global options, the command and whether stdout is a terminal. */
    Output output() {
        return output(json, text);
    }

    /** For an answer that is itself data for another program (a patch to pipe): text unless --json asks for the envelope. */
    Output dataOutput() {
        return new Output(out, err, json);
    }

    /** JSON with --json; else when stdout is not a terminal, unless --text or the command writes a document. */
    private Output output(boolean json, boolean text) {
        boolean document = command.filter(DOCUMENTS::contains).isPresent();
        return new Output(out, err, json || (!terminal && !text && !document));
    }

    /** The directory the command works in: -C DIR, which must exist, else where Helix was started. */
    Path workingDirectory() {
        if (directory == null) return cwd;
        Path dir = cwd.resolve(directory).normalize();
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw AppException.usage("no_directory", "-C " + directory + ": "
                    + (java.nio.file.Files.exists(dir) ? "is not a directory" : "the directory does not exist") + " (" + dir + ")",
                    "give -C a directory that exists, e.g. -C path/to/repo");
        }
        return dir;
    }

    boolean terminal() {
        return terminal;
    }

    /** The columns text for people must fit: the terminal's width in text mode on a terminal, else none (0). */
    int columns(CommandLine.Model.CommandSpec spec) {
        return terminal && !output().json() ? Terminals.width(env, spec) : 0;
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

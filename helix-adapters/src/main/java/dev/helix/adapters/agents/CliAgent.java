package dev.helix.adapters.agents;

import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.AgentBackend.Unready;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * One coding-agent CLI as Helix runs it: where its executable is, which variable holds its key, the
 * files a run needs, the command line and environment of a run, how its output reads, and what its
 * transcript keeps. {@link CliAgentBackend} and {@link CliAgentProposer} do the rest, the same for
 * every agent.
 *
 * @param name the backend's name (agent.backend)
 * @param checks readiness problems of the spec beyond the executable and the key
 */
public record CliAgent(String name, Executable executable, KeyVariable key, Function<Spec, List<Unready>> checks,
                       Setup setup, Launch launch, Output output, Transcript transcript) {

    /** The same agent, stopped with {@code grace} between SIGTERM and SIGKILL. */
    public CliAgent withGrace(Duration grace) {
        Launch l = launch;
        return new CliAgent(name, executable, key, checks, setup,
                new Launch(l.argv(), l.environment(), l.unstarted(), l.stdoutCap(), grace), output, transcript);
    }

    /**
     * Where the CLI is.
     *
     * @param command the executable's name
     * @param install the command that installs it
     * @param notFound the readiness message when it is missing, given Helix's environment
     * @param missingAtRun the failure when it is missing at a run; empty: the bare command is run, and a failure to start reported
     * @param pathVariable a variable naming the executable's path, which then is the only place looked at
     * @param homeDirs directories below HOME looked in after npm's places (an installer's own)
     */
    public record Executable(String command, String install, Function<Map<String, String>, String> notFound,
                             Optional<String> missingAtRun, Optional<String> pathVariable, List<List<String>> homeDirs) {

        /**
         * The executable: at {@code pathVariable} when that is set; else on the PATH of {@code env},
         * where npm's global installs go (the npm prefix, ~/.npm-global/bin, ~/.local/bin,
         * /usr/local/bin), or in {@code homeDirs}.
         */
        public Optional<Path> find(Map<String, String> env) {
            Optional<String> explicit = pathVariable.map(env::get).filter(p -> !p.isBlank());
            if (explicit.isPresent()) {
                Path p = Path.of(explicit.get());
                return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
            }
            Set<Path> dirs = new LinkedHashSet<>();
            for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (dir.isBlank()) continue;
                try {
                    dirs.add(Path.of(dir));
                } catch (InvalidPathException ignored) {
                    // a PATH entry that is no path
                }
            }
            for (String prefixVar : List.of("NPM_CONFIG_PREFIX", "npm_config_prefix")) {
                String prefix = env.get(prefixVar);
                if (prefix != null && !prefix.isBlank()) dirs.add(Path.of(prefix, "bin"));
            }
            String home = env.get("HOME");
            boolean hasHome = home != null && !home.isBlank();
            if (hasHome) {
                dirs.add(Path.of(home, ".npm-global", "bin"));
                dirs.add(Path.of(home, ".local", "bin"));
            }
            dirs.add(Path.of("/usr/local/bin"));
            if (hasHome) for (List<String> dir : homeDirs) dirs.add(Path.of(home, dir.toArray(String[]::new)));
            for (Path dir : dirs) {
                Path candidate = dir.resolve(command);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate.toAbsolutePath());
            }
            return Optional.empty();
        }
    }

    /**
     * The variable holding the API key: agent.api_key_env, else {@code fallback}.
     *
     * @param unset the readiness problem when the variable (the second argument) is unset
     * @param unsetAtRun the failure when it is unset at a run; empty: the CLI reads the variable itself
     * @param scrubbed whether its value is removed from reasons and transcripts even where the
     *     context's redaction does not know it (however short it is)
     */
    public record KeyVariable(String fallback, BiFunction<Spec, String, Unready> unset,
                              Optional<UnaryOperator<String>> unsetAtRun, boolean scrubbed) {

        public String variable(Spec spec) {
            return spec.agent().apiKeyEnv().map(String::strip).filter(n -> !n.isEmpty()).orElse(fallback);
        }

        /** Whether the variable holds a non-blank value in {@code env}. */
        public boolean isSet(Spec spec, Map<String, String> env) {
            String value = env.get(variable(spec));
            return value != null && !value.isBlank();
        }
    }

    /**
     * What a run needs on disk before it starts: a directory (a private HOME, a config's).
     *
     * @param failure the reason given when preparing fails
     * @param temporary whether the directory is removed after the run
     */
    public record Setup(Preparation prepare, BiFunction<Run, IOException, String> failure, boolean temporary) {
        /** Nothing to prepare. */
        public static final Setup NONE = new Setup(run -> Optional.empty(), (run, e) -> e.getMessage(), false);

        /** Removes a directory and everything in it, as far as it can. */
        public static void remove(Path dir) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // best effort: a temporary directory
                    }
                });
            } catch (IOException | UncheckedIOException ignored) {
                // already gone
            }
        }
    }

    /** Prepares a run's files. */
    @FunctionalInterface
    public interface Preparation {
        /** The run's directory, or empty when there is none. */
        Optional<Path> prepare(Run run) throws IOException;
    }

    /**
     * How a run starts and stops.
     *
     * @param unstarted the reason given when the executable (the first argument) cannot be started
     * @param stdoutCap how many of the last bytes of stdout are kept
     * @param grace how long the CLI may take to end after SIGTERM before it is killed
     */
    public record Launch(Function<Run, List<String>> argv, Function<Run, Map<String, String>> environment,
                         BiFunction<Path, IOException, String> unstarted, int stdoutCap, Duration grace) {}

    /**
     * How a finished run's output reads: as the agent's answer or as a failure.
     *
     * @param undescribed the failure when the answer (the argument) has no description line
     */
    public record Output(Reader read, UnaryOperator<String> undescribed) {}

    /** Reads what the CLI printed. */
    @FunctionalInterface
    public interface Reader {
        Reading read(AgentProcess.Result result, Run run);
    }

    /** What a run's output says: the agent's final message or why there is none. */
    public sealed interface Reading {
        Tally tally();

        record Answer(String text, Tally tally) implements Reading {}

        record Failed(String reason, Tally tally) implements Reading {}
    }

    /** What the agent reported spending; the model is the one it used when agent.model names none. */
    public record Tally(Optional<String> model, Optional<Long> tokensIn, Optional<Long> tokensOut,
                        Optional<Double> costUsd, Optional<Integer> turns) {
        public static final Tally NONE = new Tally(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /**
     * What {@code <experiment>.agent.log} keeps of a run.
     *
     * @param text the transcript of an attempt; empty: nothing is written
     * @param appends whether a run adds to the file (a fix-up attempt after the first) or replaces it
     */
    public record Transcript(Function<Attempt, Optional<String>> text, boolean appends) {}

    /**
     * One attempt to run the CLI, for its transcript.
     *
     * @param result the finished process; empty when it did not start or was interrupted
     * @param failure why it did not start
     */
    public record Attempt(Run run, List<String> argv, String prompt, Optional<AgentProcess.Result> result,
                          Optional<String> failure) {}

    /**
     * One run of the CLI: what its command line, environment and files are made from.
     *
     * @param worktree the worktree, absolute
     * @param key the key's value, when set
     * @param home the directory its setup prepared
     */
    public record Run(Proposer.Request request, AgentBackend.Context context, Path worktree, Path executable,
                      String keyVariable, Optional<String> key, Optional<Path> home) {

        public Spec.AgentSpec agent() {
            return request.spec().agent();
        }

        Run withHome(Optional<Path> dir) {
            return new Run(request, context, worktree, executable, keyVariable, key, dir);
        }
    }
}

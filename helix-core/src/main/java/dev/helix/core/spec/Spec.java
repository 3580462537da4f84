package dev.helix.core.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated helix.yaml: what to optimize, how to measure it, which files may change.
 * Immutable; built by {@link SpecReader}, never half-valid.
 *
 * @param source where it was read from (a file name, for messages), e.g. "helix.yaml"
 */
public record Spec(
        String name,
        String version,
        String domain,
        String description,
        Optional<String> author,
        Scope scope,
        Metrics metrics,
        Evaluate evaluate,
        JudgeSpec judge,
        AgentSpec agent,
        SearchSpec search,
        RunSpec run,
        Map<String, String> requirements,
        String source) {

    public Spec {
        requirements = Map.copyOf(requirements);
    }

    /** This spec with another run section (command-line overrides of helix.yaml). */
    public Spec withRun(RunSpec r) {
        return new Spec(name, version, domain, description, author, scope, metrics, evaluate, judge, agent, search, r,
                requirements, source);
    }

    /** This spec with another agent section (command-line overrides of helix.yaml). */
    public Spec withAgent(AgentSpec a) {
        return new Spec(name, version, domain, description, author, scope, metrics, evaluate, judge, a, search, run,
                requirements, source);
    }

    /** Globs relative to the repository root, and what to do with the ignored files a proposer leaves in Helix's worktree. */
    public record Scope(List<String> editable, List<String> readonly, StrayFiles strayFiles) {
        public Scope {
            editable = List.copyOf(editable);
            readonly = List.copyOf(readonly);
        }

        /** With stray files removed, the default. */
        public Scope(List<String> editable, List<String> readonly) {
            this(editable, readonly, StrayFiles.REMOVE);
        }
    }

    /** What {@code helix run} does with ignored files a proposer created or changed (scope.stray_files). */
    public enum StrayFiles {
        /** The experiment is rejected, naming them; the files it created are removed. */
        REJECT,
        /** They are deleted before the evaluation; rejected only when evaluate.setup made them. */
        REMOVE;

        /** As helix.yaml writes it. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The metric to improve; {@code optimizeWritten}: the direction was written in the spec, not inferred
     * from the name, so nothing needs to say how it was chosen.
     */
    public record MetricSpec(String name, Direction optimize, boolean optimizeWritten) {
        /** A metric whose direction was given. */
        public MetricSpec(String name, Direction optimize) {
            this(name, optimize, true);
        }
    }

    /** A metric that may get worse by at most {@code maxDegradation}, relative to the best (0.01 = 1%). */
    public record QualityGuard(String name, Direction optimize, double maxDegradation) {}

    /** A bound on any parsed metric; either side may be absent. */
    public record Constraint(String name, Optional<Double> max, Optional<Double> min) {}
    /** What is measured; {@code record}: metrics parsed and recorded in the ledger but never judged (metrics.record). */
    public record Metrics(MetricSpec primary, Optional<QualityGuard> qualityGuard, List<Constraint> constraints,
                          List<String> record) {
        public Metrics {
            constraints = List.copyOf(constraints);
            record = List.copyOf(record);
        }

        /** Without recorded metrics. */
        public Metrics(MetricSpec primary, Optional<QualityGuard> qualityGuard, List<Constraint> constraints) {
            this(primary, qualityGuard, constraints, List.of());
        }
    }

    /**
     * How metrics are read from the output. LAST_NUMBER (the autoresearch convention): the number on the last line naming the
     * primary (with or without a colon), else the output's last number; other metrics then use their patterns.
     */
    public enum OutputFormat { PATTERN, JSON, METRIC_LINES, LAST_NUMBER }

    /**
     * Where the metrics are read from (evaluate.metric_source): the evaluation's output, or a file outside the worktree that
     * the evaluator writes to $HELIX_METRIC_FILE, which the program it evaluates cannot spoof by printing a metric line.
     */
    public enum MetricSource { OUTPUT, FILE }

    /**
     * How to evaluate.
     *
     * @param patterns for {@code pattern}: a regex with one capture group, keyed by "primary",
     *                 "quality_guard" or a metric name
     * @param envPassthrough secret variables the evaluation keeps (it sees no other one Helix knows)
     * @param holdout the held-out evaluation (evaluate.holdout with scope.hidden), if any
     * @param checks the correctness gate a would-be keep must pass (evaluate.checks), if any
     */
    public record Evaluate(
            String command,
            Optional<String> setup,
            int timeoutSeconds,
            OutputFormat outputFormat,
            Map<String, String> patterns,
            Optional<String> jsonFile,
            int repeats,
            Optional<String> metricCommand,
            MetricSource metricSource,
            List<String> envPassthrough,
            Optional<Holdout> holdout,
            Optional<Checks> checks) {
        public Evaluate {
            holdout = holdout == null ? Optional.empty() : holdout;
            patterns = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(patterns));
            metricCommand = metricCommand == null ? Optional.empty() : metricCommand;
            java.util.Objects.requireNonNull(metricSource, "metricSource");
            envPassthrough = envPassthrough == null ? List.of() : List.copyOf(envPassthrough);
            checks = checks == null ? Optional.empty() : checks;
        }

        /** An evaluation without a hold-out. */
        public Evaluate(String command, Optional<String> setup, int timeoutSeconds, OutputFormat outputFormat, Map<String, String> patterns,
                        Optional<String> jsonFile, int repeats, Optional<String> metricCommand, MetricSource metricSource, List<String> envPassthrough) {
            this(command, setup, timeoutSeconds, outputFormat, patterns, jsonFile, repeats, metricCommand, metricSource, envPassthrough, Optional.empty(),
                    Optional.empty());
        }

        /** An evaluation whose metrics come from its output alone (no metric_command), keeping no secret variable. */
        public Evaluate(String command, Optional<String> setup, int timeoutSeconds, OutputFormat outputFormat,
                        Map<String, String> patterns, Optional<String> jsonFile, int repeats) {
            this(command, setup, timeoutSeconds, outputFormat, patterns, jsonFile, repeats, Optional.empty());
        }

        /** An evaluation whose metric a command prints after it (evaluate.metric_command). */
        public Evaluate(String command, Optional<String> setup, int timeoutSeconds, OutputFormat outputFormat,
                        Map<String, String> patterns, Optional<String> jsonFile, int repeats, Optional<String> metricCommand) {
            this(command, setup, timeoutSeconds, outputFormat, patterns, jsonFile, repeats, metricCommand, MetricSource.OUTPUT, List.of());
        }

        public Evaluate withRepeats(int r) { return new Evaluate(command, setup, timeoutSeconds, outputFormat, patterns, jsonFile, r, metricCommand, metricSource, envPassthrough, holdout, checks); }

        public Evaluate withHoldout(Optional<Holdout> h) { return new Evaluate(command, setup, timeoutSeconds, outputFormat, patterns, jsonFile, repeats, metricCommand, metricSource, envPassthrough, h, checks); }
    }

    public enum JudgeMode { AUTO, STRICT, STATISTICAL }

    /** An absolute amount, or a fraction of the reference when {@code relative} ("0.5%" is 0.005). */
    public record Threshold(double value, boolean relative) {
        public static final Threshold ZERO = new Threshold(0, false);

        /** The amount this threshold stands for against a reference value. */
        public double against(double reference) {
            return relative ? Math.abs(reference) * value : value;
        }

        @Override
        public String toString() {
            return relative ? (value * 100) + "%" : Double.toString(value);
        }
    }

    /** How often the baseline is measured when {@code evaluate.repeats} is not set and the judge is not strict. */
    public static final int DEFAULT_REPEATS = 3;

    /**
     * How keeps are decided.
     *
     * @param maxRepeats statistical mode: the most blocks per experiment, each one sample of the candidate
     *                   and one of the incumbent (so also the most samples of either)
     * @param remeasureEvery no longer used: the statistical judge measures the incumbent in every block
     *                       (still read, so that specs that set it stay valid)
     */
    public record JudgeSpec(JudgeMode mode, Threshold minImprovement, double confidence, boolean simplicity,
                            int maxRepeats, int remeasureEvery) {
        public static final int DEFAULT_MAX_REPEATS = 7;
        public static final int DEFAULT_REMEASURE_EVERY = 10;

        /** A judge with the default repeats and re-measures. */
        public JudgeSpec(JudgeMode mode, Threshold minImprovement, double confidence, boolean simplicity) {
            this(mode, minImprovement, confidence, simplicity, DEFAULT_MAX_REPEATS, DEFAULT_REMEASURE_EVERY);
        }
    }

    /**
     * Who proposes, and how.
     *
     * @param command for the {@code command} backend: the program to run
     * @param timeoutSeconds how long one proposal may take
     * @param baseUrl for HTTP backends (and CLI agents that accept one): the API's base URL
     * @param apiKeyEnv the name of the environment variable holding the API key (never the key)
     * @param promptChars the prompt's budget in characters; history is cut oldest first to fit
     * @param historyRows how many recent ledger rows the prompt shows (kept ones are always shown)
     * @param maxTokens for HTTP backends: the most tokens one reply may have
     * @param extraArgs extra command-line arguments for CLI agents
     * @param price agent.price: what the model charges, overriding the built-in table (empty: the table's or the backend's own)
     */
    public record AgentSpec(String backend, Optional<String> model, int maxTurns, int maxFixAttempts, Optional<String> command,
                            int timeoutSeconds, Optional<String> baseUrl, Optional<String> apiKeyEnv, int promptChars,
                            int historyRows, int maxTokens, List<String> extraArgs, List<String> instructions,
                            Optional<Mix> mix, Optional<Price> price) {

        public static final int DEFAULT_PROMPT_CHARS = 40_000;
        public static final int DEFAULT_HISTORY_ROWS = 20;
        public static final int DEFAULT_MAX_TOKENS = 8192;

        public AgentSpec {
            extraArgs = List.copyOf(extraArgs);
            instructions = instructions == null ? List.of() : List.copyOf(instructions);
            mix = mix == null ? Optional.empty() : mix;
            price = price == null ? Optional.empty() : price;
        }

        /** An agent without a price of its own (the backend's report or the built-in table). */
        public AgentSpec(String backend, Optional<String> model, int maxTurns, int maxFixAttempts, Optional<String> command,
                         int timeoutSeconds, Optional<String> baseUrl, Optional<String> apiKeyEnv, int promptChars,
                         int historyRows, int maxTokens, List<String> extraArgs, List<String> instructions, Optional<Mix> mix) {
            this(backend, model, maxTurns, maxFixAttempts, command, timeoutSeconds, baseUrl, apiKeyEnv, promptChars,
                    historyRows, maxTokens, extraArgs, instructions, mix, Optional.empty());
        }

        /** An agent that proposes alone (no tuner between its changes). */
        public AgentSpec(String backend, Optional<String> model, int maxTurns, int maxFixAttempts, Optional<String> command,
                         int timeoutSeconds, Optional<String> baseUrl, Optional<String> apiKeyEnv, int promptChars,
                         int historyRows, int maxTokens, List<String> extraArgs, List<String> instructions) {
            this(backend, model, maxTurns, maxFixAttempts, command, timeoutSeconds, baseUrl, apiKeyEnv, promptChars,
                    historyRows, maxTokens, extraArgs, instructions, Optional.empty());
        }

        /** This agent with another command (for the command backend). */
        public AgentSpec withCommand(String c) {
            return new AgentSpec(backend, model, maxTurns, maxFixAttempts, Optional.of(c), timeoutSeconds, baseUrl, apiKeyEnv,
                    promptChars, historyRows, maxTokens, extraArgs, instructions, mix, price);
        }

        /** An agent given no instructions beyond program.md. */
        public AgentSpec(String backend, Optional<String> model, int maxTurns, int maxFixAttempts, Optional<String> command,
                         int timeoutSeconds, Optional<String> baseUrl, Optional<String> apiKeyEnv, int promptChars,
                         int historyRows, int maxTokens, List<String> extraArgs) {
            this(backend, model, maxTurns, maxFixAttempts, command, timeoutSeconds, baseUrl, apiKeyEnv, promptChars,
                    historyRows, maxTokens, extraArgs, List.of());
        }

        /** An agent with the defaults for everything HTTP and prompt related. */
        public AgentSpec(String backend, Optional<String> model, int maxTurns, int maxFixAttempts,
                         Optional<String> command, int timeoutSeconds) {
            this(backend, model, maxTurns, maxFixAttempts, command, timeoutSeconds, Optional.empty(), Optional.empty(),
                    DEFAULT_PROMPT_CHARS, DEFAULT_HISTORY_ROWS, DEFAULT_MAX_TOKENS, List.of());
        }
    }

    /** Agent and tuner in one session ({@code agent.mix}): after each kept change of the agent, {@code tune} tuner experiments. */
    public record Mix(int tune) {
        public static final int DEFAULT_TUNE = 3;
    }

    public enum ParamType { FLOAT, INT, CATEGORICAL }

    /**
     * A tunable value bound to the first capture group of {@code pattern} in {@code file}.
     *
     * @param choices for categorical parameters, the values as written in the file
     */
    public record Parameter(
            String name,
            String file,
            String pattern,
            ParamType type,
            double low,
            double high,
            boolean log,
            List<String> choices) {
        public Parameter {
            choices = List.copyOf(choices);
        }
    }

    /** @param initialRandom how many experiments sample at random before the tuner searches with its model */
    public record SearchSpec(List<Parameter> parameters, long seed, int initialRandom) {
        public SearchSpec {
            parameters = List.copyOf(parameters);
        }
    }

    /**
     * @param workers how many experiments run at once, each in its own worktree
     * @param slots where evaluations run (see {@link Slot}); empty: one plain slot per worker
     * @param slurm the job options for {@code executor: slurm} (run.slurm); ignored by local
     * @param onStale what becomes of a candidate that beat the best it started from after another worker moved the best
     * @param directions what each worker explores (worker k takes the k-th, round robin): the
     *                   title of a section of program.md, or a line of text
     * @param maxFailures the session stops once the proposer failed the same way this many times in a row
     * @param maxOutageSeconds the session stops once the proposer's server was out of reach this long
     * @param isolation how parallel evaluations keep out of each other's timings
     * @param fingerprint commands whose output the session's environment record keeps
     * @param sandbox whether proposers and evaluations run confined to their worktree (run.sandbox)
     */
    public record RunSpec(int workers, String executor, List<String> slots, SlurmSpec slurm, OnStale onStale,
                          List<String> directions, List<String> secrets, Optional<String> tag, int maxFailures,
                          int maxOutageSeconds, Isolation isolation, List<String> fingerprint, SandboxMode sandbox) {
        public static final int MAX_FAILURES = 5;
        public static final int MAX_OUTAGE_SECONDS = 1800;

        public RunSpec {
            tag = tag == null ? Optional.empty() : tag;
            slots = List.copyOf(slots);
            slurm = slurm == null ? SlurmSpec.DEFAULT : slurm;
            onStale = onStale == null ? OnStale.REBASE : onStale;
            directions = List.copyOf(directions);
            secrets = secrets == null ? List.of() : List.copyOf(secrets);
            isolation = isolation == null ? Isolation.AUTO : isolation;
            fingerprint = fingerprint == null ? List.of() : List.copyOf(fingerprint);
            sandbox = sandbox == null ? SandboxMode.AUTO : sandbox;
        }

        /** A run with the default isolation and sandbox and no fingerprint commands. */
        public RunSpec(int workers, String executor, List<String> slots, SlurmSpec slurm, OnStale onStale,
                       List<String> directions, List<String> secrets, Optional<String> tag, int maxFailures, int maxOutageSeconds) {
            this(workers, executor, slots, slurm, onStale, directions, secrets, tag, maxFailures, maxOutageSeconds, null, null, null);
        }

        /** A run without a tag of its own (sessions are tagged by date), with the breaker's defaults. */
        public RunSpec(int workers, String executor, List<String> slots, SlurmSpec slurm, OnStale onStale,
                       List<String> directions, List<String> secrets) {
            this(workers, executor, slots, slurm, onStale, directions, secrets, Optional.empty());
        }

        /** A run with the breaker's defaults. */
        public RunSpec(int workers, String executor, List<String> slots, SlurmSpec slurm, OnStale onStale,
                       List<String> directions, List<String> secrets, Optional<String> tag) {
            this(workers, executor, slots, slurm, onStale, directions, secrets, tag, MAX_FAILURES, MAX_OUTAGE_SECONDS);
        }

        /** A run that names no secret variables of its own. */
        public RunSpec(int workers, String executor, List<String> slots, SlurmSpec slurm, OnStale onStale,
                       List<String> directions) {
            this(workers, executor, slots, slurm, onStale, directions, List.of());
        }

        public RunSpec(int workers, String executor, List<String> slots, SlurmSpec slurm) {
            this(workers, executor, slots, slurm, OnStale.REBASE, List.of());
        }

        /** A run without Slurm options (the cluster's defaults). */
        public RunSpec(int workers, String executor, List<String> slots) {
            this(workers, executor, slots, SlurmSpec.DEFAULT);
        }

        // A changed copy, each.
        public RunSpec withWorkers(int w) { return new RunSpec(w, executor, slots, slurm, onStale, directions, secrets, tag, maxFailures, maxOutageSeconds, isolation, fingerprint, sandbox); }
        public RunSpec withExecutor(String e) { return new RunSpec(workers, e, slots, slurm, onStale, directions, secrets, tag, maxFailures, maxOutageSeconds, isolation, fingerprint, sandbox); }
        public RunSpec withDirections(List<String> d) { return new RunSpec(workers, executor, slots, slurm, onStale, d, secrets, tag, maxFailures, maxOutageSeconds, isolation, fingerprint, sandbox); }
        public RunSpec withSlots(List<String> s) { return new RunSpec(workers, executor, s, slurm, onStale, directions, secrets, tag, maxFailures, maxOutageSeconds, isolation, fingerprint, sandbox); }
    }

    /** run.on_stale. */
    public enum OnStale {
        /** Re-apply the change on the new best (cherry-pick) and evaluate it again; a conflict is stale. */
        REBASE,
        /** Record it as stale and move on. */
        DISCARD;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * run.slurm: how an evaluation is submitted when {@code run.executor: slurm}. Absent values
     * leave the cluster's defaults; the time limit comes from evaluate.timeout_seconds.
     *
     * @param partition --partition
     * @param cpus --cpus-per-task (0: not given)
     * @param mem --mem, as Slurm writes it: "4G", "512M", "2000" (megabytes)
     * @param gres --gres, e.g. "gpu:1"
     * @param extraArgs more srun arguments, passed as they are (after Helix's own, so they win)
     */
    public record SlurmSpec(Optional<String> partition, int cpus, Optional<String> mem, Optional<String> gres,
                            List<String> extraArgs) {
        public static final SlurmSpec DEFAULT = new SlurmSpec(Optional.empty(), 0, Optional.empty(), Optional.empty(),
                List.of());

        public SlurmSpec {
            extraArgs = List.copyOf(extraArgs);
        }
    }
}

package dev.helix.core.spec;

import static dev.helix.core.spec.SpecKey.Type.BOOL;
import static dev.helix.core.spec.SpecKey.Type.CHOICE;
import static dev.helix.core.spec.SpecKey.Type.LIST;
import static dev.helix.core.spec.SpecKey.Type.MAP;
import static dev.helix.core.spec.SpecKey.Type.NUMBER;
import static dev.helix.core.spec.SpecKey.Type.RANGE;
import static dev.helix.core.spec.SpecKey.Type.SECTION;
import static dev.helix.core.spec.SpecKey.Type.TEXT;
import static dev.helix.core.spec.SpecKey.Type.TEXTS;
import static dev.helix.core.spec.SpecKey.Type.THRESHOLD;
import static dev.helix.core.spec.SpecKey.Type.WHOLE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Every key of helix.yaml, in the order of the documented layout: the one table the reader, the
 * writer, the other formats' converters and docs/helix-yaml.md are made from, so adding a key is one line here.
 */
public final class SpecSchema {

    private static final List<String> NONE = List.of();
    private static final List<String> TIMEOUT = List.of("timeout");
    private static final List<String> COMMAND = List.of("cmd", "run");
    private static final List<String> OPTIMIZE = List.of("direction", "goal", "objective");

    /** The table, in the order a written helix.yaml has its keys (which is also the order messages list them in). */
    public static final List<SpecKey> KEYS = List.of(
            key("name", TEXT, "", NONE, NONE, "required: the project's name", ""),
            key("version", TEXT, "0.1.0", NONE, NONE, "the spec's own version", ""),
            key("domain", TEXT, "", NONE, NONE, "required: the field, e.g. AI/ML or web performance", ""),
            key("description", TEXT, "", NONE, NONE, "required: one line saying what this loop is for", ""),
            key("author", TEXT, "", NONE, NONE, "who wrote the spec", ""),
            key("scope", SECTION, "", NONE, NONE, "which files may change", "globs relative to the repository root"),
            key("scope.editable", TEXTS, "", NONE, List.of("files", "mutable", "modifiable"),
                    "required: globs of the only files a proposer may change", "the only files a proposer may change"),
            key("scope.readonly", TEXTS, "[]", NONE, List.of("frozen", "read_only"),
                    "globs of files hash-checked before every evaluation", "hash-checked before every evaluation"),
            key("scope.hidden", TEXTS, "[]", NONE, NONE,
                    "globs of the files only evaluate.holdout sees: never in the proposer's worktree, copied from "
                            + "evaluate.holdout.from_dir or from_ref for the hold-out run alone", "e.g. [data/test/**]; needs evaluate.holdout"),
            key("scope.stray_files", CHOICE, "remove", NONE, NONE,
                    "ignored files a proposer created or changed in helix run: remove them before the evaluation, or reject the experiment",
                    "remove | reject"),
            key("metrics", SECTION, "", NONE, NONE, "what to optimize, and what must not get worse", ""),
            key("metrics.primary", SECTION, "", NONE, NONE,
                    "required: the metric to improve; a bare name infers the direction", ""),
            key("metrics.primary.name", TEXT, "", NONE, NONE, "required: the metric's name as the evaluation prints it", ""),
            key("metrics.primary.optimize", CHOICE, "from the name", NONE, OPTIMIZE, "minimize or maximize", ""),
            key("metrics.quality_guard", SECTION, "", NONE, List.of("guard"), "a second metric that may get only a little worse",
                    "may get worse by at most max_degradation, relative (0.01 = 1%)"),
            key("metrics.quality_guard.name", TEXT, "", NONE, NONE, "required: the guarded metric, not the primary", ""),
            key("metrics.quality_guard.optimize", CHOICE, "from the name", NONE, OPTIMIZE, "minimize or maximize", ""),
            key("metrics.quality_guard.max_degradation", THRESHOLD, "0", NONE, NONE,
                    "how much worse, relative to the best (0.01 or \"1%\")", ""),
            key("metrics.constraints", LIST, "[]", NONE, NONE, "bounds on any parsed metric",
                    "e.g. [{name: peak_vram_mb, max: 39000}]"),
            key("metrics.constraints[].name", TEXT, "", NONE, NONE, "required: the bounded metric", ""),
            key("metrics.constraints[].max", NUMBER, "", NONE, NONE, "the highest allowed value", ""),
            key("metrics.constraints[].min", NUMBER, "", NONE, NONE, "the lowest allowed value", ""),
            key("metrics.record", TEXTS, "[]", NONE, NONE, "more metrics to parse and record in the ledger, never judged (one missing is left out)",
                    "e.g. [train_iters, tokens_per_second]: numbers that explain noise"),
            key("evaluate", SECTION, "", List.of("metrics.evaluate"), NONE, "required: how to measure", ""),
            key("evaluate.command", TEXT, "", NONE, COMMAND, "required: the shell command that prints the metrics", ""),
            key("evaluate.setup", TEXT, "", NONE, NONE, "a shell command run once per session, before the baseline",
                    "once per session"),
            key("evaluate.timeout_seconds", WHOLE, "300", NONE, TIMEOUT, "the wall-clock limit of one evaluation, enforced",
                    "wall clock, enforced"),
            key("evaluate.output_format", CHOICE, "pattern", NONE, List.of("format"),
                    "pattern (a regex per metric), json (a JSON object line), metric-lines (`METRIC name=value`) or last-number "
                            + "(the primary is the number on the last line naming it, colon or not, else the output's last number)",
                    "pattern | json | metric-lines | last-number"),
            key("evaluate.patterns", MAP, "a `name: value` regex per metric", NONE, NONE, "for pattern: a regex per metric (primary, quality_guard or a name)",
                    "a regex per metric; its first capture group is the value"),
            key("evaluate.patterns.*", TEXT, "", NONE, NONE, "a regex whose first capture group is the value", ""),
            key("evaluate.json_file", TEXT, "", NONE, NONE, "for json: a file to read instead of the output", ""),
            key("evaluate.metric_command", TEXT, "", NONE, NONE,
                    "a shell command run in the worktree after the evaluation whose output's last number is the primary metric "
                            + "(the log is the file $HELIX_LOG)", "e.g. grep \"acc:\" \"$HELIX_LOG\" | tail -1 | awk '{print $2}'"),
            key("evaluate.metric_source", CHOICE, "output", NONE, NONE,
                    "output (parse the evaluation's output) or file (parse the file the evaluator writes to $HELIX_METRIC_FILE, "
                            + "outside the worktree, so the evaluated program cannot spoof a metric by printing it; json_file is then not read)",
                    "output | file"),
            key("evaluate.env_passthrough", TEXTS, "[]", NONE, NONE,
                    "secret variables the evaluation may read: it sees none of the agent's key variable, the known "
                            + "providers' keys and run.secrets unless named here", "e.g. [HF_TOKEN]"),
            key("evaluate.holdout", SECTION, "", NONE, NONE,
                    "a second command printing the primary metric on held-out data the proposer never sees (scope.hidden); "
                            + "run on the baseline and on every keep, recorded beside the primary, never shown to the proposer",
                    "e.g. {command: python eval.py --split test, from_dir: ../heldout}"),
            key("evaluate.holdout.command", TEXT, "", NONE, COMMAND,
                    "required: the shell command, run in a worktree of the commit with the hidden files added, that prints the primary metric "
                            + "(read as evaluate.output_format and patterns say)", ""),
            key("evaluate.holdout.from_dir", TEXT, "", NONE, NONE,
                    "a directory outside the repository (relative to its root, or absolute) holding the hidden files at their paths", ""),
            key("evaluate.holdout.from_ref", TEXT, "", NONE, NONE,
                    "instead of from_dir: a git ref the proposer is not given (e.g. refs/hidden/data) whose tree holds the hidden files", ""),
            key("evaluate.holdout.timeout_seconds", WHOLE, "as evaluate.timeout_seconds", NONE, TIMEOUT, "the wall-clock limit of one hold-out run", ""),
            key("evaluate.holdout.repeats", WHOLE, "as evaluate.repeats", NONE, NONE,
                    "how often the baseline's hold-out is measured; its spread is the noise the overfitting flag allows", ""),
            key("evaluate.checks", TEXT, "", NONE, NONE,
                    "a shell command (typically the test suite) that must exit 0 for a keep: run in the worktree only for a candidate "
                            + "the judge would keep (a failure is a discard, \"checks failed\"), and once on the baseline by helix doctor",
                    "e.g. mvn -q test; run only for would-be keeps"),
            key("evaluate.checks_timeout_seconds", WHOLE, "as evaluate.timeout_seconds", NONE, NONE,
                    "the wall-clock limit of one run of evaluate.checks, enforced (a timeout fails the checks)", ""),
            key("evaluate.repeats", WHOLE, "3 (1 when judge.mode is strict)", NONE, NONE, "how often the baseline is measured", ""),
            key("judge", SECTION, "", NONE, NONE, "how keeps are decided", ""),
            key("judge.mode", CHOICE, "auto", NONE, NONE, "auto, strict or statistical", "auto | strict | statistical"),
            key("judge.min_improvement", THRESHOLD, "0", NONE, List.of("threshold"),
                    "the least improvement kept: absolute, or a percentage like \"0.5%\"", "absolute, or a percentage like \"0.5%\""),
            key("judge.confidence", NUMBER, "0.95", NONE, NONE, "statistical: the confidence a keep needs (between 0 and 1)", ""),
            key("judge.simplicity", BOOL, "true", NONE, NONE, "an equal metric with fewer lines is kept",
                    "an equal metric with fewer lines is kept"),
            key("judge.max_repeats", WHOLE, "7", NONE, NONE, "statistical: the most blocks per experiment, each one candidate and one incumbent sample (at most 50)", ""),
            key("judge.remeasure_every", WHOLE, "10", NONE, NONE,
                    "statistical: no longer used, every block measures the incumbent beside the candidate (accepted so older specs stay valid)", ""),
            key("agent", SECTION, "", NONE, NONE, "who proposes, and how", ""),
            key("agent.backend", CHOICE, "claude (tune when search.parameters is set without agent.mix)", NONE, List.of("provider", "proposer"),
                    "the proposer, one of the known backends", ""),
            key("agent.model", TEXT, "", NONE, NONE, "the model the backend uses", ""),
            key("agent.max_turns", WHOLE, "200", NONE, NONE, "the most turns of one proposal", ""),
            key("agent.max_fix_attempts", WHOLE, "2", NONE, NONE, "how often a crash goes back to the proposer for a fix", ""),
            key("agent.command", TEXT, "", NONE, COMMAND, "for the command backend: the program to run (JSON in, JSON out)", ""),
            key("agent.timeout_seconds", WHOLE, "1800", NONE, TIMEOUT, "how long one proposal may take", "per proposal"),
            key("agent.base_url", TEXT, "", NONE, NONE, "for HTTP backends: the API's base URL (http:// or https://)", ""),
            key("agent.api_key_env", TEXT, "", NONE, NONE, "the NAME of the environment variable holding the API key", ""),
            key("agent.prompt_chars", WHOLE, "40000", NONE, NONE, "the prompt's budget in characters (at least 2000)", ""),
            key("agent.history_rows", WHOLE, "20", NONE, NONE, "how many recent ledger rows the prompt shows", ""),
            key("agent.max_tokens", WHOLE, "8192", NONE, NONE, "for HTTP backends: the most tokens one reply may have", ""),
            key("agent.extra_args", TEXTS, "[]", NONE, NONE, "extra command-line arguments for CLI agents", ""),
            key("agent.instructions", TEXTS, "[]", NONE, NONE,
                    "guidance every prompt gives the proposer besides program.md (preferences, not enforced)", "e.g. [keep the public API]"),
            key("agent.mix", SECTION, "", NONE, NONE,
                    "agent and tuner in one session: after each kept change of the agent, the tuner tunes search.parameters on the new best",
                    "e.g. {tune: 3}; needs search.parameters and a backend other than tune"),
            key("agent.mix.tune", WHOLE, "3 (with agent.mix)", NONE, NONE,
                    "how many tuner experiments follow each kept change of the agent (at least 1)", ""),
            key("agent.price", SECTION, "", NONE, NONE,
                    "what the model charges, in US dollars per million tokens: --max-cost and the reported spend use it where the backend "
                    + "reports tokens but no cost (overrides the built-in price table; a model on localhost or a private network costs 0 unless priced)",
                    "e.g. {input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 0.3}"),
            key("agent.price.input_per_mtok", NUMBER, "", NONE, NONE, "required: US dollars per million input tokens", ""),
            key("agent.price.output_per_mtok", NUMBER, "", NONE, NONE, "required: US dollars per million output tokens", ""),
            key("agent.price.cached_input_per_mtok", NUMBER, "as input_per_mtok", NONE, NONE,
                    "US dollars per million input tokens read from the provider's prompt cache", ""),
            key("search", SECTION, "", NONE, NONE, "for the tune backend and agent.mix", "for the tune backend and agent.mix"),
            key("search.parameters", MAP, "{}", NONE, List.of("params"), "the tunable values, by name", ""),
            key("search.parameters.*", SECTION, "", NONE, NONE, "one tunable value", ""),
            key("search.parameters.*.file", TEXT, "", NONE, NONE, "required: the file that holds the value", ""),
            key("search.parameters.*.pattern", TEXT, "", NONE, List.of("regex"),
                    "required: a regex whose first capture group is the value", ""),
            key("search.parameters.*.type", CHOICE, "float (categorical with values)", NONE, NONE,
                    "float, int or categorical", ""),
            key("search.parameters.*.range", RANGE, "", NONE, List.of("bounds"), "float and int: required, [low, high]", ""),
            key("search.parameters.*.log", BOOL, "false", NONE, NONE, "float and int: sample on a log scale", ""),
            key("search.parameters.*.values", TEXTS, "", List.of("choices"), NONE,
                    "categorical: the values, as written in the file", ""),
            key("search.seed", WHOLE, "0", NONE, NONE, "the tuner's random seed", ""),
            key("search.initial_random", WHOLE, "3, or the number of parameters", NONE, NONE,
                    "how many experiments sample at random before the tuner searches with its model (TPE)", ""),
            key("run", SECTION, "", NONE, NONE, "where and how many experiments run", ""),
            key("run.tag", TEXT, "today's date, e.g. mar26", NONE, NONE,
                    "the session tag (branch helix/<tag>) when `helix run` is given no --tag; -2, -3 ... when it is taken", ""),
            key("run.workers", WHOLE, "1", NONE, NONE, "how many experiments run at once, each in its own worktree", ""),
            key("run.executor", CHOICE, "local", NONE, NONE, "where evaluations run, one of the known executors", ""),
            key("run.slots", TEXTS, "[]", NONE, List.of("gpus"), "GPU ids (0, \"0,1\", \"gpu:0,1\") or CPU sets (\"cpu:0-3\")",
                    "GPU ids [0, 1] or CPU sets [\"cpu:0-3\"]; one evaluation per slot at a time"),
            key("run.isolation", CHOICE, "auto", NONE, NONE,
                    "how evaluations of parallel workers keep out of each other's timings: exclusive (one at a time, across "
                            + "every session of the repository), cpus (each worker pinned to CPUs of its own), none; auto: "
                            + "exclusive when the judge finds the metric noisy and workers > 1, else none",
                    "auto | exclusive | cpus | none"),
            key("run.sandbox", CHOICE, "auto", NONE, NONE,
                    "whether proposers that are programs (the CLI agents, command) and the session's evaluations run in a "
                            + "sandbox: the worktree writable, the rest of the repository read-only, .helix/ and the hold-out's "
                            + "data hidden (docs/trust.md); auto: bubblewrap where it works on this machine, else none; bwrap: "
                            + "bubblewrap or the session does not start",
                    "auto | bwrap | none"),
            key("run.fingerprint", TEXTS, "[]", NONE, NONE,
                    "shell commands whose output the session's environment record keeps and helix verify compares",
                    "e.g. [python --version, pip freeze | sha256sum]"),
            key("run.slurm", SECTION, "", NONE, NONE, "job options for executor: slurm", "job options for executor: slurm"),
            key("run.slurm.partition", TEXT, "", NONE, NONE, "--partition", ""),
            key("run.slurm.cpus", WHOLE, "0 (not given)", NONE, NONE, "--cpus-per-task", ""),
            key("run.slurm.mem", TEXT, "", NONE, NONE, "--mem: a whole number with an optional unit K, M, G or T", ""),
            key("run.slurm.gres", TEXT, "", NONE, NONE, "--gres, e.g. gpu:1", ""),
            key("run.slurm.extra_args", TEXTS, "[]", NONE, NONE, "more srun arguments, after Helix's own", ""),
            key("run.on_stale", CHOICE, "rebase", NONE, NONE,
                    "rebase or discard: a candidate that beat a best another worker has since moved", "rebase | discard"),
            key("run.directions", TEXTS, "[]", NONE, NONE,
                    "what each worker explores: a section title of program.md or a line of text", "one per worker, round robin"),
            key("run.secrets", TEXTS, "[]", NONE, NONE,
                    "environment variables whose values are redacted from every text Helix writes (the agent's key and "
                            + "*_API_KEY, *_TOKEN, *_SECRET, *_PASSWORD, *_KEY variables always are)", "e.g. [WANDB_API_KEY]"),
            key("run.max_failures", WHOLE, "5", NONE, NONE,
                    "the session stops (exit 1) once the proposer failed the same way this many times in a row "
                            + "(a refused key, an unknown model, a command that exits the same way)", ""),
            key("run.max_outage_seconds", WHOLE, "1800", NONE, NONE,
                    "the session stops (exit 1) once the proposer's server was out of reach this long; until then "
                            + "experiments wait, 1 s doubling to 5 min, and use no run numbers", ""),
            key("requirements", MAP, "{}", NONE, NONE, "informational, e.g. {python: \">=3.11\", gpu: H100}", "informational"),
            key("requirements.*", TEXT, "", NONE, NONE, "a version or a description", ""));

    private SpecSchema() {}

    private static SpecKey key(String path, SpecKey.Type type, String dflt, List<String> accepted, List<String> suggested,
                               String doc, String note) {
        return new SpecKey(path, type, dflt, accepted, suggested, doc, note);
    }

    /** The entry of {@code path}, in the table's notation ("search.parameters.*.file"). */
    public static SpecKey key(String path) {
        return KEYS.stream().filter(k -> k.path().equals(path)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no key " + path + " in helix.yaml"));
    }

    /** The keys a section reads, in the table's order, each followed by its other spellings there. */
    public static List<String> keysIn(String section) {
        List<String> out = new ArrayList<>();
        for (SpecKey k : KEYS) {
            if (!k.section().equals(section)) continue;
            out.add(k.name());
            k.accepted().stream().filter(a -> !a.contains(".")).forEach(out::add);
        }
        if (out.isEmpty()) throw new NoSuchElementException("no section " + section + " in helix.yaml");
        return Collections.unmodifiableList(out);
    }

    /** Words that are not keys, each with the key they are taken to mean ("direction" → "optimize"). */
    public static Map<String, String> suggestions() {
        Map<String, String> out = new LinkedHashMap<>();
        for (SpecKey k : KEYS) {
            for (String w : k.suggested()) {
                String before = out.putIfAbsent(w, k.name());
                if (before != null && !before.equals(k.name())) {
                    throw new IllegalStateException("'" + w + "' would mean both " + before + " and " + k.name());
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The entry a path as a file has it names ("metrics.constraints[2].max" → metrics.constraints[].max), if any. */
    public static java.util.Optional<SpecKey> find(String filePath) {
        String[] parts = filePath.replaceAll("\\[\\d+]", "[]").split("\\.");
        return KEYS.stream().filter(k -> matches(k.path().split("\\."), parts)).findFirst();
    }

    private static boolean matches(String[] pattern, String[] parts) {
        if (pattern.length != parts.length) return false;
        for (int i = 0; i < parts.length; i++) {
            if (!pattern[i].equals("*") && !pattern[i].equals(parts[i])) return false;
        }
        return true;
    }
}

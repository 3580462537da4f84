package dev.helix.core.spec;

import dev.helix.core.spec.Spec.AgentSpec;
import dev.helix.core.spec.Spec.Constraint;
import dev.helix.core.spec.Spec.Evaluate;
import dev.helix.core.spec.Spec.JudgeMode;
import dev.helix.core.spec.Spec.JudgeSpec;
import dev.helix.core.spec.Spec.MetricSpec;
import dev.helix.core.spec.Spec.Metrics;
import dev.helix.core.spec.Spec.OutputFormat;
import dev.helix.core.spec.Spec.ParamType;
import dev.helix.core.spec.Spec.Parameter;
import dev.helix.core.spec.Spec.QualityGuard;
import dev.helix.core.spec.Spec.RunSpec;
import dev.helix.core.spec.Spec.Scope;
import dev.helix.core.spec.Spec.SearchSpec;
import dev.helix.core.spec.Spec.Threshold;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns a parsed document (Maps, Lists, Strings, Numbers, Booleans, nulls) into a {@link Spec}.
 * Every problem is collected and reported together, each with its field path ("metrics.primary.name",
 * "scope.editable[2]"), the line the loader found it on, and a fix. A null value counts as absent.
 */
public final class SpecReader {

    /** The proposers Helix knows, in the order they are offered to people. */
    public static final List<String> BACKENDS =
            List.of("claude", "codex", "gemini", "opencode", "openai", "anthropic", "command", "tune");

    public static final List<String> EXECUTORS = List.of("local", "slurm");

    public static final String DEFAULT_VERSION = "0.1.0";
    public static final int DEFAULT_TIMEOUT_SECONDS = 300;
    public static final int DEFAULT_AGENT_TIMEOUT_SECONDS = 1800;

    /**
     * A number as programs print it, captured whole: "0.9979", "-3", "1e-4", and also "nan"/"inf"
     * so a diverged run reads as such instead of as a missing metric.
     */
    public static final String NUMBER = "([-+]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?(?i:nan|inf(?:inity)?))";

    private static final List<String> TOP = List.of("name", "version", "domain", "description", "author",
            "scope", "metrics", "evaluate", "judge", "agent", "search", "run", "requirements");
    private static final List<String> SCOPE = List.of("editable", "readonly");
    private static final List<String> METRICS = List.of("primary", "quality_guard", "constraints");
    private static final List<String> PRIMARY = List.of("name", "optimize");
    private static final List<String> GUARD = List.of("name", "optimize", "max_degradation");
    private static final List<String> CONSTRAINT = List.of("name", "max", "min");
    private static final List<String> EVALUATE = List.of("command", "setup", "timeout_seconds", "output_format",
            "patterns", "json_file", "repeats");
    private static final List<String> JUDGE = List.of("mode", "min_improvement", "confidence", "simplicity",
            "max_repeats", "remeasure_every");
    private static final List<String> AGENT = List.of("backend", "model", "max_turns", "max_fix_attempts",
            "command", "timeout_seconds", "base_url", "api_key_env", "prompt_chars", "history_rows", "max_tokens",
            "extra_args");
    private static final java.util.regex.Pattern ENV_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final List<String> SEARCH = List.of("parameters", "seed", "initial_random");
    private static final List<String> PARAMETER = List.of("file", "pattern", "type", "range", "log", "values", "choices");
    private static final List<String> RUN = List.of("workers", "executor", "slots", "slurm", "on_stale", "directions");
    private static final List<String> SLURM = List.of("partition", "cpus", "mem", "gres", "extra_args");
    /** Slurm's memory sizes: a whole number with an optional unit (megabytes without one). */
    private static final java.util.regex.Pattern SLURM_MEM = java.util.regex.Pattern.compile("[0-9]+[KMGTkmgt]?");

    /** Words people write for a key that edit distance alone would not find. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("direction", "optimize"), Map.entry("goal", "optimize"), Map.entry("objective", "optimize"),
            Map.entry("cmd", "command"), Map.entry("run", "command"), Map.entry("timeout", "timeout_seconds"),
            Map.entry("files", "editable"), Map.entry("mutable", "editable"), Map.entry("modifiable", "editable"),
            Map.entry("frozen", "readonly"), Map.entry("read_only", "readonly"), Map.entry("guard", "quality_guard"),
            Map.entry("format", "output_format"), Map.entry("regex", "pattern"), Map.entry("bounds", "range"),
            Map.entry("provider", "backend"), Map.entry("proposer", "backend"), Map.entry("params", "parameters"),
            Map.entry("gpus", "slots"), Map.entry("threshold", "min_improvement"));

    private final String source;
    private final ToIntFunction<String> lineOf;
    private final List<Problem> problems = new ArrayList<>();
    /** Paths found with the wrong type: what lies below them is not reported again. */
    private final List<String> broken = new ArrayList<>();

    /** The backend names accepted in agent.backend: Helix's own, plus any registered by the caller. */
    private List<String> backends = BACKENDS;

    private SpecReader(String source, ToIntFunction<String> lineOf) {
        this.source = source == null ? "helix.yaml" : source;
        this.lineOf = lineOf == null ? p -> 0 : lineOf;
    }

    /**
     * Like {@link #read(Object, String, ToIntFunction)}, also accepting the backends in
     * {@code extraBackends} (those a user registered as Java services).
     */
    public static Spec read(Object document, String source, ToIntFunction<String> lineOf,
                            java.util.Collection<String> extraBackends) throws SpecException {
        if (!(document instanceof Map<?, ?> m)) return read(document, source, lineOf);
        SpecReader r = new SpecReader(source, lineOf);
        List<String> all = new ArrayList<>(BACKENDS);
        extraBackends.stream().filter(b -> !all.contains(b)).forEach(all::add);
        r.backends = List.copyOf(all);
        Spec spec = r.spec(stringKeys(m));
        if (!r.problems.isEmpty()) throw new SpecException(r.problems);
        return spec;
    }

    /** Like {@link #read(Map, String, ToIntFunction)} for a document whose root may not be a map. */
    public static Spec read(Object document, String source, ToIntFunction<String> lineOf) throws SpecException {
        if (document instanceof Map<?, ?> m) return read(stringKeys(m), source, lineOf);
        SpecReader r = new SpecReader(source, lineOf);
        if (document == null) {
            r.problem("", "the file is empty", "start from `helix init`, or write name, domain, description, scope, metrics and evaluate");
        } else {
            r.problem("", "the top level must be a map of keys (name:, scope:, metrics:, ...), found " + describe(document),
                    "remove the leading '-' or brackets so the file starts with `name: ...`");
        }
        throw new SpecException(r.problems);
    }

    /**
     * Validates {@code tree} and builds the spec.
     *
     * @param source the file name used in problems
     * @param lineOf the 1-based line of a field path, 0 when unknown; missing fields are reported at
     *               their nearest present parent
     * @throws SpecException with every problem found
     */
    public static Spec read(Map<String, ?> tree, String source, ToIntFunction<String> lineOf) throws SpecException {
        SpecReader r = new SpecReader(source, lineOf);
        if (tree == null) return read((Object) null, source, lineOf);
        Spec spec = r.spec(tree);
        if (!r.problems.isEmpty()) throw new SpecException(r.problems);
        return spec;
    }

    /**
     * The regex used when a metric has no pattern: a line "name: value" (or "name = value"),
     * leading spaces allowed. Meant to be applied line by line (or with MULTILINE).
     */
    public static String defaultPattern(String metricName) {
        StringBuilder b = new StringBuilder("^\\s*");
        for (char c : metricName.toCharArray()) {
            if (!Character.isLetterOrDigit(c) && c != '_') b.append('\\');
            b.append(c);
        }
        return b.append("\\s*[:=]\\s*").append(NUMBER).toString();
    }

    /** The candidate closest to {@code word}, if it is close enough to be what was meant. */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        if (word == null) return Optional.empty();
        String w = word.toLowerCase(Locale.ROOT).trim();
        String alias = ALIASES.get(w);
        if (alias != null && candidates.contains(alias)) return Optional.of(alias);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            String lc = c.toLowerCase(Locale.ROOT);
            int d = distance(w, lc);
            int allowed = Math.max(1, Math.min(3, Math.max(w.length(), lc.length()) / 3));
            boolean prefix = w.length() >= 3 && (lc.startsWith(w) || w.startsWith(lc));
            if ((d <= allowed || prefix) && d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    // ---------------------------------------------------------------- sections

    private Spec spec(Map<String, ?> root) {
        checkKeys(root, "", TOP);
        String name = requiredText(root, "name", "", "add `name: my-project` at the top");
        String version = Optional.ofNullable(text(root.get("version"), "version")).orElse(DEFAULT_VERSION);
        String domain = requiredText(root, "domain", "", "add a domain, e.g. `domain: AI/ML` or `domain: web performance`");
        String description = requiredText(root, "description", "",
                "add `description: Optimize <metric> for <task>.` (one line saying what this loop is for)");
        Optional<String> author = Optional.ofNullable(text(root.get("author"), "author"));

        Scope scope = scope(map(root.get("scope"), "scope"));
        Metrics metrics = metrics(map(root.get("metrics"), "metrics"));
        SearchSpec search = search(map(root.get("search"), "search"));
        Evaluate evaluate = evaluate(map(root.get("evaluate"), "evaluate"), metrics);
        JudgeSpec judge = judge(map(root.get("judge"), "judge"));
        if (evaluate != null && judge != null && !hasKey(root.get("evaluate"), "repeats")) {
            // The baseline is measured this often: three times unless the judge is strict, so that
            // auto can tell a noisy metric from a deterministic one (docs/statistical-judge.md).
            evaluate = new Evaluate(evaluate.command(), evaluate.setup(), evaluate.timeoutSeconds(), evaluate.outputFormat(),
                    evaluate.patterns(), evaluate.jsonFile(), judge.mode() == JudgeMode.STRICT ? 1 : Spec.DEFAULT_REPEATS);
        }
        AgentSpec agent = agent(map(root.get("agent"), "agent"), search);
        RunSpec run = run(map(root.get("run"), "run"));
        Map<String, String> requirements = requirements(root.get("requirements"));

        if (!problems.isEmpty()) return null;
        return new Spec(name, version, domain, description, author, scope, metrics, evaluate, judge, agent,
                search, run, requirements, source);
    }

    private Scope scope(Map<String, Object> m) {
        Map<String, Object> s = m == null ? Map.of() : m;
        checkKeys(s, "scope", SCOPE);
        Object eo = s.get("editable");
        List<String> editable = texts(eo, "scope.editable");
        if (eo == null || (editable != null && editable.isEmpty())) {
            problem("scope.editable", eo == null ? "is required" : "must list at least one file or glob",
                    "list the files the proposer may change, e.g. `editable: [train.py, \"src/**/*.java\"]`");
        }
        if (editable == null) editable = List.of();
        List<String> readonly = Optional.ofNullable(texts(s.get("readonly"), "scope.readonly")).orElse(List.of());
        globs(editable, "scope.editable");
        globs(readonly, "scope.readonly");
        for (int i = 0; i < readonly.size(); i++) {
            if (editable.contains(readonly.get(i))) {
                problem("scope.readonly[" + i + "]", "'" + readonly.get(i) + "' is both editable and readonly",
                        "remove it from one of the two lists");
            }
        }
        return new Scope(editable, readonly);
    }

    private void globs(List<String> globs, String path) {
        for (int i = 0; i < globs.size(); i++) {
            String g = globs.get(i);
            String at = path + "[" + i + "]";
            if (g.isBlank()) {
                problem(at, "is empty", "remove it or write a file name or glob");
            } else if (g.startsWith("/") || g.startsWith("\\") || g.matches("^[A-Za-z]:[\\\\/].*")) {
                problem(at, "'" + g + "' is absolute; globs are relative to the repository root",
                        "write it relative to the repository root, e.g. `src/**/*.py`");
            } else if (List.of(g.split("[/\\\\]")).contains("..")) {
                problem(at, "'" + g + "' points outside the repository", "only files inside the repository can be in scope");
            }
        }
    }

    private Metrics metrics(Map<String, Object> m) {
        Map<String, Object> s = m == null ? Map.of() : m;
        checkKeys(s, "metrics", METRICS);
        Object p = s.get("primary");
        MetricSpec primary = new MetricSpec("", Direction.MAXIMIZE);
        if (p == null) {
            problem("metrics.primary.name", "is required",
                    "add `metrics: {primary: {name: accuracy, optimize: maximize}}` naming the number to improve");
        } else if (p instanceof String shorthand && !shorthand.isBlank()) {
            Direction d = inferred(shorthand, "metrics.primary", "metrics.primary.optimize");
            primary = new MetricSpec(shorthand.trim(), d == null ? Direction.MAXIMIZE : d);
        } else {
            Map<String, Object> pm = map(p, "metrics.primary");
            if (pm != null) {
                checkKeys(pm, "metrics.primary", PRIMARY);
                String name = requiredText(pm, "name", "metrics.primary", "add `name: <metric>` under metrics.primary");
                Direction d = direction(pm, "metrics.primary", name);
                if (name != null && d != null) primary = new MetricSpec(name, d);
            }
        }

        Optional<QualityGuard> guard = Optional.empty();
        Map<String, Object> gm = map(s.get("quality_guard"), "metrics.quality_guard");
        if (gm != null) {
            checkKeys(gm, "metrics.quality_guard", GUARD);
            String name = requiredText(gm, "name", "metrics.quality_guard",
                    "add `name: <metric>` for the metric that must not get worse");
            Direction d = direction(gm, "metrics.quality_guard", name);
            Threshold t = threshold(gm.get("max_degradation"), "metrics.quality_guard.max_degradation");
            // a bare number is already a fraction of the best value (0.01 = 1%), as is "1%"
            if (name != null && name.equals(primary.name())) {
                problem("metrics.quality_guard.name", "the quality guard is the primary metric itself",
                        "guard a different metric (e.g. a loss while optimizing speed), or remove quality_guard");
            }
            if (name != null && d != null && t != null) guard = Optional.of(new QualityGuard(name, d, t.value()));
        }

        List<Constraint> constraints = new ArrayList<>();
        List<Object> cl = list(s.get("constraints"), "metrics.constraints");
        if (cl != null) {
            for (int i = 0; i < cl.size(); i++) {
                String at = "metrics.constraints[" + i + "]";
                Map<String, Object> cm = map(cl.get(i), at);
                if (cm == null) {
                    if (cl.get(i) == null) problem(at, "is empty", "write `{name: peak_vram_mb, max: 39000}`");
                    continue;
                }
                checkKeys(cm, at, CONSTRAINT);
                String name = requiredText(cm, "name", at, "add `name: <metric>` to the constraint");
                Double max = number(cm.get("max"), at + ".max");
                Double min = number(cm.get("min"), at + ".min");
                if (cm.get("max") == null && cm.get("min") == null) {
                    problem(at, "has neither max nor min", "add `max: <value>` and/or `min: <value>`");
                } else if (max != null && min != null && min > max) {
                    problem(at + ".min", "min " + min + " is above max " + max, "swap them");
                }
                if (name != null) constraints.add(new Constraint(name, Optional.ofNullable(max), Optional.ofNullable(min)));
            }
        }
        return new Metrics(primary, guard, constraints);
    }

    private Direction direction(Map<String, Object> m, String path, String name) {
        Object o = m.get("optimize");
        if (o == null) return name == null ? null : inferred(name, path, path + ".optimize");
        String t = text(o, path + ".optimize");
        if (t == null) return null;
        Direction d = Direction.parse(t);
        if (d == null) {
            problem(path + ".optimize", "must be minimize or maximize, found '" + t + "'",
                    "write `optimize: minimize` (lower is better) or `optimize: maximize` (higher is better)");
        }
        return d;
    }

    private Direction inferred(String name, String at, String path) {
        Optional<Direction> d = MetricNames.direction(name);
        if (d.isEmpty()) {
            problem(path, "cannot tell from the name '" + name + "' whether it should go up or down",
                    "add `optimize: minimize` or `optimize: maximize` under " + at);
        }
        return d.orElse(null);
    }

    private Evaluate evaluate(Map<String, Object> m, Metrics metrics) {
        Map<String, Object> s = m == null ? Map.of() : m;
        checkKeys(s, "evaluate", EVALUATE);
        String command = requiredText(s, "command", "evaluate",
                "add `command: <shell command>` that runs the evaluation and prints the metric");
        Optional<String> setup = Optional.ofNullable(text(s.get("setup"), "evaluate.setup"));
        int timeout = whole(s.get("timeout_seconds"), "evaluate.timeout_seconds", DEFAULT_TIMEOUT_SECONDS, 1);
        OutputFormat format = OutputFormat.PATTERN;
        String f = text(s.get("output_format"), "evaluate.output_format");
        if (f != null) {
            switch (f.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "pattern", "regex" -> format = OutputFormat.PATTERN;
                case "json" -> format = OutputFormat.JSON;
                case "metric-lines", "metrics-lines", "metric-line" -> format = OutputFormat.METRIC_LINES;
                default -> problem("evaluate.output_format", "unknown output format '" + f + "'",
                        "use pattern (a regex per metric), json (a JSON object line) or metric-lines (`METRIC name=value`)");
            }
        }

        Map<String, String> patterns = new LinkedHashMap<>();
        Map<String, Object> pm = map(s.get("patterns"), "evaluate.patterns");
        if (pm != null) {
            for (Map.Entry<String, Object> e : pm.entrySet()) {
                String at = "evaluate.patterns." + e.getKey();
                String regex = text(e.getValue(), at);
                if (regex == null) {
                    if (e.getValue() == null) problem(at, "has no regex", "write a regex with one capture group, e.g. '^loss:\\s*([\\d.]+)'");
                    continue;
                }
                if (regex(regex, at)) patterns.put(e.getKey(), regex);
            }
        }
        if (format == OutputFormat.PATTERN) {
            // every metric the judge reads needs a regex; "name: value" lines are the convention
            String p = metrics.primary().name();
            if (!p.isEmpty()) patterns.putIfAbsent("primary", patterns.getOrDefault(p, defaultPattern(p)));
            metrics.qualityGuard().ifPresent(g ->
                    patterns.putIfAbsent("quality_guard", patterns.getOrDefault(g.name(), defaultPattern(g.name()))));
            for (Constraint c : metrics.constraints()) patterns.putIfAbsent(c.name(), defaultPattern(c.name()));
        }

        Optional<String> jsonFile = Optional.ofNullable(text(s.get("json_file"), "evaluate.json_file"));
        if (jsonFile.isPresent() && format != OutputFormat.JSON) {
            problem("evaluate.json_file", "is only read when output_format is json",
                    "set `output_format: json`, or remove json_file");
        }
        int repeats = whole(s.get("repeats"), "evaluate.repeats", 1, 1);
        return new Evaluate(command == null ? "" : command, setup, timeout, format, patterns, jsonFile, repeats);
    }

    /** True when {@code regex} compiles and captures; otherwise reports why at {@code path}. */
    private boolean regex(String regex, String path) {
        try {
            Pattern p = Pattern.compile(regex);
            if (p.matcher("").groupCount() < 1) {
                problem(path, "the regex '" + regex + "' has no capture group, so no value can be read",
                        "put parentheses around the number, e.g. '^loss:\\s*([\\d.]+)'");
                return false;
            }
            return true;
        } catch (PatternSyntaxException e) {
            problem(path, "the regex '" + regex + "' does not compile: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " (at character " + e.getIndex() + ")" : ""),
                    "fix the regex; in YAML single quotes keep backslashes as they are: '^loss:\\s*([\\d.]+)'");
            return false;
        }
    }

    private static boolean hasKey(Object section, String key) {
        return section instanceof Map<?, ?> map && map.get(key) != null;
    }

    private JudgeSpec judge(Map<String, Object> m) {
        Map<String, Object> s = m == null ? Map.of() : m;
        checkKeys(s, "judge", JUDGE);
        JudgeMode mode = JudgeMode.AUTO;
        String t = text(s.get("mode"), "judge.mode");
        if (t != null) {
            try {
                mode = JudgeMode.valueOf(t.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problem("judge.mode", "unknown mode '" + t + "'", "use auto, strict or statistical");
            }
        }
        Threshold min = Optional.ofNullable(threshold(s.get("min_improvement"), "judge.min_improvement")).orElse(Threshold.ZERO);
        double confidence = 0.95;
        Double c = number(s.get("confidence"), "judge.confidence");
        if (c != null) {
            if (c <= 0 || c >= 1) {
                problem("judge.confidence", "must be between 0 and 1 (exclusive), found " + c, "e.g. `confidence: 0.95`");
            } else {
                confidence = c;
            }
        }
        boolean simplicity = bool(s.get("simplicity"), "judge.simplicity", true);
        int maxRepeats = whole(s.get("max_repeats"), "judge.max_repeats", JudgeSpec.DEFAULT_MAX_REPEATS, 1);
        if (maxRepeats > 50) {
            problem("judge.max_repeats", "must be at most 50, found " + maxRepeats, "e.g. `max_repeats: 7`");
            maxRepeats = JudgeSpec.DEFAULT_MAX_REPEATS;
        }
        int remeasure = whole(s.get("remeasure_every"), "judge.remeasure_every", JudgeSpec.DEFAULT_REMEASURE_EVERY, 0);
        return new JudgeSpec(mode, min, confidence, simplicity, maxRepeats, remeasure);
    }

    /** A non-negative number (absolute) or a percentage string like "0.5%" (relative). */
    private Threshold threshold(Object o, String path) {
        if (o == null) return Threshold.ZERO;
        String hint = "write a number like 0.01 or a percentage like \"0.5%\"";
        BigDecimal value;
        boolean relative = false;
        if (o instanceof Number n && Double.isFinite(n.doubleValue())) {
            value = decimal(n);
        } else if (o instanceof String str) {
            String t = str.trim();
            if (t.endsWith("%")) {
                relative = true;
                t = t.substring(0, t.length() - 1).trim();
            }
            try {
                value = new BigDecimal(t);
            } catch (NumberFormatException e) {
                problem(path, "'" + str + "' is not a number or a percentage", hint);
                return null;
            }
            if (relative) value = value.movePointLeft(2);
        } else {
            problem(path, "must be a number or a percentage, found " + describe(o), hint);
            return null;
        }
        if (value.signum() < 0) {
            problem(path, "must not be negative, found " + o, hint);
            return null;
        }
        return new Threshold(value.doubleValue(), relative);
    }

    private AgentSpec agent(Map<String, Object> m, SearchSpec search) {
        Map<String, Object> s = m == null ? Map.of() : m;
        if (s.containsKey("api_key")) {
            // Never echo the value: it is probably a key.
            problem("agent.api_key", "keys do not belong in helix.yaml (it is committed and shared)",
                    "remove it, export the key in your shell, and name the variable: `api_key_env: OPENAI_API_KEY`");
            s = new java.util.LinkedHashMap<>(s);
            s.remove("api_key");
        }
        checkKeys(s, "agent", AGENT);
        String backend = choice(s.get("backend"), "agent.backend", "backend", backends,
                search.parameters().isEmpty() ? "claude" : "tune", "known backends: " + String.join(", ", backends));
        Optional<String> model = Optional.ofNullable(text(s.get("model"), "agent.model"));
        int maxTurns = whole(s.get("max_turns"), "agent.max_turns", 200, 1);
        int maxFix = whole(s.get("max_fix_attempts"), "agent.max_fix_attempts", 2, 0);
        Optional<String> command = Optional.ofNullable(text(s.get("command"), "agent.command"));
        if (backend.equals("command") && command.filter(c -> !c.isBlank()).isEmpty()) {
            problem("agent.command", "is required when the backend is command",
                    "add `command: ./my-agent` (it gets one JSON request on stdin, answers one JSON reply on stdout)");
        }
        if (backend.equals("tune") && search.parameters().isEmpty()) {
            problem("search.parameters", "the tune backend needs at least one parameter to tune",
                    "add `search: {parameters: {lr: {file: train.py, pattern: 'LR = ([0-9.eE-]+)', range: [1e-4, 1e-1], log: true}}}`");
        }
        int timeout = whole(s.get("timeout_seconds"), "agent.timeout_seconds", DEFAULT_AGENT_TIMEOUT_SECONDS, 1);
        Optional<String> baseUrl = Optional.ofNullable(text(s.get("base_url"), "agent.base_url")).map(String::strip);
        baseUrl.filter(u -> !u.matches("https?://[^\\s]+")).ifPresent(u -> problem("agent.base_url",
                "must be an http:// or https:// URL, found '" + u + "'", "e.g. `base_url: http://127.0.0.1:11434/v1`"));
        Optional<String> keyEnv = Optional.ofNullable(text(s.get("api_key_env"), "agent.api_key_env")).map(String::strip);
        if (keyEnv.isPresent() && !ENV_NAME.matcher(keyEnv.get()).matches()) {
            // Never echo the value: someone may have pasted the key itself here.
            problem("agent.api_key_env", "must be the NAME of an environment variable (letters, digits, _), not a key",
                    "e.g. `api_key_env: OPENAI_API_KEY`, with the key exported in your shell");
        }
        int promptChars = whole(s.get("prompt_chars"), "agent.prompt_chars", AgentSpec.DEFAULT_PROMPT_CHARS, 2000);
        int historyRows = whole(s.get("history_rows"), "agent.history_rows", AgentSpec.DEFAULT_HISTORY_ROWS, 0);
        int maxTokens = whole(s.get("max_tokens"), "agent.max_tokens", AgentSpec.DEFAULT_MAX_TOKENS, 16);
        List<String> extraArgs = s.get("extra_args") == null ? List.of() : texts(s.get("extra_args"), "agent.extra_args");
        return new AgentSpec(backend, model, maxTurns, maxFix, command, timeout, baseUrl, keyEnv, promptChars,
                historyRows, maxTokens, extraArgs == null ? List.of() : extraArgs);
    }

    private SearchSpec search(Map<String, Object> m) {
        Map<String, Object> s = m == null ? Map.of() : m;
        checkKeys(s, "search", SEARCH);
        List<Parameter> parameters = new ArrayList<>();
        Map<String, Object> pm = map(s.get("parameters"), "search.parameters");
        if (pm != null) {
            for (Map.Entry<String, Object> e : pm.entrySet()) {
                Parameter p = parameter(e.getKey(), e.getValue(), "search.parameters." + e.getKey());
                if (p != null) parameters.add(p);
            }
        }
        long seed = 0;
        Object so = s.get("seed");
        if (so != null) {
            BigInteger big = integral(so);
            if (big == null || big.bitLength() > 63) {
                problem("search.seed", "must be a whole number, found " + describe(so), "e.g. `seed: 42`");
            } else {
                seed = big.longValue();
            }
        }
        int count = pm == null ? 0 : pm.size();
        int initial = whole(s.get("initial_random"), "search.initial_random", Math.max(3, count), 0);
        return new SearchSpec(parameters, seed, initial);
    }

    private Parameter parameter(String name, Object o, String at) {
        Map<String, Object> m = map(o, at);
        if (m == null) {
            if (o == null) problem(at, "has no definition", "write `{file: train.py, pattern: 'LR = ([0-9.eE-]+)', range: [1e-4, 1e-1]}`");
            return null;
        }
        checkKeys(m, at, PARAMETER);
        int before = problems.size();
        String file = requiredText(m, "file", at, "add `file: <path>` naming the file that holds the value");
        if (file != null) globs(List.of(file), at + ".file");
        String pattern = requiredText(m, "pattern", at,
                "add `pattern: '<regex>'` whose first capture group is the value, e.g. 'LR = ([0-9.eE-]+)'");
        if (pattern != null) regex(pattern, at + ".pattern");

        if (m.get("values") != null && m.get("choices") != null) {
            problem(at + ".choices", "both values and choices are given", "keep one of them");
        }
        String choicesKey = m.get("values") != null ? "values" : "choices";
        Object choicesObj = m.get(choicesKey);
        ParamType type = choicesObj != null ? ParamType.CATEGORICAL : ParamType.FLOAT;
        String t = text(m.get("type"), at + ".type");
        if (t != null) {
            switch (t.trim().toLowerCase(Locale.ROOT)) {
                case "float", "double", "real" -> type = ParamType.FLOAT;
                case "int", "integer" -> type = ParamType.INT;
                case "categorical", "choice", "enum" -> type = ParamType.CATEGORICAL;
                default -> problem(at + ".type", "unknown type '" + t + "'", "use float, int or categorical");
            }
        }
        boolean log = bool(m.get("log"), at + ".log", false);
        List<String> choices = List.of();
        double low = 0;
        double high = 0;
        if (type == ParamType.CATEGORICAL) {
            if (m.get("range") != null) {
                problem(at + ".range", "a categorical parameter takes values, not a range", "remove range, or set `type: float`");
            }
            if (log) problem(at + ".log", "log scale does not apply to a categorical parameter", "remove `log: true`");
            List<String> cs = texts(choicesObj, at + "." + choicesKey);
            if (cs == null || cs.isEmpty()) {
                if (choicesObj == null || cs != null) {
                    problem(at + "." + choicesKey, "a categorical parameter needs at least one value",
                            "add `values: [adam, sgd]`, written as they appear in the file");
                }
            } else {
                choices = cs;
                high = cs.size() - 1; // an index range, for tuners that think in numbers
            }
        } else {
            if (choicesObj != null) {
                problem(at + "." + choicesKey, choicesKey + " are for categorical parameters",
                        "set `type: categorical`, or use `range: [low, high]`");
            }
            List<Object> range = list(m.get("range"), at + ".range");
            if (m.get("range") == null) {
                problem(at + ".range", "is required for a " + type.name().toLowerCase(Locale.ROOT) + " parameter",
                        "add `range: [low, high]`");
            } else if (range != null) {
                if (range.size() != 2) {
                    problem(at + ".range", "must be [low, high], found " + range.size() + " values", "e.g. `range: [1e-4, 1e-1]`");
                } else {
                    Double lo = number(range.get(0), at + ".range[0]");
                    Double hi = number(range.get(1), at + ".range[1]");
                    if (lo != null && hi != null) {
                        if (!(lo < hi)) {
                            problem(at + ".range", "low " + lo + " must be below high " + hi, "write `range: [low, high]`");
                        } else if (log && lo <= 0) {
                            problem(at + ".log", "log scale needs a positive range, found low " + lo,
                                    "raise the low end above 0, or remove `log: true`");
                        }
                        if (type == ParamType.INT && (lo != Math.rint(lo) || hi != Math.rint(hi))) {
                            problem(at + ".range", "an int parameter needs whole-number bounds, found [" + lo + ", " + hi + "]",
                                    "use whole numbers, or `type: float`");
                        }
                        low = lo;
                        high = hi;
                    }
                }
            }
        }
        if (problems.size() > before) return null;
        return new Parameter(name, file, pattern, type, low, high, log, choices);
    }

    private RunSpec run(Map<String, Object> m) {
        Map<String, Object> s = m == null ? Map.of() : m;
        checkKeys(s, "run", RUN);
        int workers = whole(s.get("workers"), "run.workers", 1, 1);
        String executor = choice(s.get("executor"), "run.executor", "executor", EXECUTORS, "local", "use local or slurm");
        List<String> slots = Optional.ofNullable(texts(s.get("slots"), "run.slots")).orElse(List.of());
        for (int i = 0; i < slots.size(); i++) {
            if (Slot.parse(i + 1, slots.get(i)).isEmpty()) {
                problem("run.slots", "'" + slots.get(i) + "' is not a slot",
                        "list GPU ids (0, \"0,1\" or \"gpu:0,1\": the evaluation gets CUDA_VISIBLE_DEVICES) "
                                + "or CPU sets (\"cpu:0-3\": the evaluation is pinned to them)");
            }
        }
        Spec.OnStale onStale = Spec.OnStale.valueOf(choice(s.get("on_stale"), "run.on_stale", "value", List.of("rebase", "discard"),
                "rebase", "use rebase (re-apply the change on the new best and evaluate it again) or discard").toUpperCase(Locale.ROOT));
        List<String> directions = Optional.ofNullable(texts(s.get("directions"), "run.directions")).orElse(List.of());
        for (String d : directions) {
            if (d.isBlank()) problem("run.directions", "has an empty entry", "write a section title of program.md or a line of text");
        }
        return new RunSpec(workers, executor, slots, slurm(map(s.get("slurm"), "run.slurm")), onStale,
                directions.stream().map(String::strip).toList());
    }

    /**
     * One of {@code choices}, case and surrounding blanks ignored; absent: {@code dflt}; anything
     * else is a problem ("unknown {@code what} 'x'") suggesting the closest choice, and gives {@code dflt}.
     */
    private String choice(Object o, String path, String what, List<String> choices, String dflt, String fix) {
        String t = text(o, path);
        if (t == null) return dflt;
        String lt = t.trim().toLowerCase(Locale.ROOT);
        if (choices.contains(lt)) return lt;
        problem(path, "unknown " + what + " '" + t + "'", closest(lt, choices).map(c -> "did you mean '" + c + "'? ").orElse("") + fix);
        return dflt;
    }

    private Spec.SlurmSpec slurm(Map<String, Object> m) {
        if (m == null) return Spec.SlurmSpec.DEFAULT;
        checkKeys(m, "run.slurm", SLURM);
        Optional<String> partition = nonBlank(m, "partition", "e.g. `partition: gpu` (sinfo lists them), or remove it");
        int cpus = whole(m.get("cpus"), "run.slurm.cpus", 0, 1);
        Optional<String> mem = nonBlank(m, "mem", "e.g. `mem: 16G`");
        if (mem.isPresent() && !SLURM_MEM.matcher(mem.get()).matches()) {
            problem("run.slurm.mem", "'" + mem.get() + "' is not a Slurm memory size",
                    "write a whole number with an optional unit K, M, G or T, e.g. `mem: 16G` or `mem: 4000` (megabytes)");
            mem = Optional.empty();
        }
        Optional<String> gres = nonBlank(m, "gres", "e.g. `gres: gpu:1`, quoted if you like");
        List<String> extra = m.get("extra_args") == null ? List.of() : texts(m.get("extra_args"), "run.slurm.extra_args");
        return new Spec.SlurmSpec(partition, cpus, mem, gres, extra == null ? List.of() : extra);
    }

    private Optional<String> nonBlank(Map<String, Object> m, String key, String fix) {
        String at = "run.slurm." + key;
        String t = text(m.get(key), at);
        if (t == null) return Optional.empty();
        if (t.isBlank()) {
            problem(at, "must not be empty", fix);
            return Optional.empty();
        }
        return Optional.of(t.strip());
    }

    private Map<String, String> requirements(Object o) {
        Map<String, Object> m = map(o, "requirements");
        Map<String, String> out = new TreeMap<>();
        if (m == null) return out;
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String at = "requirements." + e.getKey();
            Object v = e.getValue();
            if (v == null) {
                problem(at, "has no value", "write `" + e.getKey() + ": <version or description>`, or remove it");
            } else if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                out.put(e.getKey(), scalar(v));
            } else {
                problem(at, "must be a single value, found " + describe(v), "write it as text, e.g. `python: \">=3.11\"`");
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- values

    private void checkKeys(Map<String, ?> m, String path, List<String> known) {
        for (String key : m.keySet()) {
            if (known.contains(key)) continue;
            String at = path.isEmpty() ? key : path + "." + key;
            Optional<String> guess = closest(key, known);
            problem(at, "unknown key '" + key + "'" + (path.isEmpty() ? "" : " in " + path),
                    guess.map(g -> "did you mean '" + g + "'?")
                            .orElse("known keys" + (path.isEmpty() ? "" : " in " + path) + ": " + String.join(", ", known)));
        }
    }

    private String requiredText(Map<String, ?> m, String key, String parent, String fix) {
        String at = parent.isEmpty() ? key : parent + "." + key;
        Object o = m.get(key);
        String t = text(o, at);
        if (o == null || (t != null && t.isBlank())) {
            problem(at, o == null ? "is required" : "must not be empty", fix);
            return null;
        }
        return t;
    }

    private String text(Object o, String path) {
        if (o == null) return null;
        if (o instanceof String || o instanceof Number || o instanceof Boolean) return scalar(o);
        problem(path, "must be text, found " + describe(o), "write a single value on the same line, quoted if it has ': ' or '#'");
        return null;
    }

    private Map<String, Object> map(Object o, String path) {
        if (o == null) return null;
        if (o instanceof Map<?, ?> m) return stringKeys(m);
        wrongType(path);
        problem(path, "must be a map (indented `key: value` lines), found " + describe(o),
                "write the fields of " + path + " on indented lines below it");
        return null;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, String path) {
        if (o == null) return null;
        if (o instanceof List<?> l) return (List<Object>) l;
        wrongType(path);
        problem(path, "must be a list, found " + describe(o),
                o instanceof String s ? "write `[" + s + "]` (a list of one), or one `- item` per line" : "write `[a, b]` or one `- item` per line");
        return null;
    }

    private List<String> texts(Object o, String path) {
        List<Object> l = list(o, path);
        if (l == null) return null;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            Object v = l.get(i);
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                out.add(scalar(v));
            } else {
                problem(path + "[" + i + "]", "must be text, found " + describe(v), "write a single value per item");
            }
        }
        return out;
    }

    private int whole(Object o, String path, int dflt, int min) {
        if (o == null) return dflt;
        BigInteger big = integral(o);
        if (big == null || big.bitLength() > 31) {
            problem(path, "must be a whole number, found " + describe(o), "e.g. `" + last(path) + ": " + Math.max(dflt, min) + "`");
            return dflt;
        }
        int v = big.intValue();
        if (v < min) {
            problem(path, "must be at least " + min + ", found " + v, "e.g. `" + last(path) + ": " + Math.max(dflt, min) + "`");
            return dflt;
        }
        return v;
    }

    private Double number(Object o, String path) {
        if (o == null) return null;
        Double d = null;
        if (o instanceof Number n) {
            d = n.doubleValue();
        } else if (o instanceof String s) {
            try {
                d = new BigDecimal(s.trim()).doubleValue();
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        if (d == null || !Double.isFinite(d)) {
            problem(path, "must be a number, found " + describe(o), "write a plain number, e.g. 0.5 or 1e-4");
            return null;
        }
        return d;
    }

    private boolean bool(Object o, String path, boolean dflt) {
        if (o == null) return dflt;
        if (o instanceof Boolean b) return b;
        if (o instanceof String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> { return true; }
                case "false", "no", "off" -> { return false; }
                default -> { }
            }
        }
        problem(path, "must be true or false, found " + describe(o), "write `" + last(path) + ": true` or `" + last(path) + ": false`");
        return dflt;
    }

    /** A whole number from a Number or numeric text, else null. */
    private static BigInteger integral(Object o) {
        try {
            BigDecimal d;
            if (o instanceof Number n) {
                if (!Double.isFinite(n.doubleValue())) return null;
                d = decimal(n);
            } else if (o instanceof String s) {
                d = new BigDecimal(s.trim());
            } else {
                return null;
            }
            return d.toBigIntegerExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal b) return b;
        if (n instanceof BigInteger b) return new BigDecimal(b);
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) return BigDecimal.valueOf(n.longValue());
        return new BigDecimal(n.toString());
    }

    private static String scalar(Object o) {
        if (o instanceof BigDecimal b) return b.toString();
        return String.valueOf(o);
    }

    private static String describe(Object o) {
        if (o == null) return "nothing";
        if (o instanceof Map<?, ?>) return "a map";
        if (o instanceof List<?>) return "a list";
        if (o instanceof Boolean b) return b.toString();
        if (o instanceof Number n) return n.toString();
        if (o instanceof String s) return "'" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "'";
        return o.getClass().getSimpleName();
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), e.getValue());
        return out;
    }

    private static String last(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private void wrongType(String path) {
        broken.add(path);
    }

    private void problem(String path, String message, String suggestion) {
        for (String b : broken) {
            if (path.startsWith(b + ".") || path.startsWith(b + "[")) return;
        }
        problems.add(new Problem(source, path, lineAt(path), message, suggestion));
    }

    /** The line of {@code path}, or of its nearest parent the loader knows. */
    private int lineAt(String path) {
        String p = path;
        while (!p.isEmpty()) {
            int line;
            try {
                line = lineOf.applyAsInt(p);
            } catch (RuntimeException e) {
                line = 0;
            }
            if (line > 0) return line;
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return 0;
    }

    /** Optimal string alignment distance: edits plus adjacent swaps ("optmiize"). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

}

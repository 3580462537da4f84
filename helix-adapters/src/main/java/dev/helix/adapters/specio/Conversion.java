package dev.helix.adapters.specio;

import dev.helix.core.spec.Direction;
import dev.helix.core.spec.MetricNames;
import dev.helix.core.spec.Problem;
import dev.helix.core.spec.SpecKey;
import dev.helix.core.spec.SpecReader;
import dev.helix.core.spec.SpecSchema;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One other-format file mapped key by key onto the helix.yaml tree, remembering lines and the
 * original key names, and turning what those tools mean (a grep pattern, a shell command that
 * prints the metric, "no new dependencies") into the helix.yaml keys that do the same.
 */
final class Conversion {

    /** The files that declare or pin a project's dependencies: readonly under no_new_dependencies. */
    static final List<String> MANIFESTS = List.of("requirements.txt", "requirements-dev.txt", "pyproject.toml", "setup.py",
            "setup.cfg", "uv.lock", "poetry.lock", "Pipfile", "Pipfile.lock", "environment.yml", "package.json",
            "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "Cargo.toml", "Cargo.lock", "go.mod", "go.sum",
            "Gemfile", "Gemfile.lock", "pom.xml", "build.gradle", "build.gradle.kts", "composer.json", "composer.lock", "pubspec.yaml",
            "pubspec.lock");

    /** A number, as the metric convention of these tools reads it. */
    static final String NUMBER = "[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?";

    /** metric_parse is a shell command (that tool's meaning) when it starts with a command or pipes. */
    private static final Pattern SHELL = Pattern.compile(
            "^(?:grep|egrep|rg|awk|sed|tail|head|cat|cut|jq|python3?|uv|node|perl|sh|bash|echo|tr|sort)\\b.*|.*\\s\\|\\s.*");

    private final String source;
    private final Path dir;
    private final OtherFormats.Format format;
    private final List<String> known;
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Map<String, Integer> lines = new LinkedHashMap<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, Integer> seen = new LinkedHashMap<>();
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private String grepName;
    private int noNewDependencies;

    Conversion(String source, Path dir, OtherFormats.Format format) {
        this.source = source;
        this.dir = dir;
        this.format = format;
        this.names.putAll(format.names());
        this.known = format.keys();
    }

    void put(String key, Object value, int line) {
        if (!known.contains(key)) {
            problems.add(new Problem(source, key, line, "unknown key '" + key + "'",
                    SpecReader.closest(key, known).map(g -> "did you mean '" + g + "'?")
                            .orElse("known keys: " + String.join(", ", known))));
            return;
        }
        if (seen.containsKey(key)) {
            problems.add(new Problem(source, key, line, "duplicate key '" + key + "' (first on line " + seen.get(key) + ")",
                    "keep one of them"));
            return;
        }
        seen.put(key, line);
        String path = format.paths().get(key);
        switch (key) {
            case "time_budget" -> {
                Optional<Double> s = OtherFormats.seconds(value);
                if (s.isEmpty()) {
                    problems.add(new Problem(source, key, line, "'" + value + "' is not a duration",
                            "write seconds (300) or a duration like \"5m\""));
                } else {
                    // the budget is the run's own; Helix's wall clock allows twice that for start-up and evaluation
                    long timeout = (long) Math.ceil(2 * s.get());
                    set(path, key, timeout, line);
                    notes.add(key + " " + fmt(s.get()) + "s became evaluate.timeout_seconds " + timeout
                            + " (twice the budget: the wall-clock limit also covers start-up and evaluation).");
                }
            }
            case "branch", "tag" -> {
                String text = String.valueOf(value).strip();
                String tag = text.substring(text.lastIndexOf('/') + 1);
                set(path, key, tag, line);
                notes.add(key + " '" + text + "' became the session tag " + tag + " (branch helix/" + tag
                        + "; -2, -3 ... when it is taken).");
            }
            case "metric_grep" -> {
                String grep = String.valueOf(value);
                grepName = name(grep);
                set(path, key, grepRegex(grep), line);
            }
            case "secondary_metrics" -> secondary(value, line);
            case "no_new_dependencies" -> {
                if (value instanceof Boolean b) {
                    if (b) noNewDependencies = line;
                } else {
                    problems.add(new Problem(source, key, line, "must be true or false, found '" + value + "'",
                            "write \"no_new_dependencies\": true"));
                }
            }
            case "metric_parse" -> {
                String text = String.valueOf(value).strip();
                if (SHELL.matcher(text).matches()) {
                    // that tool runs `run_command > run.log`; Helix keeps the log itself and names it in $HELIX_LOG,
                    // unless the run_command writes run.log itself (`... > run.log 2>&1`): then Helix's log is empty
                    String read = text.replaceAll("(?<![\\w./-])run\\.log\\b", "\"\\$HELIX_LOG\"");
                    String command = read.equals(text) ? text : "[ ! -s run.log ] || HELIX_LOG=run.log; " + read;
                    set("evaluate.metric_command", key, command, line);
                    notes.add(key + " is a shell command: it became evaluate.metric_command"
                            + (command.equals(text) ? "" : ", reading the evaluation's log from $HELIX_LOG instead of run.log (run.log itself when the run_command writes it)") + ".");
                } else {
                    set(path, key, text, line);
                }
            }
            default -> set(path, key, SpecSchema.find(path).orElseThrow().type() == SpecKey.Type.TEXTS ? list(value) : value, line);
        }
    }

    /** secondary_metrics: grep patterns (or {name, grep} objects), each parsed into metrics.record. */
    private void secondary(Object value, int line) {
        List<Object> items = value instanceof List<?> l ? new ArrayList<>(l) : list(value);
        List<Object> recorded = new ArrayList<>();
        for (Object item : items) {
            String grep;
            String metric;
            if (item instanceof Map<?, ?> m) {
                Object g = m.get("grep") != null ? m.get("grep") : m.get("metric_grep") != null ? m.get("metric_grep") : m.get("pattern");
                grep = g == null ? null : String.valueOf(g);
                metric = m.get("name") != null ? String.valueOf(m.get("name")) : grep == null ? null : name(grep);
            } else {
                grep = String.valueOf(item);
                metric = name(grep);
            }
            if (grep == null || metric == null || metric.isEmpty()) {
                problems.add(new Problem(source, "secondary_metrics", line, "'" + item + "' names no metric",
                        "list grep patterns like \"^peak_vram_mb:\", or objects {\"name\": \"peak_vram_mb\", \"grep\": \"^peak_vram_mb:\"}"));
                continue;
            }
            recorded.add(metric);
            set("evaluate.patterns." + metric, "secondary_metrics", grepRegex(grep), line);
        }
        set("metrics.record", "secondary_metrics", recorded, line);
    }

    /** A grep pattern like `^val_bpb:` as a regex whose group is the number after it on the line. */
    static String grepRegex(String grep) {
        return "(?:" + grep + ")[^\\n\\d+\\-.]*(" + NUMBER + ")";
    }

    /** The metric a grep pattern names: `^val_bpb:` → val_bpb. */
    static String name(String grep) {
        String n = grep.replaceAll("\\\\[sSdDwWbB]", " ").replaceAll("[^A-Za-z0-9_./-]+", " ").strip();
        int space = n.indexOf(' ');
        return (space < 0 ? n : n.substring(0, space)).replaceAll("[.:/-]+$", "");
    }

    private List<Object> list(Object v) {
        if (v instanceof List<?> l) return new ArrayList<>(l);
        if (v instanceof String s) {
            if (!format.commaLists()) return new ArrayList<>(List.of(s));
            String inner = s.strip();
            if (inner.startsWith("[") && inner.endsWith("]")) inner = inner.substring(1, inner.length() - 1);
            List<Object> out = new ArrayList<>();
            for (String part : inner.split(",")) {
                String p = OtherFormats.unwrap(part);
                if (!p.isEmpty()) out.add(p);
            }
            return out;
        }
        return v == null ? null : new ArrayList<>(List.of(v));
    }

    @SuppressWarnings("unchecked")
    private void set(String path, String key, Object value, int line) {
        String[] parts = path.split("\\.");
        Map<String, Object> m = root;
        for (int i = 0; i < parts.length - 1; i++) {
            m = (Map<String, Object>) m.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        m.put(parts[parts.length - 1], value);
        lines.put(path, line);
        names.put(path, key);
    }

    @SuppressWarnings("unchecked")
    private Object get(String path) {
        Object o = root;
        for (String part : path.split("\\.")) {
            if (!(o instanceof Map<?, ?> m)) return null;
            o = ((Map<String, Object>) m).get(part);
        }
        return o;
    }

    SpecFiles.Document finish() {
        String dirName = dir == null || dir.getFileName() == null ? "" : dir.getFileName().toString();
        // the defaults that let a file without helix.yaml's descriptive fields load
        if (get("name") == null) set("name", "name", SpecFiles.projectName(dirName), 0);
        if (get("domain") == null) set("domain", "domain", "general", 0);
        if (get("metrics.primary.name") == null && grepName != null && !grepName.isEmpty()) {
            set("metrics.primary.name", "metric_grep", grepName, seen.get("metric_grep"));
        }
        if (get("metrics.primary.name") == null && format == OtherFormats.JSON) {
            set("metrics.primary.name", "metric_name", "score", 0);
            notes.add(source + " names no metric: the command must print `score: <value>` (or add metric_name and metric_grep).");
        }
        if (format == OtherFormats.TOML && get("evaluate.patterns.primary") == null && get("evaluate.metric_command") == null
                && get("metrics.primary.name") != null) {
            // that tool's convention: the number on the metric's line (with or without a colon), else the output's last number
            set("evaluate.output_format", "metric_name", "last-number", seen.getOrDefault("metric_name", 0));
        }
        if (noNewDependencies > 0) readonlyManifests();
        if (get("description") == null) {
            Object metric = get("metrics.primary.name");
            Object command = get("evaluate.command");
            Object optimize = get("metrics.primary.optimize");
            Direction d = optimize != null ? Direction.parse(String.valueOf(optimize))
                    : metric == null ? null : MetricNames.direction(String.valueOf(metric)).orElse(null);
            String verb = d == null ? "Improve" : d == Direction.MINIMIZE ? "Minimize" : "Maximize";
            set("description", "description", metric == null ? "Converted from " + source + "."
                    : verb + " " + metric + (command == null ? "" : " as measured by `" + command + "`")
                    + " (converted from " + source + ").", 0);
        }
        Object metric = get("metrics.primary.name");
        if (metric != null && get("metrics.primary.optimize") == null) MetricNames.why(String.valueOf(metric)).ifPresent(notes::add);
        return new SpecFiles.Document(root, lines, problems, names, notes);
    }

    /** no_new_dependencies: the project's manifests and lock files join scope.readonly (hash-checked). */
    private void readonlyManifests() {
        List<Object> readonly = get("scope.readonly") instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
        List<String> added = new ArrayList<>();
        for (String m : MANIFESTS) {
            if (dir != null && Files.isRegularFile(dir.resolve(m)) && !readonly.contains(m)) {
                readonly.add(m);
                added.add(m);
            }
        }
        String key = names.getOrDefault("scope.readonly", "no_new_dependencies");
        int line = lines.getOrDefault("scope.readonly", noNewDependencies);
        set("scope.readonly", key, readonly, line);
        notes.add("no_new_dependencies: " + (added.isEmpty() ? "no dependency manifest or lock file here to protect"
                : String.join(", ", added) + " became readonly") + ".");
    }

    private static String fmt(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}

package dev.helix.adapters.specio;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.core.spec.Direction;
import dev.helix.core.spec.MetricNames;
import dev.helix.core.spec.Problem;
import dev.helix.core.spec.SpecException;
import dev.helix.core.spec.SpecKey;
import dev.helix.core.spec.SpecReader;
import dev.helix.core.spec.SpecSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * The other spec formats Helix reads (autoresearch.toml, research.json, the `## autoresearch`
 * section of CLAUDE.md), each mapped key by key into the helix.yaml tree so one validator serves all.
 * Problems keep the format's own key names ("run_command", not "evaluate.command").
 */
final class OtherFormats {

    /**
     * One format: its keys, in the order messages list them, and the helix.yaml key (a path of
     * {@link SpecSchema}) each lands on; keys without one only leave a note.
     */
    record Format(List<String> keys, Map<String, String> paths, boolean commaLists) {
        Format {
            for (String path : paths.values()) {
                SpecSchema.find(path).orElseThrow(() -> new IllegalStateException(path + " is not a key of helix.yaml"));
            }
        }

        /** helix.yaml path → the key as this format spells it, so problems can name what the person wrote. */
        Map<String, String> names() {
            Map<String, String> names = new LinkedHashMap<>();
            paths.forEach((key, path) -> {
                if (!key.equals(path)) names.put(path, key);
            });
            return names;
        }
    }

    private static final Map<String, String> DESCRIPTIVE = Map.of("name", "name", "domain", "domain", "description", "description");

    static final Format TOML = new Format(List.of("target_file", "eval_command", "metric_name", "metric_direction",
            "time_budget", "branch", "name", "domain", "description", "readonly_files", "metric_parse"),
            with(DESCRIPTIVE, "target_file", "scope.editable", "readonly_files", "scope.readonly", "eval_command", "evaluate.command",
                    "metric_name", "metrics.primary.name", "metric_direction", "metrics.primary.optimize",
                    "time_budget", "evaluate.timeout_seconds", "metric_parse", "evaluate.patterns.primary"), false);
    static final Format JSON = new Format(List.of("run_command", "modifiable_files", "readonly_files", "timeout_seconds",
            "metric_direction", "tag", "setup_check", "name", "domain", "description", "metric_name", "metric_parse"),
            with(DESCRIPTIVE, "modifiable_files", "scope.editable", "readonly_files", "scope.readonly", "run_command", "evaluate.command",
                    "setup_check", "evaluate.setup", "timeout_seconds", "evaluate.timeout_seconds", "metric_name", "metrics.primary.name",
                    "metric_direction", "metrics.primary.optimize", "metric_parse", "evaluate.patterns.primary"), false);
    static final Format MARKDOWN = new Format(List.of("target_file", "run_command", "metric_name", "metric_parse",
            "metric_direction", "time_budget", "readonly_files", "name", "domain", "description"),
            with(DESCRIPTIVE, "target_file", "scope.editable", "readonly_files", "scope.readonly", "run_command", "evaluate.command",
                    "metric_name", "metrics.primary.name", "metric_direction", "metrics.primary.optimize",
                    "time_budget", "evaluate.timeout_seconds", "metric_parse", "evaluate.patterns.primary"), true);

    private static Map<String, String> with(Map<String, String> base, String... keyThenPath) {
        Map<String, String> out = new LinkedHashMap<>(base);
        for (int i = 0; i < keyThenPath.length; i += 2) out.put(keyThenPath[i], keyThenPath[i + 1]);
        return Map.copyOf(out);
    }

    /** The section heading that marks Helix's settings in a CLAUDE.md. */
    static final Pattern SECTION = Pattern.compile("^##\\s+autoresearch\\b.*$", Pattern.CASE_INSENSITIVE);

    private OtherFormats() {}

    static SpecFiles.Document toml(String text, String source, String dirName) {
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            List<Problem> ps = new ArrayList<>();
            for (TomlParseError e : toml.errors()) {
                TomlPosition p = e.position();
                ps.add(new Problem(source, "", p == null ? 0 : p.line(),
                        "TOML syntax error" + (p == null ? "" : " at column " + p.column()) + ": " + e.getMessage(),
                        "check the quoting on that line: strings need \"double quotes\", e.g. eval_command = \"uv run train.py\""));
            }
            throw new SpecException(ps);
        }
        TomlTable table = toml;
        // the keys may sit at the top or in an [autoresearch] table
        if (toml.size() == 1 && toml.isTable(List.of("autoresearch"))) table = toml.getTable(List.of("autoresearch"));
        Converter c = new Converter(source, TOML);
        for (String key : table.keySet()) {
            TomlPosition pos = table.inputPositionOf(List.of(key));
            c.put(key, plain(table.get(List.of(key))), pos == null ? 0 : pos.line());
        }
        return c.finish(dirName);
    }

    private static Object plain(Object toml) {
        if (toml instanceof TomlArray a) return a.toList().stream().map(OtherFormats::plain).toList();
        if (toml instanceof TomlTable t) return t.toMap();
        if (toml instanceof String || toml instanceof Number || toml instanceof Boolean) return toml;
        return toml == null ? null : toml.toString(); // dates and times: text is all a spec could use
    }

    static SpecFiles.Document json(String text, String source, String dirName) {
        ObjectMapper mapper = new ObjectMapper();
        Converter c = new Converter(source, JSON);
        try (JsonParser p = mapper.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new SpecException(new Problem(source, "", first == null ? 0 : p.currentTokenLocation().getLineNr(),
                        first == null ? "the file is empty" : "the top level must be a JSON object",
                        "write {\"run_command\": \"...\", \"modifiable_files\": [\"...\"], ...}"));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int line = p.currentTokenLocation().getLineNr();
                p.nextToken();
                c.put(key, mapper.readValue(p, Object.class), line);
            }
            if (p.nextToken() != null) {
                throw new SpecException(new Problem(source, "", p.currentTokenLocation().getLineNr(),
                        "there is more after the closing }", "keep one JSON object in the file"));
            }
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new SpecException(new Problem(source, "", loc == null ? 0 : loc.getLineNr(),
                    "JSON syntax error" + (loc == null ? "" : " at column " + loc.getColumnNr()) + ": " + e.getOriginalMessage(),
                    "check the commas, braces and double quotes near that line"));
        } catch (IOException e) {
            throw new IllegalStateException("reading JSON from a string", e);
        }
        return c.finish(dirName);
    }

    static boolean hasSection(String markdown) {
        return markdown.lines().anyMatch(l -> SECTION.matcher(l.strip()).matches());
    }

    private static final Pattern KEY_LINE = Pattern.compile(
            "^(?:[-*+]\\s+)?(?:\\*\\*|__|`)?([A-Za-z][A-Za-z0-9_]*(?: [A-Za-z0-9_]+){0,3})(?:\\*\\*|__|`)?\\s*[:=](?:\\*\\*|__)?\\s*(.*)$");
    private static final Pattern ITEM = Pattern.compile("^(\\s*)[-*+]\\s+(.+)$");

    /** Reads `key: value` lines (list markers, bold and backticks allowed) up to the next # or ## heading. */
    static SpecFiles.Document markdown(String text, String source, String dirName) {
        String[] lines = text.split("\\R", -1);
        int start = -1;
        for (int i = 0; i < lines.length && start < 0; i++) {
            if (SECTION.matcher(lines[i].strip()).matches()) start = i + 1;
        }
        if (start < 0) {
            throw new SpecException(new Problem(source, "", 0, "there is no `## autoresearch` section",
                    "add a section `## autoresearch` with lines like `target_file: train.py` and `run_command: uv run train.py`, or run `helix init`"));
        }
        Converter c = new Converter(source, MARKDOWN);
        for (int i = start; i < lines.length; i++) {
            String raw = lines[i];
            String line = raw.strip();
            if (line.matches("^#{1,2}\\s.*") || line.matches("^#{1,2}$")) break;
            if (line.startsWith("```") || line.startsWith("~~~") || line.isEmpty()) continue;
            Matcher m = KEY_LINE.matcher(line);
            if (!m.matches()) continue;
            String key = m.group(1).toLowerCase(Locale.ROOT).replace(' ', '_');
            String value = unwrap(m.group(2));
            if (!MARKDOWN.keys().contains(key)) {
                // prose ("Note: ...") is fine; only identifier-like near misses are reported
                if (key.contains("_") && SpecReader.closest(key, MARKDOWN.keys()).isPresent()) c.put(key, value, i + 1);
                continue;
            }
            if (value.isEmpty()) {
                // "- readonly_files:" followed by more deeply indented "- item" lines
                int indent = raw.length() - raw.stripLeading().length();
                List<String> items = new ArrayList<>();
                while (i + 1 < lines.length) {
                    Matcher item = ITEM.matcher(lines[i + 1]);
                    if (!item.matches() || item.group(1).length() <= indent || isKeyLine(item.group(2).strip())) break;
                    items.add(unwrap(item.group(2)));
                    i++;
                }
                if (!items.isEmpty()) {
                    c.put(key, items, i + 1 - items.size());
                    continue;
                }
            }
            c.put(key, value, i + 1);
        }
        return c.finish(dirName);
    }

    private static boolean isKeyLine(String content) {
        Matcher m = KEY_LINE.matcher(content);
        return m.matches() && MARKDOWN.keys().contains(m.group(1).toLowerCase(Locale.ROOT).replace(' ', '_'));
    }

    /** `x`, ``x``, "x" and 'x' → x */
    private static String unwrap(String v) {
        String s = v.strip();
        for (String q : List.of("``", "`", "\"", "'")) {
            if (s.length() >= 2 * q.length() && s.startsWith(q) && s.endsWith(q)) return s.substring(q.length(), s.length() - q.length()).strip();
        }
        return s;
    }

    /** Seconds from 300, "300", "300s", "5m", "5 min", "1.5h". */
    static Optional<Double> seconds(Object o) {
        if (o instanceof Number n) return Optional.of(n.doubleValue()).filter(d -> d > 0 && Double.isFinite(d));
        if (!(o instanceof String s)) return Optional.empty();
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)?", Pattern.CASE_INSENSITIVE)
                .matcher(s.strip());
        if (!m.matches()) return Optional.empty();
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        double f = unit.startsWith("h") ? 3600 : unit.startsWith("m") ? 60 : 1;
        return Optional.of(v * f).filter(d -> d > 0);
    }

    /** Maps one format's keys onto the helix.yaml tree, remembering lines and the original key names. */
    private static final class Converter {
        private final String source;
        private final Format format;
        private final List<String> known;
        private final Map<String, Object> root = new LinkedHashMap<>();
        private final Map<String, Integer> lines = new LinkedHashMap<>();
        private final Map<String, String> names = new LinkedHashMap<>();
        private final Map<String, Integer> seen = new LinkedHashMap<>();
        private final List<Problem> problems = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        Converter(String source, Format format) {
            this.source = source;
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
                    Optional<Double> s = seconds(value);
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
                case "branch", "tag" -> notes.add(key + " '" + value + "' is not part of helix.yaml: Helix names sessions helix/<tag>; pass `helix run --tag "
                        + value + "`.");
                default -> set(path, key, SpecSchema.find(path).orElseThrow().type() == SpecKey.Type.TEXTS ? list(value) : value, line);
            }
        }

        private List<Object> list(Object v) {
            if (v instanceof List<?> l) return new ArrayList<>(l);
            if (v instanceof String s) {
                if (!format.commaLists()) return List.of(s);
                String inner = s.strip();
                if (inner.startsWith("[") && inner.endsWith("]")) inner = inner.substring(1, inner.length() - 1);
                List<Object> out = new ArrayList<>();
                for (String part : inner.split(",")) {
                    String p = unwrap(part);
                    if (!p.isEmpty()) out.add(p);
                }
                return out;
            }
            return v == null ? null : List.of(v);
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

        SpecFiles.Document finish(String dirName) {
            // the defaults that let a file without helix.yaml's descriptive fields load
            if (get("name") == null) set("name", "name", SpecFiles.projectName(dirName), 0);
            if (get("domain") == null) set("domain", "domain", "general", 0);
            if (get("metrics.primary.name") == null && format == JSON) {
                set("metrics.primary.name", "metric_name", "score", 0);
                notes.add("research.json names no metric: the command must print `score: <value>` (or add metric_name and metric_parse).");
            }
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
            return new SpecFiles.Document(root, lines, problems, names, notes);
        }

        private static String fmt(double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
    }
}

package dev.helix.adapters.specio;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.core.spec.Problem;
import dev.helix.core.spec.SpecException;
import dev.helix.core.spec.SpecReader;
import dev.helix.core.spec.SpecSchema;
import java.io.IOException;
import java.nio.file.Path;
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
                    "time_budget", "evaluate.timeout_seconds", "metric_parse", "evaluate.patterns.primary", "branch", "run.tag"), false);
    static final Format JSON = new Format(List.of("tag", "modifiable_files", "readonly_files", "run_command", "metric_grep",
            "metric_name", "metric_direction", "secondary_metrics", "timeout_seconds", "setup_check", "no_new_dependencies",
            "soft_constraints", "name", "domain", "description", "metric_parse"),
            with(DESCRIPTIVE, "modifiable_files", "scope.editable", "readonly_files", "scope.readonly", "run_command", "evaluate.command",
                    "setup_check", "evaluate.setup", "timeout_seconds", "evaluate.timeout_seconds", "metric_name", "metrics.primary.name",
                    "metric_direction", "metrics.primary.optimize", "metric_parse", "evaluate.patterns.primary",
                    "metric_grep", "evaluate.patterns.primary", "secondary_metrics", "metrics.record", "tag", "run.tag",
                    "soft_constraints", "agent.instructions", "no_new_dependencies", "scope.readonly"), false);
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

    static SpecFiles.Document toml(String text, String source, Path dir) {
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
        // research.toml is the research skill's research.json written as TOML: the same fields
        Conversion c = new Conversion(source, dir, source.toLowerCase(java.util.Locale.ROOT).startsWith("research") ? JSON : TOML);
        for (String key : table.keySet()) {
            TomlPosition pos = table.inputPositionOf(List.of(key));
            c.put(key, plain(table.get(List.of(key))), pos == null ? 0 : pos.line());
        }
        return c.finish();
    }

    private static Object plain(Object toml) {
        if (toml instanceof TomlArray a) return a.toList().stream().map(OtherFormats::plain).toList();
        if (toml instanceof TomlTable t) return t.toMap();
        if (toml instanceof String || toml instanceof Number || toml instanceof Boolean) return toml;
        return toml == null ? null : toml.toString(); // dates and times: text is all a spec could use
    }

    static SpecFiles.Document json(String text, String source, Path dir) {
        ObjectMapper mapper = new ObjectMapper();
        Conversion c = new Conversion(source, dir, JSON);
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
        return c.finish();
    }

    static boolean hasSection(String markdown) {
        // a byte order mark (Windows editors write one) is not part of the first line's heading
        return (markdown.startsWith("\uFEFF") ? markdown.substring(1) : markdown).lines().anyMatch(l -> SECTION.matcher(l.strip()).matches());
    }

    private static final Pattern KEY_LINE = Pattern.compile(
            "^(?:[-*+]\\s+)?(?:\\*\\*|__|`)?([A-Za-z][A-Za-z0-9_]*(?: [A-Za-z0-9_]+){0,3})(?:\\*\\*|__|`)?\\s*[:=](?:\\*\\*|__)?\\s*(.*)$");
    private static final Pattern ITEM = Pattern.compile("^(\\s*)[-*+]\\s+(.+)$");

    /** Reads `key: value` lines (list markers, bold and backticks allowed) up to the next # or ## heading. */
    static SpecFiles.Document markdown(String text, String source, Path dir) {
        String[] lines = text.split("\\R", -1);
        int start = -1;
        for (int i = 0; i < lines.length && start < 0; i++) {
            if (SECTION.matcher(lines[i].strip()).matches()) start = i + 1;
        }
        if (start < 0) {
            throw new SpecException(new Problem(source, "", 0, "there is no `## autoresearch` section",
                    "add a section `## autoresearch` with lines like `target_file: train.py` and `run_command: uv run train.py`, or run `helix init`"));
        }
        Conversion c = new Conversion(source, dir, MARKDOWN);
        for (int i = start; i < lines.length; i++) {
            String raw = lines[i];
            String line = raw.strip();
            if (line.matches("^#{1,2}\\s.*") || line.matches("^#{1,2}$")) break;
            if (line.startsWith("```") || line.startsWith("~~~") || line.isEmpty()) continue;
            Matcher m = KEY_LINE.matcher(line);
            if (!m.matches()) continue;
            String key = m.group(1).toLowerCase(Locale.ROOT).replace(' ', '_');
            String value = unwrap(withoutComment(m.group(2)));
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
                    items.add(unwrap(withoutComment(item.group(2))));
                    i++;
                }
                if (!items.isEmpty()) {
                    c.put(key, items, i + 1 - items.size());
                    continue;
                }
            }
            c.put(key, value, i + 1);
        }
        return c.finish();
    }

    private static boolean isKeyLine(String content) {
        Matcher m = KEY_LINE.matcher(content);
        return m.matches() && MARKDOWN.keys().contains(m.group(1).toLowerCase(Locale.ROOT).replace(' ', '_'));
    }

    /** A value without its trailing `# comment` (a # after a space, outside quotes and backticks). */
    static String withoutComment(String v) {
        char quote = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'' || c == '`') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(v.charAt(i - 1)))) {
                return v.substring(0, i).strip();
            }
        }
        return v;
    }

    /** `x`, ``x``, "x" and 'x' → x */
    static String unwrap(String v) {
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
}

package dev.helix.core.metric;

import dev.helix.core.json.Json;
import dev.helix.core.json.JsonException;
import dev.helix.core.json.JsonValue;
import dev.helix.core.spec.Spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the spec's metrics (primary, quality guard, constraints, and those it only records) from an
 * evaluation's output, in the spec's output format. Helix parses metrics itself and never takes them
 * from the proposer. Pure: never throws for bad output, says what went wrong in
 * {@link Extraction#problems()}. A recorded metric (metrics.record) that is missing, not a number or
 * not finite is left out and is no problem: it is never judged, so it never makes a crash.
 */
public final class MetricExtractor {

    private static final Pattern METRIC_LINE =
            Pattern.compile("^[ \\t]*METRIC[ \\t]+([^\\s=]+)[ \\t]*=[ \\t]*(\\S*)", Pattern.MULTILINE);
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private MetricExtractor() {}

    /**
     * @param jsonFileContent for the json format, the content of {@code evaluate.json_file}
     *                        when the spec names one; it is read instead of the output
     */
    public static Extraction extract(Spec spec, String output, Optional<String> jsonFileContent) {
        String text = output == null ? "" : output;
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> wanted = wanted(spec);
        switch (spec.evaluate().outputFormat()) {
            case PATTERN -> fromPatterns(wanted, spec.evaluate().patterns(), text, metrics, problems);
            case LAST_NUMBER -> {
                String primary = spec.metrics().primary().name();
                if (wanted.remove(primary) != null) lastNumber(primary, text, metrics, problems);
                fromPatterns(wanted, spec.evaluate().patterns(), text, metrics, problems);
            }
            case JSON -> fromJson(wanted.keySet(), text, jsonFileContent, metrics, problems);
            case METRIC_LINES -> fromMetricLines(wanted.keySet(), text, metrics, problems);
        }
        recorded(spec, text, jsonFileContent, wanted.keySet()).forEach(metrics::putIfAbsent);
        return new Extraction(metrics, problems);
    }

    /** The recorded metrics found, finite; their problems are dropped (they are never judged). */
    private static Map<String, Double> recorded(Spec spec, String text, Optional<String> jsonFileContent,
                                                java.util.Set<String> judged) {
        Map<String, List<String>> names = new LinkedHashMap<>();
        spec.metrics().record().stream().filter(n -> !judged.contains(n)).forEach(n -> names.put(n, List.of(n)));
        Map<String, Double> found = new LinkedHashMap<>();
        if (names.isEmpty()) return found;
        List<String> ignored = new ArrayList<>();
        switch (spec.evaluate().outputFormat()) {
            case PATTERN, LAST_NUMBER -> fromPatterns(names, spec.evaluate().patterns(), text, found, ignored);
            case JSON -> fromJson(names.keySet(), text, jsonFileContent, found, ignored);
            case METRIC_LINES -> fromMetricLines(names.keySet(), text, found, ignored);
        }
        found.values().removeIf(v -> !Double.isFinite(v));
        return found;
    }

    /**
     * Adds the primary metric an {@code evaluate.metric_command} printed: the last number of its
     * output; a failed command or one that printed no finite number is a problem.
     */
    public static Extraction withCommandOutput(Spec spec, Extraction fromOutput, int exitCode, String commandOutput) {
        String name = spec.metrics().primary().name();
        Map<String, Double> metrics = new LinkedHashMap<>(fromOutput.metrics());
        List<String> problems = new ArrayList<>(fromOutput.problems());
        String out = commandOutput == null ? "" : commandOutput.strip();
        Matcher m = NUMBER.matcher(out);
        String last = null;
        while (m.find()) last = m.group();
        String shown = out.isEmpty() ? "nothing" : "'" + abbreviate(out.lines().reduce((a, b) -> b).orElse(out)) + "'";
        if (exitCode != 0) {
            problems.add("metric '" + name + "': evaluate.metric_command failed (exit code " + exitCode + ") and printed " + shown);
        } else if (last == null) {
            problems.add("metric '" + name + "': evaluate.metric_command printed no number, only " + shown);
        } else {
            put(name, last, "evaluate.metric_command", metrics, problems);
        }
        return new Extraction(metrics, problems);
    }

    /** The number on the last line that starts with the metric's name (a colon or = optional), else the last number. */
    private static void lastNumber(String name, String output, Map<String, Double> metrics, List<String> problems) {
        Pattern line = Pattern.compile("^[ \\t]*" + Pattern.quote(name) + "[ \\t]*[:=]?[ \\t]*(" + NUMBER.pattern() + ")",
                Pattern.MULTILINE);
        Matcher m = line.matcher(output);
        String last = null;
        while (m.find()) last = m.group(1);
        if (last == null) {
            Matcher any = NUMBER.matcher(output);
            while (any.find()) last = any.group();
        }
        if (last == null) {
            problems.add("metric '" + name + "': no number in the output (output_format: last-number)");
        } else {
            put(name, last, "the output", metrics, problems);
        }
    }

    /** Metric name → the pattern keys that may hold its regex, in order of preference. */
    private static Map<String, List<String>> wanted(Spec spec) {
        Spec.Metrics m = spec.metrics();
        Map<String, List<String>> wanted = new LinkedHashMap<>();
        // a metric_command gives the primary metric itself, after the evaluation
        if (spec.evaluate().metricCommand().isEmpty()) wanted.put(m.primary().name(), List.of("primary", m.primary().name()));
        m.qualityGuard().ifPresent(g -> wanted.putIfAbsent(g.name(), List.of("quality_guard", g.name())));
        for (Spec.Constraint c : m.constraints()) wanted.putIfAbsent(c.name(), List.of(c.name()));
        return wanted;
    }

    private static void fromPatterns(Map<String, List<String>> wanted, Map<String, String> patterns, String output,
                                     Map<String, Double> metrics, List<String> problems) {
        for (var w : wanted.entrySet()) {
            String name = w.getKey();
            Optional<String> key = w.getValue().stream().filter(patterns::containsKey).findFirst();
            if (key.isEmpty()) {
                problems.add("metric '" + name + "': no pattern for it (add evaluate.patterns." + w.getValue().get(0) + ")");
                continue;
            }
            String regex = patterns.get(key.get());
            Pattern pattern;
            try {
                pattern = Pattern.compile(regex, Pattern.MULTILINE);
            } catch (PatternSyntaxException e) {
                problems.add("metric '" + name + "': pattern '" + regex + "' is not a valid regex: " + e.getDescription());
                continue;
            }
            Matcher m = pattern.matcher(output);
            if (m.groupCount() < 1) {
                problems.add("metric '" + name + "': pattern '" + regex + "' has no capture group for the value");
                continue;
            }
            String last = null;
            boolean matched = false;
            while (m.find()) { // the last match wins: training loops print the metric every epoch
                matched = true;
                last = m.group(1);
            }
            if (!matched) {
                problems.add("metric '" + name + "': pattern '" + regex + "' matched nothing in the output");
            } else {
                put(name, last == null ? "" : last, "pattern '" + regex + "'", metrics, problems);
            }
        }
    }

    private static void fromJson(Iterable<String> names, String output, Optional<String> fileContent,
                                 Map<String, Double> metrics, List<String> problems) {
        JsonValue root;
        String where;
        if (fileContent.isPresent()) {
            where = "evaluate.json_file";
            root = parseObject(fileContent.get().strip());
            if (root == null) {
                problems.add("evaluate.json_file does not hold a JSON object");
                return;
            }
        } else {
            where = "the last JSON line of the output";
            root = lastJsonLine(output);
            if (root == null) {
                problems.add("no line of the output is a JSON object (output_format: json)");
                return;
            }
        }
        for (String name : names) {
            switch (lookup(root, name).orElse(null)) {
                case null -> problems.add("metric '" + name + "': key '" + name + "' not found in " + where);
                case JsonValue.JsonNumber n -> record(name, n.value(), metrics, problems);
                case JsonValue.JsonString s -> put(name, s.value(), where, metrics, problems);
                case JsonValue other -> problems.add("metric '" + name + "': " + abbreviate(other.render()) + " in "
                        + where + " is not a number");
            }
        }
    }

    private static JsonValue lastJsonLine(String output) {
        String[] lines = output.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (line.startsWith("{") && line.endsWith("}")) {
                JsonValue node = parseObject(line);
                if (node != null) return node;
            }
        }
        return null;
    }

    private static JsonValue parseObject(String text) {
        try {
            // Python's json.dumps writes NaN and Infinity by default; take them rather than lose the row.
            JsonValue node = Json.parseAllowingNonFinite(text);
            return node instanceof JsonValue.JsonObject ? node : null;
        } catch (JsonException e) {
            return null;
        }
    }

    /** The key itself if present (keys may contain dots), else a dotted path: "eval.loss", "runs.0.acc". */
    private static Optional<JsonValue> lookup(JsonValue root, String name) {
        Optional<JsonValue> whole = root.get(name);
        if (whole.isPresent()) return whole;
        Optional<JsonValue> node = Optional.of(root);
        for (String part : name.split("\\.", -1)) {
            node = node.flatMap(n -> n instanceof JsonValue.JsonArray && part.matches("\\d{1,9}")
                    ? n.get(Integer.parseInt(part)) : n.get(part));
        }
        return node;
    }

    private static void fromMetricLines(Iterable<String> names, String output,
                                        Map<String, Double> metrics, List<String> problems) {
        Map<String, String> last = new HashMap<>();
        Matcher m = METRIC_LINE.matcher(output);
        while (m.find()) last.put(m.group(1), m.group(2));
        for (String name : names) {
            String value = last.get(name);
            if (value == null) problems.add("metric '" + name + "': no line 'METRIC " + name + "=<value>' in the output");
            else put(name, value, "line 'METRIC " + name + "=...'", metrics, problems);
        }
    }

    private static void put(String name, String text, String where, Map<String, Double> metrics, List<String> problems) {
        OptionalDouble value = parse(text);
        if (value.isEmpty()) {
            problems.add("metric '" + name + "': '" + abbreviate(text) + "' from " + where + " is not a number");
        } else {
            record(name, value.getAsDouble(), metrics, problems);
        }
    }

    private static void record(String name, double value, Map<String, Double> metrics, List<String> problems) {
        metrics.put(name, value);
        if (Double.isNaN(value)) problems.add("metric '" + name + "' is NaN");
        else if (Double.isInfinite(value)) problems.add("metric '" + name + "' is infinite (" + value + ")");
    }

    /** A decimal number, or nan / inf / infinity with an optional sign, in any case. */
    static OptionalDouble parse(String text) {
        String t = text.strip();
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "nan", "+nan", "-nan" -> OptionalDouble.of(Double.NaN);
            case "inf", "+inf", "infinity", "+infinity" -> OptionalDouble.of(Double.POSITIVE_INFINITY);
            case "-inf", "-infinity" -> OptionalDouble.of(Double.NEGATIVE_INFINITY);
            default -> NUMBER.matcher(t).matches() ? OptionalDouble.of(Double.parseDouble(t)) : OptionalDouble.empty();
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}

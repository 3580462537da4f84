package dev.helix.core.spec;

import dev.helix.core.spec.Spec.Constraint;
import dev.helix.core.spec.Spec.Evaluate;
import dev.helix.core.spec.Spec.JudgeMode;
import dev.helix.core.spec.Spec.JudgeSpec;
import dev.helix.core.spec.Spec.MetricSpec;
import dev.helix.core.spec.Spec.Metrics;
import dev.helix.core.spec.Spec.OutputFormat;
import dev.helix.core.spec.Spec.QualityGuard;
import dev.helix.core.spec.Spec.Threshold;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The rules of helix.yaml's metrics, evaluate and judge sections: what is measured, how, and what counts as better. */
final class MetricRules {

    private final TypedTree t;

    MetricRules(TypedTree t) {
        this.t = t;
    }

    Metrics metrics(Map<String, Object> m) {
        Map<String, Object> s = m == null ? Map.of() : m;
        t.checkKeys(s, "metrics", "metrics");
        Object p = s.get("primary");
        MetricSpec primary = new MetricSpec("", Direction.MAXIMIZE);
        if (p == null) {
            t.problem("metrics.primary.name", "is required",
                    "add `metrics: {primary: {name: accuracy, optimize: maximize}}` naming the number to improve");
        } else if (p instanceof String shorthand && !shorthand.isBlank()) {
            Direction d = inferred(shorthand, "metrics.primary", "metrics.primary.optimize");
            primary = new MetricSpec(shorthand.trim(), d == null ? Direction.MAXIMIZE : d, false);
        } else {
            Map<String, Object> pm = t.map(p, "metrics.primary");
            if (pm != null) {
                t.checkKeys(pm, "metrics.primary", "metrics.primary");
                String name = t.requiredText(pm, "name", "metrics.primary", "add `name: <metric>` under metrics.primary");
                Direction d = direction(pm, "metrics.primary", name);
                if (name != null && d != null) primary = new MetricSpec(name, d, pm.get("optimize") != null);
            }
        }

        Optional<QualityGuard> guard = Optional.empty();
        Map<String, Object> gm = t.map(s.get("quality_guard"), "metrics.quality_guard");
        if (gm != null) {
            t.checkKeys(gm, "metrics.quality_guard", "metrics.quality_guard");
            String name = t.requiredText(gm, "name", "metrics.quality_guard",
                    "add `name: <metric>` for the metric that must not get worse");
            Direction d = direction(gm, "metrics.quality_guard", name);
            Threshold th = threshold(gm.get("max_degradation"), "metrics.quality_guard.max_degradation");
            // a bare number is already a fraction of the best value (0.01 = 1%), as is "1%"
            if (name != null && name.equals(primary.name())) {
                t.problem("metrics.quality_guard.name", "the quality guard is the primary metric itself",
                        "guard a different metric (e.g. a loss while optimizing speed), or remove quality_guard");
            }
            if (name != null && d != null && th != null) guard = Optional.of(new QualityGuard(name, d, th.value()));
        }

        List<Constraint> constraints = new ArrayList<>();
        List<Object> cl = t.list(s.get("constraints"), "metrics.constraints");
        if (cl != null) {
            for (int i = 0; i < cl.size(); i++) {
                String at = "metrics.constraints[" + i + "]";
                Map<String, Object> cm = t.map(cl.get(i), at);
                if (cm == null) {
                    if (cl.get(i) == null) t.problem(at, "is empty", "write `{name: peak_vram_mb, max: 39000}`");
                    continue;
                }
                t.checkKeys(cm, at, "metrics.constraints[]");
                String name = t.requiredText(cm, "name", at, "add `name: <metric>` to the constraint");
                Double max = t.number(cm.get("max"), at + ".max");
                Double min = t.number(cm.get("min"), at + ".min");
                if (cm.get("max") == null && cm.get("min") == null) {
                    t.problem(at, "has neither max nor min", "add `max: <value>` and/or `min: <value>`");
                } else if (max != null && min != null && min > max) {
                    t.problem(at + ".min", "min " + min + " is above max " + max, "swap them");
                }
                if (name != null) constraints.add(new Constraint(name, Optional.ofNullable(max), Optional.ofNullable(min)));
            }
        }
        List<String> record = s.get("record") == null ? List.of()
                : Optional.ofNullable(t.texts(s.get("record"), "metrics.record")).orElse(List.of());
        return new Metrics(primary, guard, constraints, record.stream().map(String::strip).filter(r -> !r.isEmpty()).distinct().toList());
    }

    private Direction direction(Map<String, Object> m, String path, String name) {
        Object o = m.get("optimize");
        if (o == null) return name == null ? null : inferred(name, path, path + ".optimize");
        String text = t.text(o, path + ".optimize");
        if (text == null) return null;
        Direction d = Direction.parse(text);
        if (d == null) {
            t.problem(path + ".optimize", "must be minimize or maximize, found '" + text + "'",
                    "write `optimize: minimize` (lower is better) or `optimize: maximize` (higher is better)");
        }
        return d;
    }

    private Direction inferred(String name, String at, String path) {
        Optional<Direction> d = MetricNames.direction(name);
        if (d.isEmpty()) {
            t.problem(path, "cannot tell from the name '" + name + "' whether it should go up or down",
                    "add `optimize: minimize` or `optimize: maximize` under " + at);
        }
        return d.orElse(null);
    }

    Evaluate evaluate(Map<String, Object> m, Metrics metrics) {
        Map<String, Object> s = m == null ? Map.of() : m;
        t.checkKeys(s, "evaluate", "evaluate");
        String command = t.requiredText(s, "command", "evaluate",
                "add `command: <shell command>` that runs the evaluation and prints the metric");
        Optional<String> setup = Optional.ofNullable(t.text(s.get("setup"), "evaluate.setup"));
        int timeout = t.whole(s.get("timeout_seconds"), "evaluate.timeout_seconds", SpecReader.DEFAULT_TIMEOUT_SECONDS, 1);
        OutputFormat format = OutputFormat.PATTERN;
        String f = t.text(s.get("output_format"), "evaluate.output_format");
        if (f != null) {
            switch (f.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "pattern", "regex" -> format = OutputFormat.PATTERN;
                case "json" -> format = OutputFormat.JSON;
                case "metric-lines", "metrics-lines", "metric-line" -> format = OutputFormat.METRIC_LINES;
                case "last-number" -> format = OutputFormat.LAST_NUMBER;
                default -> t.problem("evaluate.output_format", "unknown output format '" + f + "'",
                        "use pattern (a regex per metric), json (a JSON object line), metric-lines (`METRIC name=value`) or last-number");
            }
        }

        Map<String, String> patterns = new LinkedHashMap<>();
        Map<String, Object> pm = t.map(s.get("patterns"), "evaluate.patterns");
        if (pm != null) {
            for (Map.Entry<String, Object> e : pm.entrySet()) {
                String at = "evaluate.patterns." + e.getKey();
                String regex = t.text(e.getValue(), at);
                if (regex == null) {
                    if (e.getValue() == null) t.problem(at, "has no regex", "write a regex with one capture group, e.g. '^loss:\\s*([\\d.]+)'");
                    continue;
                }
                if (regex(t, regex, at)) patterns.put(e.getKey(), regex);
            }
        }
        if (format == OutputFormat.PATTERN || format == OutputFormat.LAST_NUMBER) {
            // every metric the judge reads needs a regex; "name: value" lines are the convention
            String p = metrics.primary().name();
            if (!p.isEmpty() && format == OutputFormat.PATTERN) patterns.putIfAbsent("primary", patterns.getOrDefault(p, SpecReader.defaultPattern(p)));
            metrics.qualityGuard().ifPresent(g ->
                    patterns.putIfAbsent("quality_guard", patterns.getOrDefault(g.name(), SpecReader.defaultPattern(g.name()))));
            for (Constraint c : metrics.constraints()) patterns.putIfAbsent(c.name(), SpecReader.defaultPattern(c.name()));
            for (String r : metrics.record()) patterns.putIfAbsent(r, SpecReader.defaultPattern(r));
        }

        Optional<String> jsonFile = Optional.ofNullable(t.text(s.get("json_file"), "evaluate.json_file"));
        if (jsonFile.isPresent() && format != OutputFormat.JSON) {
            t.problem("evaluate.json_file", "is only read when output_format is json",
                    "set `output_format: json`, or remove json_file");
        }
        int repeats = t.whole(s.get("repeats"), "evaluate.repeats", 1, 1);
        Optional<String> metricCommand = Optional.ofNullable(t.text(s.get("metric_command"), "evaluate.metric_command"))
                .map(String::strip).filter(c -> !c.isEmpty());
        Spec.MetricSource source = Spec.MetricSource.OUTPUT;
        String m2 = t.text(s.get("metric_source"), "evaluate.metric_source");
        if (m2 != null) {
            switch (m2.trim().toLowerCase(Locale.ROOT)) {
                case "output", "stdout" -> source = Spec.MetricSource.OUTPUT;
                case "file" -> source = Spec.MetricSource.FILE;
                default -> t.problem("evaluate.metric_source", "unknown metric source '" + m2 + "'",
                        "use output (parse the evaluation's output) or file (parse the file the evaluator writes to $HELIX_METRIC_FILE)");
            }
        }
        List<String> passthrough = Optional.ofNullable(t.texts(s.get("env_passthrough"), "evaluate.env_passthrough")).orElse(List.of());
        String checksText = t.text(s.get("checks"), "evaluate.checks");
        Optional<String> checkCommand = Optional.ofNullable(checksText).map(String::strip).filter(c -> !c.isEmpty());
        int checkTimeout = t.whole(s.get("checks_timeout_seconds"), "evaluate.checks_timeout_seconds", timeout, 1);
        if (checksText != null && checkCommand.isEmpty()) {
            // an empty command would pass every candidate's checks without running anything
            t.problem("evaluate.checks", "is empty, and an empty command is not a command",
                    "remove evaluate.checks (and checks_timeout_seconds), or give the command that runs your tests, e.g. `checks: pytest -q`");
        } else if (checkCommand.isEmpty() && s.get("checks_timeout_seconds") != null) {
            t.problem("evaluate.checks_timeout_seconds", "limits evaluate.checks, which is not set",
                    "set `checks: <your test command>`, or remove checks_timeout_seconds");
        }
        return new Evaluate(command == null ? "" : command, setup, timeout, format, patterns, jsonFile, repeats, metricCommand, source,
                passthrough.stream().map(String::strip).toList(), Optional.empty(), checkCommand.map(c -> new Checks(c, checkTimeout)));
    }

    /** True when {@code regex} compiles and captures; otherwise reports why at {@code path}. */
    static boolean regex(TypedTree t, String regex, String path) {
        try {
            Pattern p = Pattern.compile(regex);
            if (p.matcher("").groupCount() < 1) {
                t.problem(path, "the regex '" + regex + "' has no capture group, so no value can be read",
                        "put parentheses around the number, e.g. '^loss:\\s*([\\d.]+)'");
                return false;
            }
            return true;
        } catch (PatternSyntaxException e) {
            t.problem(path, "the regex '" + regex + "' does not compile: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " (at character " + e.getIndex() + ")" : ""),
                    "fix the regex; " + quoting(t.source()));
            return false;
        }
    }

    /** How a regex is written in the file it came from: the hint differs for YAML, TOML, JSON and Markdown. */
    static String quoting(String source) {
        String lower = source.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".toml")) return "in TOML a 'literal string' keeps backslashes as they are: metric_parse = '^loss:\\s*([\\d.]+)'";
        if (lower.endsWith(".json")) return "in JSON every backslash is doubled: \"^loss:\\\\s*([\\\\d.]+)\"";
        if (lower.endsWith(".md") || lower.endsWith(".markdown")) return "in Markdown write it as it is, in backticks: `^loss:\\s*([\\d.]+)`";
        return "in YAML single quotes keep backslashes as they are: '^loss:\\s*([\\d.]+)'";
    }

    JudgeSpec judge(Map<String, Object> m) {
        Map<String, Object> s = m == null ? Map.of() : m;
        t.checkKeys(s, "judge", "judge");
        JudgeMode mode = JudgeMode.AUTO;
        String text = t.text(s.get("mode"), "judge.mode");
        if (text != null) {
            try {
                mode = JudgeMode.valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                t.problem("judge.mode", "unknown mode '" + text + "'", "use auto, strict or statistical");
            }
        }
        Threshold min = Optional.ofNullable(threshold(s.get("min_improvement"), "judge.min_improvement")).orElse(Threshold.ZERO);
        double confidence = 0.95;
        Double c = t.number(s.get("confidence"), "judge.confidence");
        if (c != null) {
            if (c <= 0 || c >= 1) {
                t.problem("judge.confidence", "must be between 0 and 1 (exclusive), found " + c, "e.g. `confidence: 0.95`");
            } else {
                confidence = c;
            }
        }
        boolean simplicity = t.bool(s.get("simplicity"), "judge.simplicity", true);
        int maxRepeats = t.whole(s.get("max_repeats"), "judge.max_repeats", JudgeSpec.DEFAULT_MAX_REPEATS, 1);
        if (maxRepeats > 50) {
            t.problem("judge.max_repeats", "must be at most 50, found " + maxRepeats, "e.g. `max_repeats: 7`");
            maxRepeats = JudgeSpec.DEFAULT_MAX_REPEATS;
        }
        int remeasure = t.whole(s.get("remeasure_every"), "judge.remeasure_every", JudgeSpec.DEFAULT_REMEASURE_EVERY, 0);
        return new JudgeSpec(mode, min, confidence, simplicity, maxRepeats, remeasure);
    }

    /** A non-negative number (absolute) or a percentage string like "0.5%" (relative). */
    private Threshold threshold(Object o, String path) {
        if (o == null) return Threshold.ZERO;
        String hint = "write a number like 0.01 or a percentage like \"0.5%\"";
        BigDecimal value;
        boolean relative = false;
        if (o instanceof Number n && Double.isFinite(n.doubleValue())) {
            value = TypedTree.decimal(n);
        } else if (o instanceof String str) {
            String text = str.trim();
            if (text.endsWith("%")) {
                relative = true;
                text = text.substring(0, text.length() - 1).trim();
            }
            try {
                value = new BigDecimal(text);
            } catch (NumberFormatException e) {
                t.problem(path, "'" + str + "' is not a number or a percentage", hint);
                return null;
            }
            if (relative) value = value.movePointLeft(2);
        } else {
            t.problem(path, "must be a number or a percentage, found " + TypedTree.describe(o), hint);
            return null;
        }
        if (value.signum() < 0) {
            t.problem(path, "must not be negative, found " + o, hint);
            return null;
        }
        return new Threshold(value.doubleValue(), relative);
    }
}

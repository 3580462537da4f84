package dev.helix.adapters.specio;

import dev.helix.core.spec.Spec;
import dev.helix.core.spec.Spec.Constraint;
import dev.helix.core.spec.Spec.Parameter;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/** Writes a Spec as helix.yaml with every value explicit, so reading it back gives the same Spec. */
final class SpecYamlWriter {

    private final StringBuilder out = new StringBuilder();

    private SpecYamlWriter() {}

    static String write(Spec s, List<String> header) {
        SpecYamlWriter w = new SpecYamlWriter();
        w.comment(0, "helix.yaml: what to optimize, how to measure it, which files may change.");
        for (String h : header) w.comment(0, h);
        w.kv(0, "name", s.name(), null);
        w.kv(0, "version", s.version(), null);
        w.kv(0, "domain", s.domain(), null);
        w.kv(0, "description", s.description(), null);
        s.author().ifPresent(a -> w.kv(0, "author", a, null));

        w.blank().key(0, "scope", "globs relative to the repository root");
        w.list(1, "editable", s.scope().editable(), "the only files a proposer may change");
        w.list(1, "readonly", s.scope().readonly(), "hash-checked before every evaluation");

        w.blank().key(0, "metrics", null);
        w.key(1, "primary", null);
        w.kv(2, "name", s.metrics().primary().name(), null);
        w.raw(2, "optimize", s.metrics().primary().optimize().word(), null);
        s.metrics().qualityGuard().ifPresent(g -> {
            w.key(1, "quality_guard", "may get worse by at most max_degradation, relative (0.01 = 1%)");
            w.kv(2, "name", g.name(), null);
            w.raw(2, "optimize", g.optimize().word(), null);
            w.raw(2, "max_degradation", num(g.maxDegradation()), null);
        });
        if (s.metrics().constraints().isEmpty()) {
            w.raw(1, "constraints", "[]", "e.g. [{name: peak_vram_mb, max: 39000}]");
        } else {
            w.key(1, "constraints", null);
            for (Constraint c : s.metrics().constraints()) {
                w.line(2, "- name: " + YamlTree.quote(c.name()));
                c.max().ifPresent(v -> w.raw(3, "max", num(v), null));
                c.min().ifPresent(v -> w.raw(3, "min", num(v), null));
            }
        }

        Spec.Evaluate e = s.evaluate();
        w.blank().key(0, "evaluate", null);
        w.kv(1, "command", e.command(), null);
        e.setup().ifPresent(v -> w.kv(1, "setup", v, "once per session"));
        w.raw(1, "timeout_seconds", Integer.toString(e.timeoutSeconds()), "wall clock, enforced");
        w.raw(1, "output_format", e.outputFormat().name().toLowerCase(Locale.ROOT).replace('_', '-'), "pattern | json | metric-lines");
        e.jsonFile().ifPresent(v -> w.kv(1, "json_file", v, null));
        if (e.patterns().isEmpty()) {
            w.raw(1, "patterns", "{}", null);
        } else {
            w.key(1, "patterns", "a regex per metric; its first capture group is the value");
            e.patterns().forEach((k, v) -> w.kv(2, k, v, null));
        }
        w.raw(1, "repeats", Integer.toString(e.repeats()), null);

        Spec.JudgeSpec j = s.judge();
        w.blank().key(0, "judge", null);
        w.raw(1, "mode", j.mode().name().toLowerCase(Locale.ROOT), "auto | strict | statistical");
        w.raw(1, "min_improvement", j.minImprovement().relative() ? YamlTree.quote(percent(j.minImprovement().value()))
                : num(j.minImprovement().value()), "absolute, or a percentage like \"0.5%\"");
        w.raw(1, "confidence", num(j.confidence()), null);
        w.raw(1, "simplicity", Boolean.toString(j.simplicity()), "an equal metric with fewer lines is kept");

        Spec.AgentSpec a = s.agent();
        w.blank().key(0, "agent", null);
        w.kv(1, "backend", a.backend(), String.join(" | ", dev.helix.core.spec.SpecReader.BACKENDS));
        a.model().ifPresent(v -> w.kv(1, "model", v, null));
        a.command().ifPresent(v -> w.kv(1, "command", v, null));
        w.raw(1, "max_turns", Integer.toString(a.maxTurns()), null);
        w.raw(1, "max_fix_attempts", Integer.toString(a.maxFixAttempts()), null);
        w.raw(1, "timeout_seconds", Integer.toString(a.timeoutSeconds()), "per proposal");

        Spec.SearchSpec sr = s.search();
        w.blank().key(0, "search", "for the tune backend");
        if (sr.parameters().isEmpty()) {
            w.raw(1, "parameters", "{}", null);
        } else {
            w.key(1, "parameters", null);
            for (Parameter p : sr.parameters()) {
                w.key(2, p.name(), null);
                w.kv(3, "file", p.file(), null);
                w.kv(3, "pattern", p.pattern(), null);
                w.raw(3, "type", p.type().name().toLowerCase(Locale.ROOT), null);
                if (p.type() == Spec.ParamType.CATEGORICAL) {
                    w.list(3, "values", p.choices(), null);
                } else {
                    w.raw(3, "range", "[" + num(p.low()) + ", " + num(p.high()) + "]", null);
                    w.raw(3, "log", Boolean.toString(p.log()), null);
                }
            }
        }
        w.raw(1, "seed", Long.toString(sr.seed()), null);
        w.raw(1, "initial_random", Integer.toString(sr.initialRandom()), null);

        Spec.RunSpec r = s.run();
        w.blank().key(0, "run", null);
        w.raw(1, "workers", Integer.toString(r.workers()), null);
        w.kv(1, "executor", r.executor(), "local | slurm");
        w.list(1, "slots", r.slots(), "GPU ids [0, 1] or CPU sets [\"cpu:0-3\"]; one evaluation per slot at a time");
        if (r.onStale() != Spec.OnStale.REBASE) w.kv(1, "on_stale", r.onStale().word(), "rebase | discard");
        if (!r.directions().isEmpty()) w.list(1, "directions", r.directions(), "one per worker, round robin");
        Spec.SlurmSpec sl = r.slurm();
        if (!sl.equals(Spec.SlurmSpec.DEFAULT)) {
            w.key(1, "slurm", "job options for executor: slurm");
            sl.partition().ifPresent(v -> w.kv(2, "partition", v, null));
            if (sl.cpus() > 0) w.raw(2, "cpus", Integer.toString(sl.cpus()), null);
            sl.mem().ifPresent(v -> w.kv(2, "mem", v, null));
            sl.gres().ifPresent(v -> w.kv(2, "gres", v, null));
            if (!sl.extraArgs().isEmpty()) w.list(2, "extra_args", sl.extraArgs(), null);
        }

        w.blank();
        if (s.requirements().isEmpty()) {
            w.raw(0, "requirements", "{}", "informational, e.g. {python: \">=3.11\", gpu: H100}");
        } else {
            w.key(0, "requirements", "informational");
            new TreeMap<>(s.requirements()).forEach((k, v) -> w.kv(1, k, v, null));
        }
        return w.out.toString();
    }

    private SpecYamlWriter blank() {
        out.append('\n');
        return this;
    }

    private void comment(int level, String text) {
        for (String l : text.split("\\R")) line(level, l.isEmpty() ? "#" : "# " + l);
    }

    private SpecYamlWriter key(int level, String key, String comment) {
        line(level, YamlTree.quote(key) + ":" + tail(comment));
        return this;
    }

    private void kv(int level, String key, String value, String comment) {
        raw(level, key, YamlTree.quote(value), comment);
    }

    private void raw(int level, String key, String yaml, String comment) {
        line(level, YamlTree.quote(key) + ": " + yaml + tail(comment));
    }

    private void list(int level, String key, List<String> items, String comment) {
        if (items.isEmpty()) {
            raw(level, key, "[]", comment);
            return;
        }
        key(level, key, comment);
        for (String i : items) line(level + 1, "- " + YamlTree.quote(i));
    }

    private void line(int level, String text) {
        out.append("  ".repeat(level)).append(text).append('\n');
    }

    private static String tail(String comment) {
        return comment == null ? "" : "   # " + comment;
    }

    /** Shortest text that reads back as the same double: 39000, 0.95, 1e-4. */
    static String num(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        String s = Double.toString(d);
        int e = s.indexOf('E');
        if (e < 0) return s;
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) mantissa = mantissa.substring(0, mantissa.length() - 2);
        return mantissa + "e" + s.substring(e + 1);
    }

    /** 0.005 → "0.5%", exactly invertible because both sides go through the shortest decimal. */
    static String percent(double fraction) {
        return BigDecimal.valueOf(fraction).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }
}

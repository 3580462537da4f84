package dev.helix.adapters.specio;

import dev.helix.adapters.Executors;
import dev.helix.adapters.agents.Backends;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.Spec.Constraint;
import dev.helix.core.spec.Spec.Parameter;
import dev.helix.core.spec.SpecKey;
import dev.helix.core.spec.SpecSchema;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Writes a Spec as helix.yaml with every value explicit, so reading it back gives the same Spec.
 * Keys and their comments come from {@link SpecSchema}; what is left at its default and not part
 * of the documented layout (judge.max_repeats, agent.prompt_chars, run.slurm, ...) is left out.
 */
final class SpecYamlWriter {

    private final StringBuilder out = new StringBuilder();

    private SpecYamlWriter() {}

    static String write(Spec s, List<String> header) {
        SpecYamlWriter w = new SpecYamlWriter();
        w.comment(0, "helix.yaml: what to optimize, how to measure it, which files may change.");
        for (String h : header) w.comment(0, h);
        w.text("name", s.name());
        w.text("version", s.version());
        w.text("domain", s.domain());
        w.text("description", s.description());
        s.author().ifPresent(a -> w.text("author", a));

        w.blank().section("scope");
        w.texts("scope.editable", s.scope().editable());
        w.texts("scope.readonly", s.scope().readonly());
        s.evaluate().holdout().ifPresent(h -> w.texts("scope.hidden", h.hidden()));
        if (s.scope().strayFiles() == Spec.StrayFiles.REJECT) w.value("scope.stray_files", s.scope().strayFiles().word());

        w.blank().section("metrics");
        w.section("metrics.primary");
        w.text("metrics.primary.name", s.metrics().primary().name());
        w.value("metrics.primary.optimize", s.metrics().primary().optimize().word());
        s.metrics().qualityGuard().ifPresent(g -> {
            w.section("metrics.quality_guard");
            w.text("metrics.quality_guard.name", g.name());
            w.value("metrics.quality_guard.optimize", g.optimize().word());
            w.value("metrics.quality_guard.max_degradation", num(g.maxDegradation()));
        });
        if (s.metrics().constraints().isEmpty()) {
            w.value("metrics.constraints", "[]");
        } else {
            w.key(1, "constraints", null);
            for (Constraint c : s.metrics().constraints()) {
                w.line(2, "- name: " + YamlTree.quote(c.name()));
                c.max().ifPresent(v -> w.raw(3, "max", num(v), null));
                c.min().ifPresent(v -> w.raw(3, "min", num(v), null));
            }
        }
        if (!s.metrics().record().isEmpty()) w.texts("metrics.record", s.metrics().record());

        Spec.Evaluate e = s.evaluate();
        w.blank().section("evaluate");
        w.text("evaluate.command", e.command());
        e.setup().ifPresent(v -> w.text("evaluate.setup", v));
        w.value("evaluate.timeout_seconds", Integer.toString(e.timeoutSeconds()));
        w.value("evaluate.output_format", e.outputFormat().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        e.jsonFile().ifPresent(v -> w.text("evaluate.json_file", v));
        if (e.metricSource() == Spec.MetricSource.FILE) w.value("evaluate.metric_source", "file");
        if (e.patterns().isEmpty()) {
            w.raw(1, "patterns", "{}", null);
        } else {
            w.section("evaluate.patterns");
            e.patterns().forEach((k, v) -> w.kv(2, k, v, null));
        }
        e.metricCommand().ifPresent(v -> w.text("evaluate.metric_command", v));
        e.holdout().ifPresent(h -> {
            w.section("evaluate.holdout");
            w.text("evaluate.holdout.command", h.command());
            switch (h.source()) {
                case dev.helix.core.spec.Holdout.Directory d -> w.text("evaluate.holdout.from_dir", d.path());
                case dev.helix.core.spec.Holdout.GitRef r -> w.text("evaluate.holdout.from_ref", r.ref());
            }
            w.value("evaluate.holdout.timeout_seconds", Integer.toString(h.timeoutSeconds()));
            w.value("evaluate.holdout.repeats", Integer.toString(h.repeats()));
        });
        w.value("evaluate.repeats", Integer.toString(e.repeats()));
        if (!e.envPassthrough().isEmpty()) w.texts("evaluate.env_passthrough", e.envPassthrough());
        e.checks().ifPresent(c -> {
            w.text("evaluate.checks", c.command());
            if (c.timeoutSeconds() != e.timeoutSeconds()) w.value("evaluate.checks_timeout_seconds", Integer.toString(c.timeoutSeconds()));
        });

        Spec.JudgeSpec j = s.judge();
        w.blank().section("judge");
        w.value("judge.mode", j.mode().name().toLowerCase(Locale.ROOT));
        w.value("judge.min_improvement", j.minImprovement().relative() ? YamlTree.quote(percent(j.minImprovement().value()))
                : num(j.minImprovement().value()));
        w.value("judge.confidence", num(j.confidence()));
        w.value("judge.simplicity", Boolean.toString(j.simplicity()));
        if (j.maxRepeats() != Spec.JudgeSpec.DEFAULT_MAX_REPEATS) w.value("judge.max_repeats", Integer.toString(j.maxRepeats()));
        if (j.remeasureEvery() != Spec.JudgeSpec.DEFAULT_REMEASURE_EVERY) {
            w.value("judge.remeasure_every", Integer.toString(j.remeasureEvery()));
        }

        Spec.AgentSpec a = s.agent();
        w.blank().section("agent");
        w.kv(1, "backend", a.backend(), String.join(" | ", Backends.HELIX));
        a.model().ifPresent(v -> w.text("agent.model", v));
        a.command().ifPresent(v -> w.text("agent.command", v));
        w.value("agent.max_turns", Integer.toString(a.maxTurns()));
        w.value("agent.max_fix_attempts", Integer.toString(a.maxFixAttempts()));
        w.value("agent.timeout_seconds", Integer.toString(a.timeoutSeconds()));
        a.baseUrl().ifPresent(v -> w.text("agent.base_url", v));
        a.apiKeyEnv().ifPresent(v -> w.text("agent.api_key_env", v));
        if (a.promptChars() != Spec.AgentSpec.DEFAULT_PROMPT_CHARS) w.value("agent.prompt_chars", Integer.toString(a.promptChars()));
        if (a.historyRows() != Spec.AgentSpec.DEFAULT_HISTORY_ROWS) w.value("agent.history_rows", Integer.toString(a.historyRows()));
        if (a.maxTokens() != Spec.AgentSpec.DEFAULT_MAX_TOKENS) w.value("agent.max_tokens", Integer.toString(a.maxTokens()));
        if (!a.extraArgs().isEmpty()) w.texts("agent.extra_args", a.extraArgs());
        if (!a.instructions().isEmpty()) w.texts("agent.instructions", a.instructions());
        a.mix().ifPresent(m -> {
            w.section("agent.mix");
            w.value("agent.mix.tune", Integer.toString(m.tune()));
        });
        a.price().ifPresent(p -> {
            w.section("agent.price");
            w.value("agent.price.input_per_mtok", Double.toString(p.inputPerMtok()));
            w.value("agent.price.output_per_mtok", Double.toString(p.outputPerMtok()));
            p.cachedInputPerMtok().ifPresent(c -> w.value("agent.price.cached_input_per_mtok", Double.toString(c)));
        });

        Spec.SearchSpec sr = s.search();
        w.blank().section("search");
        if (sr.parameters().isEmpty()) {
            w.raw(1, "parameters", "{}", null);
        } else {
            w.section("search.parameters");
            for (Parameter p : sr.parameters()) {
                w.key(2, p.name(), null);
                w.text("search.parameters.*.file", p.file());
                w.text("search.parameters.*.pattern", p.pattern());
                w.value("search.parameters.*.type", p.type().name().toLowerCase(Locale.ROOT));
                if (p.type() == Spec.ParamType.CATEGORICAL) {
                    w.texts("search.parameters.*.values", p.choices());
                } else {
                    w.value("search.parameters.*.range", "[" + num(p.low()) + ", " + num(p.high()) + "]");
                    w.value("search.parameters.*.log", Boolean.toString(p.log()));
                }
            }
        }
        w.value("search.seed", Long.toString(sr.seed()));
        w.value("search.initial_random", Integer.toString(sr.initialRandom()));

        Spec.RunSpec r = s.run();
        w.blank().section("run");
        r.tag().ifPresent(v -> w.text("run.tag", v));
        w.value("run.workers", Integer.toString(r.workers()));
        w.kv(1, "executor", r.executor(), String.join(" | ", Executors.NAMES));
        w.texts("run.slots", r.slots());
        if (r.isolation() != dev.helix.core.spec.Isolation.AUTO) w.text("run.isolation", r.isolation().word());
        if (r.sandbox() != dev.helix.core.spec.SandboxMode.AUTO) w.text("run.sandbox", r.sandbox().word());
        if (!r.fingerprint().isEmpty()) w.texts("run.fingerprint", r.fingerprint());
        if (r.onStale() != Spec.OnStale.REBASE) w.text("run.on_stale", r.onStale().word());
        if (!r.directions().isEmpty()) w.texts("run.directions", r.directions());
        if (!r.secrets().isEmpty()) w.texts("run.secrets", r.secrets());
        if (r.maxFailures() != Spec.RunSpec.MAX_FAILURES) w.value("run.max_failures", Integer.toString(r.maxFailures()));
        if (r.maxOutageSeconds() != Spec.RunSpec.MAX_OUTAGE_SECONDS) {
            w.value("run.max_outage_seconds", Integer.toString(r.maxOutageSeconds()));
        }
        Spec.SlurmSpec sl = r.slurm();
        if (!sl.equals(Spec.SlurmSpec.DEFAULT)) {
            w.section("run.slurm");
            sl.partition().ifPresent(v -> w.text("run.slurm.partition", v));
            if (sl.cpus() > 0) w.value("run.slurm.cpus", Integer.toString(sl.cpus()));
            sl.mem().ifPresent(v -> w.text("run.slurm.mem", v));
            sl.gres().ifPresent(v -> w.text("run.slurm.gres", v));
            if (!sl.extraArgs().isEmpty()) w.texts("run.slurm.extra_args", sl.extraArgs());
        }

        w.blank();
        if (s.requirements().isEmpty()) {
            w.raw(0, "requirements", "{}", SpecSchema.key("requirements").note() + ", e.g. {python: \">=3.11\", gpu: H100}");
        } else {
            w.section("requirements");
            new TreeMap<>(s.requirements()).forEach((k, v) -> w.kv(1, k, v, null));
        }
        return w.out.toString();
    }

    // ---------------------------------------------------------------- keys of the table, with their comments

    private SpecYamlWriter section(String path) {
        SpecKey k = SpecSchema.key(path);
        return key(level(k), k.name(), note(k));
    }

    private void value(String path, String yaml) {
        SpecKey k = SpecSchema.key(path);
        raw(level(k), k.name(), yaml, note(k));
    }

    private void text(String path, String value) {
        value(path, YamlTree.quote(value));
    }

    private void texts(String path, List<String> items) {
        SpecKey k = SpecSchema.key(path);
        list(level(k), k.name(), items, note(k));
    }

    private static int level(SpecKey k) {
        return k.path().split("\\.").length - 1;
    }

    private static String note(SpecKey k) {
        return k.note().isEmpty() ? null : k.note();
    }

    // ---------------------------------------------------------------- lines

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

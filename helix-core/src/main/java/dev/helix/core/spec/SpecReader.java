package dev.helix.core.spec;

import dev.helix.core.spec.Spec.AgentSpec;
import dev.helix.core.spec.Spec.Evaluate;
import dev.helix.core.spec.Spec.JudgeMode;
import dev.helix.core.spec.Spec.JudgeSpec;
import dev.helix.core.spec.Spec.Metrics;
import dev.helix.core.spec.Spec.RunSpec;
import dev.helix.core.spec.Spec.Scope;
import dev.helix.core.spec.Spec.SearchSpec;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * Turns a parsed document (Maps, Lists, Strings, Numbers, Booleans, nulls) into a {@link Spec}.
 * Every problem is collected and reported together, each with its field path ("metrics.primary.name",
 * "scope.editable[2]"), the line the loader found it on, and a fix. A null value counts as absent.
 * The keys each section has are those of {@link SpecSchema}; the rules of each section are in
 * {@link MetricRules}, {@link ProposerRules} and {@link RunRules}.
 */
public final class SpecReader {

    public static final String DEFAULT_VERSION = "0.1.0";
    public static final int DEFAULT_TIMEOUT_SECONDS = 300;
    public static final int DEFAULT_AGENT_TIMEOUT_SECONDS = 1800;

    /**
     * A number as programs print it, captured whole: "0.9979", "-3", "1e-4", and also "nan"/"inf"
     * so a diverged run reads as such instead of as a missing metric.
     */
    public static final String NUMBER = "([-+]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?(?i:nan|inf(?:inity)?))";

    private final TypedTree t;
    private final KnownNames known;

    private SpecReader(String source, ToIntFunction<String> lineOf, KnownNames known) {
        this.t = new TypedTree(source, lineOf);
        this.known = known;
    }

    /**
     * Validates {@code document} and builds the spec, accepting in agent.backend and run.executor
     * only the names in {@code known}.
     *
     * @param source the file name used in problems
     * @param lineOf the 1-based line of a field path, 0 when unknown; missing fields are reported at
     *               their nearest present parent
     * @throws SpecException with every problem found
     */
    public static Spec read(Object document, String source, ToIntFunction<String> lineOf, KnownNames known) throws SpecException {
        SpecReader r = new SpecReader(source, lineOf, known);
        if (document == null) {
            r.t.problem("", "the file is empty", "start from `helix init`, or write name, domain, description, scope, metrics and evaluate");
        } else if (!(document instanceof Map<?, ?> m)) {
            r.t.problem("", "the top level must be a map of keys (name:, scope:, metrics:, ...), found " + TypedTree.describe(document),
                    "remove the leading '-' or brackets so the file starts with `name: ...`");
        } else {
            Spec spec = r.spec(TypedTree.stringKeys(m));
            if (r.t.problems().isEmpty()) return spec;
        }
        throw new SpecException(r.t.problems());
    }

    /** Like {@link #read(Object, String, ToIntFunction, KnownNames)}, taking any backend and executor name. */
    public static Spec read(Object document, String source, ToIntFunction<String> lineOf) throws SpecException {
        return read(document, source, lineOf, KnownNames.UNCHECKED);
    }

    /** Like {@link #read(Object, String, ToIntFunction, KnownNames)}, taking any backend and executor name. */
    public static Spec read(Map<String, ?> tree, String source, ToIntFunction<String> lineOf) throws SpecException {
        return read((Object) tree, source, lineOf, KnownNames.UNCHECKED);
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
        return TypedTree.closest(word, candidates);
    }

    // ---------------------------------------------------------------- sections

    private Spec spec(Map<String, Object> written) {
        Map<String, Object> root = fromElsewhere(written);
        t.checkKeys(root, "", "");
        String name = t.requiredText(root, "name", "", "add `name: my-project` at the top");
        String version = Optional.ofNullable(t.text(root.get("version"), "version")).orElse(DEFAULT_VERSION);
        String domain = t.requiredText(root, "domain", "", "add a domain, e.g. `domain: AI/ML` or `domain: web performance`");
        String description = t.requiredText(root, "description", "",
                "add `description: Optimize <metric> for <task>.` (one line saying what this loop is for)");
        Optional<String> author = Optional.ofNullable(t.text(root.get("author"), "author"));

        MetricRules measuring = new MetricRules(t);
        ProposerRules proposing = new ProposerRules(t, known);
        Scope scope = scope(t.map(root.get("scope"), "scope"));
        Metrics metrics = measuring.metrics(t.map(root.get("metrics"), "metrics"));
        SearchSpec search = proposing.search(t.map(root.get("search"), "search"));
        Evaluate evaluate = measuring.evaluate(t.map(root.get("evaluate"), "evaluate"), metrics);
        JudgeSpec judge = measuring.judge(t.map(root.get("judge"), "judge"));
        if (evaluate != null && judge != null && !TypedTree.hasKey(root.get("evaluate"), "repeats")) {
            // The baseline is measured this often: three times unless the judge is strict, so that
            // auto can tell a noisy metric from a deterministic one (docs/statistical-judge.md).
            evaluate = evaluate.withRepeats(judge.mode() == JudgeMode.STRICT ? 1 : Spec.DEFAULT_REPEATS);
        }
        if (evaluate != null) {
            evaluate = evaluate.withHoldout(new HoldoutRules(t).holdout(TypedTree.valueIn(root.get("evaluate"), "holdout"),
                    TypedTree.valueIn(root.get("scope"), "hidden"), scope.editable(), evaluate.timeoutSeconds(), evaluate.repeats()));
        }
        AgentSpec agent = proposing.agent(t.map(root.get("agent"), "agent"), search);
        RunSpec run = new RunRules(t, known).run(t.map(root.get("run"), "run"));
        Map<String, String> requirements = requirements(root.get("requirements"));

        if (!t.problems().isEmpty()) return null;
        return new Spec(name, version, domain, description, author, scope, metrics, evaluate, judge, agent,
                search, run, requirements, t.source());
    }

    /**
     * The top level with each section the table lets be written elsewhere (the seed system's
     * layout has evaluate under metrics) moved to its own place; problems in it name where it was written.
     */
    private Map<String, Object> fromElsewhere(Map<String, Object> written) {
        Map<String, Object> root = new LinkedHashMap<>(written);
        for (SpecKey k : SpecSchema.KEYS) {
            if (!k.section().isEmpty()) continue;
            for (String alias : k.accepted()) {
                int dot = alias.indexOf('.');
                String parent = alias.substring(0, Math.max(dot, 0));
                if (dot < 0 || !(root.get(parent) instanceof Map<?, ?> p) || !p.containsKey(alias.substring(dot + 1))) continue;
                Map<String, Object> section = TypedTree.stringKeys(p);
                Object value = section.remove(alias.substring(dot + 1));
                root.put(parent, section);
                if (root.get(k.name()) == null) {
                    root.put(k.name(), value);
                    t.moved(k.name(), alias);
                } else if (value != null) {
                    t.problem(alias, k.name() + " is given twice: at the top and under " + parent, "keep one of them");
                }
            }
        }
        return root;
    }

    private Scope scope(Map<String, Object> m) {
        Map<String, Object> s = m == null ? Map.of() : m;
        t.checkKeys(s, "scope", "scope");
        Object eo = s.get("editable");
        List<String> editable = t.texts(eo, "scope.editable");
        if (eo == null || (editable != null && editable.isEmpty())) {
            t.problem("scope.editable", eo == null ? "is required" : "must list at least one file or glob",
                    "list the files the proposer may change, e.g. `editable: [train.py, \"src/**/*.java\"]`");
        }
        if (editable == null) editable = List.of();
        List<String> readonly = Optional.ofNullable(t.texts(s.get("readonly"), "scope.readonly")).orElse(List.of());
        globs(t, editable, "scope.editable");
        globs(t, readonly, "scope.readonly");
        for (int i = 0; i < readonly.size(); i++) {
            if (editable.contains(readonly.get(i))) {
                t.problem("scope.readonly[" + i + "]", "'" + readonly.get(i) + "' is both editable and readonly",
                        "remove it from one of the two lists");
            }
        }
        Spec.StrayFiles strays = Spec.StrayFiles.valueOf(t.choice(s.get("stray_files"), "scope.stray_files", "value",
                List.of("remove", "reject"), "remove", "use remove or reject").toUpperCase(java.util.Locale.ROOT));
        return new Scope(editable, readonly, strays);
    }

    /** Reports globs that are empty, absolute, or reach outside the repository. */
    static void globs(TypedTree t, List<String> globs, String path) {
        for (int i = 0; i < globs.size(); i++) {
            String g = globs.get(i);
            String at = path + "[" + i + "]";
            if (g.isBlank()) {
                t.problem(at, "is empty", "remove it or write a file name or glob");
            } else if (g.startsWith("/") || g.startsWith("\\") || g.matches("^[A-Za-z]:[\\\\/].*")) {
                t.problem(at, "'" + g + "' is absolute; globs are relative to the repository root",
                        "write it relative to the repository root, e.g. `src/**/*.py`");
            } else if (List.of(g.split("[/\\\\]")).contains("..")) {
                t.problem(at, "'" + g + "' points outside the repository", "only files inside the repository can be in scope");
            }
        }
    }

    private Map<String, String> requirements(Object o) {
        Map<String, Object> m = t.map(o, "requirements");
        Map<String, String> out = new TreeMap<>();
        if (m == null) return out;
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String at = "requirements." + e.getKey();
            Object v = e.getValue();
            if (v == null) {
                t.problem(at, "has no value", "write `" + e.getKey() + ": <version or description>`, or remove it");
            } else if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                out.put(e.getKey(), TypedTree.scalar(v));
            } else {
                t.problem(at, "must be a single value, found " + TypedTree.describe(v), "write it as text, e.g. `python: \">=3.11\"`");
            }
        }
        return out;
    }
}

package dev.helix.core.spec;

import dev.helix.core.spec.Spec.AgentSpec;
import dev.helix.core.spec.Spec.Mix;
import dev.helix.core.spec.Spec.ParamType;
import dev.helix.core.spec.Spec.Parameter;
import dev.helix.core.spec.Spec.SearchSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The rules of helix.yaml's agent and search sections: who proposes changes, and what the tuner may tune. */
final class ProposerRules {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final TypedTree t;
    private final KnownNames known;

    ProposerRules(TypedTree t, KnownNames known) {
        this.t = t;
        this.known = known;
    }

    AgentSpec agent(Map<String, Object> m, SearchSpec search) {
        Map<String, Object> s = m == null ? Map.of() : m;
        if (s.containsKey("api_key")) {
            // Never echo the value: it is probably a key.
            t.problem("agent.api_key", "keys do not belong in helix.yaml (it is committed and shared)",
                    "remove it, export the key in your shell, and name the variable: `api_key_env: OPENAI_API_KEY`");
            s = new LinkedHashMap<>(s);
            s.remove("api_key");
        }
        t.checkKeys(s, "agent", "agent");
        List<String> backends = known.backends();
        String backend = t.choice(s.get("backend"), "agent.backend", "backend", backends,
                search.parameters().isEmpty() || s.get("mix") != null ? "claude" : "tune", "known backends: " + String.join(", ", backends));
        Optional<String> model = Optional.ofNullable(t.text(s.get("model"), "agent.model"));
        int maxTurns = t.whole(s.get("max_turns"), "agent.max_turns", 200, 1);
        int maxFix = t.whole(s.get("max_fix_attempts"), "agent.max_fix_attempts", 2, 0);
        Optional<String> command = Optional.ofNullable(t.text(s.get("command"), "agent.command"));
        if (backend.equals("command") && command.filter(c -> !c.isBlank()).isEmpty()) {
            t.problem("agent.command", "is required when the backend is command",
                    "add `command: ./my-agent` (it gets one JSON request on stdin, answers one JSON reply on stdout)");
        }
        if (backend.equals("tune") && search.parameters().isEmpty()) {
            t.problem("search.parameters", "the tune backend needs at least one parameter to tune",
                    "add `search: {parameters: {lr: {file: train.py, pattern: 'LR = ([0-9.eE-]+)', range: [1e-4, 1e-1], log: true}}}`");
        }
        int timeout = t.whole(s.get("timeout_seconds"), "agent.timeout_seconds", SpecReader.DEFAULT_AGENT_TIMEOUT_SECONDS, 1);
        Optional<String> baseUrl = Optional.ofNullable(t.text(s.get("base_url"), "agent.base_url")).map(String::strip);
        baseUrl.filter(u -> !u.matches("https?://[^\\s]+")).ifPresent(u -> t.problem("agent.base_url",
                "must be an http:// or https:// URL, found '" + u + "'", "e.g. `base_url: http://127.0.0.1:11434/v1`"));
        Optional<String> keyEnv = Optional.ofNullable(t.text(s.get("api_key_env"), "agent.api_key_env")).map(String::strip);
        if (keyEnv.isPresent() && !ENV_NAME.matcher(keyEnv.get()).matches()) {
            // Never echo the value: someone may have pasted the key itself here.
            t.problem("agent.api_key_env", "must be the NAME of an environment variable (letters, digits, _), not a key",
                    "e.g. `api_key_env: OPENAI_API_KEY`, with the key exported in your shell");
        }
        int promptChars = t.whole(s.get("prompt_chars"), "agent.prompt_chars", AgentSpec.DEFAULT_PROMPT_CHARS, 2000);
        int historyRows = t.whole(s.get("history_rows"), "agent.history_rows", AgentSpec.DEFAULT_HISTORY_ROWS, 0);
        int maxTokens = t.whole(s.get("max_tokens"), "agent.max_tokens", AgentSpec.DEFAULT_MAX_TOKENS, 16);
        List<String> extraArgs = s.get("extra_args") == null ? List.of() : t.texts(s.get("extra_args"), "agent.extra_args");
        List<String> instructions = s.get("instructions") instanceof String one ? List.of(one)
                : Optional.ofNullable(t.texts(s.get("instructions"), "agent.instructions")).orElse(List.of());
        Optional<Mix> mix = mix(s.get("mix"), backend, search);
        return new AgentSpec(backend, model, maxTurns, maxFix, command, timeout, baseUrl, keyEnv, promptChars,
                historyRows, maxTokens, extraArgs == null ? List.of() : extraArgs,
                instructions.stream().map(String::strip).filter(i -> !i.isEmpty()).toList(), mix, price(s.get("price")));
    }

    /** agent.price: dollars per million tokens, input and output required, none negative. */
    private Optional<Price> price(Object o) {
        Map<String, Object> m = t.map(o, "agent.price");
        if (m == null) return Optional.empty();
        t.checkKeys(m, "agent.price", "agent.price");
        Double in = perMtok(m, "input_per_mtok");
        Double out = perMtok(m, "output_per_mtok");
        Double cached = perMtok(m, "cached_input_per_mtok");
        if (in == null || out == null) {
            // a price written but wrong has its own problem already; only a missing one is said here
            if (m.get("input_per_mtok") != null && m.get("output_per_mtok") != null) return Optional.empty();
            t.problem("agent.price", "needs input_per_mtok and output_per_mtok (US dollars per million tokens)",
                    "e.g. `price: {input_per_mtok: 3, output_per_mtok: 15}`");
            return Optional.empty();
        }
        return Optional.of(new Price(in, out, Optional.ofNullable(cached)));
    }

    private Double perMtok(Map<String, Object> m, String key) {
        Double d = t.number(m.get(key), "agent.price." + key);
        if (d != null && d < 0) {
            t.problem("agent.price." + key, "must be 0 or more US dollars per million tokens, found " + d, "e.g. `" + key + ": 3`");
            return null;
        }
        return d;
    }

    /** agent.mix: the tuner between the agent's changes; it needs knobs to tune and an agent that is not the tuner. */
    private Optional<Mix> mix(Object o, String backend, SearchSpec search) {
        if (o == null) return Optional.empty();
        Map<String, Object> m = t.map(o, "agent.mix");
        if (m == null) return Optional.empty();
        t.checkKeys(m, "agent.mix", "agent.mix");
        int tune = t.whole(m.get("tune"), "agent.mix.tune", Mix.DEFAULT_TUNE, 1);
        if (search.parameters().isEmpty()) {
            t.problem("agent.mix", "mixes the agent with the tuner, but search.parameters declares nothing to tune",
                    "add the knobs the tuner may set, e.g. `search: {parameters: {lr: {file: train.py, "
                            + "pattern: 'LR = ([0-9.eE-]+)', range: [1e-4, 1e-1], log: true}}}`, or remove agent.mix");
        }
        if (backend.equals("tune")) {
            t.problem("agent.mix", "mixes an agent with the tuner, but agent.backend is the tuner itself",
                    "set `backend:` to an agent (claude, codex, gemini, opencode, openai, anthropic, command), or remove agent.mix");
        }
        return Optional.of(new Mix(tune));
    }

    SearchSpec search(Map<String, Object> m) {
        Map<String, Object> s = m == null ? Map.of() : m;
        t.checkKeys(s, "search", "search");
        List<Parameter> parameters = new ArrayList<>();
        Map<String, Object> pm = t.map(s.get("parameters"), "search.parameters");
        if (pm != null) {
            for (Map.Entry<String, Object> e : pm.entrySet()) {
                Parameter p = parameter(e.getKey(), e.getValue(), "search.parameters." + e.getKey());
                if (p != null) parameters.add(p);
            }
        }
        long seed = 0;
        Object so = s.get("seed");
        if (so != null) {
            BigInteger big = TypedTree.integral(so);
            if (big == null || big.bitLength() > 63) {
                t.problem("search.seed", "must be a whole number, found " + TypedTree.describe(so), "e.g. `seed: 42`");
            } else {
                seed = big.longValue();
            }
        }
        int count = pm == null ? 0 : pm.size();
        int initial = t.whole(s.get("initial_random"), "search.initial_random", Math.max(3, count), 0);
        return new SearchSpec(parameters, seed, initial);
    }

    private Parameter parameter(String name, Object o, String at) {
        Map<String, Object> m = t.map(o, at);
        if (m == null) {
            if (o == null) t.problem(at, "has no definition", "write `{file: train.py, pattern: 'LR = ([0-9.eE-]+)', range: [1e-4, 1e-1]}`");
            return null;
        }
        t.checkKeys(m, at, "search.parameters.*");
        int before = t.problems().size();
        String file = t.requiredText(m, "file", at, "add `file: <path>` naming the file that holds the value");
        if (file != null) SpecReader.globs(t, List.of(file), at + ".file");
        String pattern = t.requiredText(m, "pattern", at,
                "add `pattern: '<regex>'` whose first capture group is the value, e.g. 'LR = ([0-9.eE-]+)'");
        if (pattern != null) MetricRules.regex(t, pattern, at + ".pattern");

        if (m.get("values") != null && m.get("choices") != null) {
            t.problem(at + ".choices", "both values and choices are given", "keep one of them");
        }
        String choicesKey = m.get("values") != null ? "values" : "choices";
        Object choicesObj = m.get(choicesKey);
        ParamType type = choicesObj != null ? ParamType.CATEGORICAL : ParamType.FLOAT;
        String text = t.text(m.get("type"), at + ".type");
        if (text != null) {
            switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "float", "double", "real" -> type = ParamType.FLOAT;
                case "int", "integer" -> type = ParamType.INT;
                case "categorical", "choice", "enum" -> type = ParamType.CATEGORICAL;
                default -> t.problem(at + ".type", "unknown type '" + text + "'", "use float, int or categorical");
            }
        }
        boolean log = t.bool(m.get("log"), at + ".log", false);
        List<String> choices = List.of();
        double low = 0;
        double high = 0;
        if (type == ParamType.CATEGORICAL) {
            if (m.get("range") != null) {
                t.problem(at + ".range", "a categorical parameter takes values, not a range", "remove range, or set `type: float`");
            }
            if (log) t.problem(at + ".log", "log scale does not apply to a categorical parameter", "remove `log: true`");
            List<String> cs = t.texts(choicesObj, at + "." + choicesKey);
            if (cs == null || cs.isEmpty()) {
                if (choicesObj == null || cs != null) {
                    t.problem(at + "." + choicesKey, "a categorical parameter needs at least one value",
                            "add `values: [adam, sgd]`, written as they appear in the file");
                }
            } else {
                choices = cs;
                high = cs.size() - 1; // an index range, for tuners that think in numbers
            }
        } else {
            if (choicesObj != null) {
                t.problem(at + "." + choicesKey, choicesKey + " are for categorical parameters",
                        "set `type: categorical`, or use `range: [low, high]`");
            }
            double[] range = range(m.get("range"), at, type, log);
            if (range != null) {
                low = range[0];
                high = range[1];
            }
        }
        if (t.problems().size() > before) return null;
        return new Parameter(name, file, pattern, type, low, high, log, choices);
    }

    /** [low, high] of a float or int parameter, or null after reporting why not. */
    private double[] range(Object o, String at, ParamType type, boolean log) {
        List<Object> range = t.list(o, at + ".range");
        if (o == null) {
            t.problem(at + ".range", "is required for a " + type.name().toLowerCase(Locale.ROOT) + " parameter",
                    "add `range: [low, high]`");
            return null;
        }
        if (range == null) return null;
        if (range.size() != 2) {
            t.problem(at + ".range", "must be [low, high], found " + range.size() + " values", "e.g. `range: [1e-4, 1e-1]`");
            return null;
        }
        Double lo = t.number(range.get(0), at + ".range[0]");
        Double hi = t.number(range.get(1), at + ".range[1]");
        if (lo == null || hi == null) return null;
        if (!(lo < hi)) {
            t.problem(at + ".range", "low " + lo + " must be below high " + hi, "write `range: [low, high]`");
        } else if (log && lo <= 0) {
            t.problem(at + ".log", "log scale needs a positive range, found low " + lo,
                    "raise the low end above 0, or remove `log: true`");
        }
        if (type == ParamType.INT && (lo != Math.rint(lo) || hi != Math.rint(hi))) {
            t.problem(at + ".range", "an int parameter needs whole-number bounds, found [" + lo + ", " + hi + "]",
                    "use whole numbers, or `type: float`");
        }
        return new double[] {lo, hi};
    }
}

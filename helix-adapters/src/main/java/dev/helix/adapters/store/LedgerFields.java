package dev.helix.adapters.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Evidence;
import dev.helix.core.experiment.Noise;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed access to the fields of one ledger line's JSON object, for {@link LedgerCodec#decode}:
 * a missing or null field takes its empty value, a mistyped one fails with a message naming the
 * field's full path.
 */
record LedgerFields(JsonNode node, String prefix) {

    IllegalArgumentException error(String name, String problem) {
        return new IllegalArgumentException("not a ledger record: field '" + prefix + name + "' " + problem);
    }

    private JsonNode present(String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    String requiredString(String name) {
        JsonNode v = present(name);
        if (v == null) {
            throw error(name, "is missing");
        }
        if (!v.isTextual()) {
            throw error(name, "must be a string, got " + shown(v));
        }
        return v.textValue();
    }

    Optional<String> optionalString(String name) {
        JsonNode v = present(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw error(name, "must be a string, got " + shown(v));
        }
        return Optional.of(v.textValue());
    }

    String string(String name) {
        return optionalString(name).orElse("");
    }

    int requiredInt(String name) {
        return optionalInt(name).orElseThrow(() -> error(name, "is missing"));
    }

    Optional<Integer> optionalInt(String name) {
        JsonNode v = present(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error(name, "must be a whole number, got " + shown(v));
        }
        return Optional.of(v.intValue());
    }

    Optional<Long> optionalLong(String name) {
        JsonNode v = present(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw error(name, "must be a whole number, got " + shown(v));
        }
        return Optional.of(v.longValue());
    }

    boolean bool(String name) {
        JsonNode v = present(name);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            throw error(name, "must be true or false, got " + shown(v));
        }
        return v.booleanValue();
    }

    Optional<Double> optionalDouble(String name) {
        JsonNode v = present(name);
        return v == null ? Optional.empty() : Optional.of(toDouble(v, name));
    }

    private double toDouble(JsonNode v, String name) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            switch (v.textValue()) {
                case "NaN" -> { return Double.NaN; }
                case "Infinity" -> { return Double.POSITIVE_INFINITY; }
                case "-Infinity" -> { return Double.NEGATIVE_INFINITY; }
                default -> { }
            }
        }
        throw error(name, "must be a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got " + shown(v));
    }

    Instant instant(String name) {
        String s = requiredString(name);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException ex) {
            throw error(name, "must be an ISO-8601 instant like 2024-11-23T08:15:30Z, got \"" + s + "\"");
        }
    }

    Map<String, Double> metrics(String name) {
        JsonNode v = present(name);
        Map<String, Double> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!v.isObject()) {
            throw error(name, "must be an object of name: number, got " + shown(v));
        }
        LedgerFields inner = new LedgerFields(v, prefix + name + ".");
        for (var it = v.fieldNames(); it.hasNext(); ) {
            String metric = it.next();
            JsonNode value = v.get(metric);
            if (value.isNull()) {
                throw inner.error(metric, "has no value");
            }
            out.put(metric, inner.toDouble(value, metric));
        }
        return out;
    }

    /** An object of name: text (a tuner's parameter values); empty when absent. */
    Map<String, String> texts(String name) {
        JsonNode v = present(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!v.isObject()) {
            throw error(name, "must be an object of name: text, got " + shown(v));
        }
        LedgerFields inner = new LedgerFields(v, prefix + name + ".");
        for (var it = v.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode value = v.get(key);
            if (!value.isTextual()) {
                throw inner.error(key, "must be a string, got " + shown(value));
            }
            out.put(key, value.textValue());
        }
        return out;
    }

    List<Double> doubles(String name) {
        JsonNode v = present(name);
        List<Double> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw error(name, "must be a list of numbers, got " + shown(v));
        }
        for (int i = 0; i < v.size(); i++) {
            out.add(toDouble(v.get(i), name + "[" + i + "]"));
        }
        return out;
    }

    List<String> strings(String name) {
        JsonNode v = present(name);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw error(name, "must be a list of strings, got " + shown(v));
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode s = v.get(i);
            if (!s.isTextual()) {
                throw error(name + "[" + i + "]", "must be a string, got " + shown(s));
            }
            out.add(s.textValue());
        }
        return out;
    }

    private LedgerFields object(String name) {
        JsonNode v = present(name);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw error(name, "must be an object, got " + shown(v));
        }
        return new LedgerFields(v, prefix + name + ".");
    }

    DiffStat diff(String name) {
        LedgerFields d = object(name);
        if (d == null) {
            return DiffStat.NONE;
        }
        return new DiffStat(d.optionalInt("files").orElse(0), d.optionalInt("added").orElse(0),
                d.optionalInt("removed").orElse(0));
    }

    Optional<Evidence> evidence(String name) {
        LedgerFields v = object(name);
        if (v == null) {
            return Optional.empty();
        }
        return Optional.of(new Evidence(v.num("effect"), v.num("ci_low"), v.num("ci_high"), v.num("p_value"),
                v.num("alpha"), v.optionalInt("n").orElse(0), v.optionalInt("incumbent_n").orElse(0),
                v.num("incumbent_mean"), v.num("sd"), v.optionalInt("df").orElse(0),
                v.optionalInt("evaluations").orElse(0), v.string("incumbent")));
    }

    Optional<Noise> noise(String name) {
        LedgerFields v = object(name);
        if (v == null) {
            return Optional.empty();
        }
        return Optional.of(new Noise(v.num("sd"), v.optionalInt("n").orElse(0), v.string("mode")));
    }

    /** The hold-out's measurement (absent in older ledgers and on records without one). */
    Optional<dev.helix.core.experiment.HoldoutReading> holdout(String name) {
        LedgerFields h = object(name);
        if (h == null) {
            return Optional.empty();
        }
        return Optional.of(new dev.helix.core.experiment.HoldoutReading(h.doubles("samples"), h.optionalString("failure")));
    }

    private double num(String name) {
        return optionalDouble(name).orElse(Double.NaN);
    }

    Optional<AgentUsage> agent(String name) {
        LedgerFields a = object(name);
        if (a == null) {
            return Optional.empty();
        }
        return Optional.of(new AgentUsage(
                a.string("backend"),
                a.optionalString("model"),
                a.optionalLong("tokens_in"),
                a.optionalLong("tokens_out"),
                a.optionalDouble("cost_usd"),
                a.optionalInt("turns"),
                a.optionalDouble("seconds").orElse(0.0),
                a.optionalLong("tokens_cached"),
                a.optionalLong("tokens_cache_written")));
    }
}

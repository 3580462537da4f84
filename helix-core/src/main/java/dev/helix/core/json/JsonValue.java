package dev.helix.core.json;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A JSON value as RFC 8259 defines it: read by {@link Json#parse}, written back by {@link #render()}. */
public sealed interface JsonValue {

    /** A member of an object; empty for a missing key or a value that is not an object. */
    default Optional<JsonValue> get(String key) {
        return this instanceof JsonObject o ? Optional.ofNullable(o.members().get(key)) : Optional.empty();
    }

    /** An element of an array; empty out of range or for a value that is not an array. */
    default Optional<JsonValue> get(int index) {
        return this instanceof JsonArray a && index >= 0 && index < a.elements().size()
                ? Optional.of(a.elements().get(index)) : Optional.empty();
    }

    /** The value as compact JSON; numbers in a canonical form (integers as written, others as Java prints a double). */
    default String render() {
        StringBuilder out = new StringBuilder();
        render(this, out);
        return out.toString();
    }

    /** An object; its members keep their order, and of a repeated key the last one counts. */
    record JsonObject(Map<String, JsonValue> members) implements JsonValue {
        public JsonObject {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }
    }

    record JsonArray(List<JsonValue> elements) implements JsonValue {
        public JsonArray {
            elements = List.copyOf(elements);
        }
    }

    record JsonString(String value) implements JsonValue {}

    /**
     * A number, with its text as written ({@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}
     * when non-finite numbers were allowed).
     */
    record JsonNumber(String text, double value) implements JsonValue {
        /** Whether it was written without fraction or exponent. */
        public boolean integral() {
            return Double.isFinite(value) && text.chars().noneMatch(c -> c == '.' || c == 'e' || c == 'E');
        }
    }

    record JsonBoolean(boolean value) implements JsonValue {}

    /** The literal {@code null}. */
    record JsonNull() implements JsonValue {
        public static final JsonNull NULL = new JsonNull();
    }

    private static void render(JsonValue v, StringBuilder out) {
        switch (v) {
            case JsonObject o -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonValue> m : o.members().entrySet()) {
                    if (!first) out.append(',');
                    first = false;
                    quote(m.getKey(), out);
                    out.append(':');
                    render(m.getValue(), out);
                }
                out.append('}');
            }
            case JsonArray a -> {
                out.append('[');
                for (int i = 0; i < a.elements().size(); i++) {
                    if (i > 0) out.append(',');
                    render(a.elements().get(i), out);
                }
                out.append(']');
            }
            case JsonString s -> quote(s.value(), out);
            case JsonNumber n -> out.append(n.integral() ? new BigInteger(n.text()).toString() : Double.toString(n.value()));
            case JsonBoolean b -> out.append(b.value());
            case JsonNull ignored -> out.append("null");
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04X", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}

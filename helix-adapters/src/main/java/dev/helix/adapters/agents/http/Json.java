package dev.helix.adapters.agents.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/** JSON helpers for API replies: fields of the wrong type read as absent. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static JsonNode parse(String text, String what) throws Dialect.Malformed {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) throw new Dialect.Malformed(what + " is empty");
            return node;
        } catch (Dialect.Malformed e) {
            throw e;
        } catch (Exception e) {
            String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
            throw new Dialect.Malformed(what + " is not JSON: " + shown.strip());
        }
    }

    static Optional<Long> whole(JsonNode n) {
        return n != null && n.isNumber() && n.canConvertToLong() ? Optional.of(n.asLong()) : Optional.empty();
    }

    static Optional<Double> number(JsonNode n) {
        return n != null && n.isNumber() ? Optional.of(n.asDouble()) : Optional.empty();
    }

    static Optional<Long> sum(Optional<Long> a, Optional<Long> b) {
        if (a.isEmpty()) return b;
        if (b.isEmpty()) return a;
        return Optional.of(a.get() + b.get());
    }
}

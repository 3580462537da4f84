package dev.helix.core.json;

import dev.helix.core.json.JsonValue.JsonArray;
import dev.helix.core.json.JsonValue.JsonBoolean;
import dev.helix.core.json.JsonValue.JsonNull;
import dev.helix.core.json.JsonValue.JsonNumber;
import dev.helix.core.json.JsonValue.JsonObject;
import dev.helix.core.json.JsonValue.JsonString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of JSON text (RFC 8259): one value, surrounded by nothing but whitespace.
 * Evaluations print their metrics as JSON and projects describe themselves in it; the core reads
 * both without a JSON library.
 */
public final class Json {

    /** Deeper nesting is refused rather than risking the stack (the common limit of JSON libraries). */
    static final int MAX_DEPTH = 1000;

    private final String text;
    private final boolean nonFinite;
    private int pos;

    private Json(String text, boolean nonFinite) {
        this.text = text;
        this.nonFinite = nonFinite;
    }

    /**
     * The value the text holds.
     *
     * @throws JsonException when it is not exactly one JSON value; the message says where and why
     */
    public static JsonValue parse(String text) {
        return new Json(text, false).document();
    }

    /**
     * As {@link #parse}, also taking the bare tokens {@code NaN}, {@code Infinity} and
     * {@code -Infinity} as numbers: Python's json module writes them by default.
     */
    public static JsonValue parseAllowingNonFinite(String text) {
        return new Json(text, true).document();
    }

    private JsonValue document() {
        // A byte order mark may lead a file; RFC 8259 lets a reader ignore it.
        if (text.startsWith("\uFEFF")) pos = 1;
        JsonValue v = value(0);
        skipWhitespace();
        if (pos < text.length()) throw error("unexpected '" + text.charAt(pos) + "' after the value");
        return v;
    }

    private JsonValue value(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        skipWhitespace();
        if (pos >= text.length()) throw error("unexpected end of input, expected a value");
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> new JsonString(string());
            case 't' -> literal("true", new JsonBoolean(true));
            case 'f' -> literal("false", new JsonBoolean(false));
            case 'n' -> literal("null", JsonNull.NULL);
            case 'N' -> nonFinite("NaN", Double.NaN);
            case 'I' -> nonFinite("Infinity", Double.POSITIVE_INFINITY);
            default -> {
                if (c == '-' && text.startsWith("-Infinity", pos)) yield nonFinite("-Infinity", Double.NEGATIVE_INFINITY);
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected '" + c + "', expected a value");
            }
        };
    }

    private JsonObject object(int depth) {
        pos++;
        Map<String, JsonValue> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return new JsonObject(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("expected a string as the name of a member");
            String key = string();
            skipWhitespace();
            if (peek() != ':') throw error("expected ':' after the name of a member");
            pos++;
            JsonValue v = value(depth + 1);
            members.remove(key); // the last of a repeated key counts, in its place
            members.put(key, v);
            skipWhitespace();
            if (peek() == ',') {
                pos++;
            } else if (peek() == '}') {
                pos++;
                return new JsonObject(members);
            } else {
                throw error("expected ',' or '}' in an object");
            }
        }
    }

    private JsonArray array(int depth) {
        pos++;
        List<JsonValue> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return new JsonArray(elements);
        }
        while (true) {
            elements.add(value(depth + 1));
            skipWhitespace();
            if (peek() == ',') {
                pos++;
            } else if (peek() == ']') {
                pos++;
                return new JsonArray(elements);
            } else {
                throw error("expected ',' or ']' in an array");
            }
        }
    }

    private String string() {
        pos++; // the opening quote
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) throw error("unterminated string");
            char c = text.charAt(pos++);
            if (c == '"') return out.toString();
            if (c < 0x20) {
                pos--;
                throw error("control character U+" + String.format("%04X", (int) c) + " in a string must be escaped");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) throw error("unterminated string");
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                // A surrogate pair is two escapes in a row; appended in turn they make its code point.
                case 'u' -> out.append(hex4());
                default -> {
                    pos--;
                    throw error("invalid escape '\\" + e + "'");
                }
            }
        }
    }

    private char hex4() {
        if (pos + 4 > text.length()) throw error("\\u must be followed by four hex digits");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0) throw error("\\u must be followed by four hex digits");
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private JsonNumber number() {
        int start = pos;
        if (peek() == '-') pos++;
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("expected a digit");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) throw error("expected a digit after the decimal point");
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error("expected a digit in the exponent");
            digits();
        }
        String number = text.substring(start, pos);
        return new JsonNumber(number, Double.parseDouble(number));
    }

    private void digits() {
        while (isDigit(peek())) pos++;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private JsonValue literal(String word, JsonValue v) {
        if (!text.startsWith(word, pos)) throw error("unexpected '" + text.charAt(pos) + "', expected a value");
        pos += word.length();
        return v;
    }

    private JsonValue nonFinite(String word, double value) {
        if (!nonFinite || !text.startsWith(word, pos)) throw error("unexpected '" + text.charAt(pos) + "', expected a value");
        pos += word.length();
        return new JsonNumber(word, value);
    }

    /** The next character, or -1 at the end. */
    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private JsonException error(String problem) {
        int end = Math.min(pos, text.length());
        int line = 1 + (int) text.substring(0, end).chars().filter(c -> c == '\n').count();
        int column = end - text.lastIndexOf('\n', end - 1);
        return new JsonException(problem + " at line " + line + ", column " + column, pos);
    }
}

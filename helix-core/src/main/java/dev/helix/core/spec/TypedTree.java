package dev.helix.core.spec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * A parsed document (Maps, Lists, Strings, Numbers, Booleans, nulls) read value by value as the
 * types helix.yaml asks for, collecting every problem with its field path, its line and a fix.
 * A null value counts as absent; below a value of the wrong type nothing is reported again.
 */
final class TypedTree {

    private static final Map<String, String> SUGGESTIONS = SpecSchema.suggestions();

    private final String source;
    private final ToIntFunction<String> lineOf;
    private final List<Problem> problems = new ArrayList<>();
    /** Paths found with the wrong type: what lies below them is not reported again. */
    private final List<String> broken = new ArrayList<>();
    /** Sections read from another place than their own (path → where the file has it). */
    private final Map<String, String> movedFrom = new LinkedHashMap<>();

    TypedTree(String source, ToIntFunction<String> lineOf) {
        this.source = source == null ? "helix.yaml" : source;
        this.lineOf = lineOf == null ? p -> 0 : lineOf;
    }

    String source() {
        return source;
    }

    List<Problem> problems() {
        return problems;
    }

    /** Problems at {@code path} and below are reported at {@code written}, where the file has them. */
    void moved(String path, String written) {
        movedFrom.put(path, written);
    }

    // ---------------------------------------------------------------- keys

    /** Reports each key of {@code m} that the table's {@code section} does not have, with the closest known key. */
    void checkKeys(Map<String, ?> m, String path, String section) {
        List<String> known = SpecSchema.keysIn(section);
        for (String key : m.keySet()) {
            if (known.contains(key)) continue;
            String at = path.isEmpty() ? key : path + "." + key;
            Optional<String> guess = closest(key, known);
            problem(at, "unknown key '" + key + "'" + (path.isEmpty() ? "" : " in " + path),
                    guess.map(g -> "did you mean '" + g + "'?")
                            .orElse("known keys" + (path.isEmpty() ? "" : " in " + path) + ": " + String.join(", ", known)));
        }
    }

    /** The candidate closest to {@code word}, if it is close enough to be what was meant. */
    static Optional<String> closest(String word, Collection<String> candidates) {
        if (word == null) return Optional.empty();
        String w = word.toLowerCase(Locale.ROOT).trim();
        String alias = SUGGESTIONS.get(w);
        if (alias != null && candidates.contains(alias)) return Optional.of(alias);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            String lc = c.toLowerCase(Locale.ROOT);
            int d = distance(w, lc);
            int allowed = Math.max(1, Math.min(3, Math.max(w.length(), lc.length()) / 3));
            boolean prefix = w.length() >= 3 && (lc.startsWith(w) || w.startsWith(lc));
            if ((d <= allowed || prefix) && d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Optimal string alignment distance: edits plus adjacent swaps ("optmiize"). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    // ---------------------------------------------------------------- values

    /**
     * One of {@code choices}, case and surrounding blanks ignored (any name when there are none);
     * absent: {@code dflt}; anything else is a problem ("unknown {@code what} 'x'") suggesting the
     * closest choice, and gives {@code dflt}.
     */
    String choice(Object o, String path, String what, List<String> choices, String dflt, String fix) {
        String t = text(o, path);
        if (t == null) return dflt;
        String lt = t.trim().toLowerCase(Locale.ROOT);
        if (choices.contains(lt) || (choices.isEmpty() && !lt.isEmpty())) return lt;
        problem(path, "unknown " + what + " '" + t + "'", closest(lt, choices).map(c -> "did you mean '" + c + "'? ").orElse("") + fix);
        return dflt;
    }

    String requiredText(Map<String, ?> m, String key, String parent, String fix) {
        String at = parent.isEmpty() ? key : parent + "." + key;
        Object o = m.get(key);
        String t = text(o, at);
        if (o == null || (t != null && t.isBlank())) {
            problem(at, o == null ? "is required" : "must not be empty", fix);
            return null;
        }
        return t;
    }

    String text(Object o, String path) {
        if (o == null) return null;
        if (o instanceof String || o instanceof Number || o instanceof Boolean) return scalar(o);
        String lower = source.toLowerCase(java.util.Locale.ROOT);
        // the fix is written in the file's own syntax: YAML quoting means nothing in JSON, TOML or Markdown
        problem(path, "must be text, found " + describe(o), lower.endsWith(".json") || lower.endsWith(".toml")
                ? "write one \"string\" (a list only where the key takes several values)"
                : lower.endsWith(".md") || lower.endsWith(".markdown") ? "write the value on the key's own line"
                : "write a single value on the same line, quoted if it has ': ' or '#'");
        return null;
    }

    Map<String, Object> map(Object o, String path) {
        if (o == null) return null;
        if (o instanceof Map<?, ?> m) return stringKeys(m);
        broken.add(path);
        problem(path, "must be a map (indented `key: value` lines), found " + describe(o),
                "write the fields of " + path + " on indented lines below it");
        return null;
    }

    @SuppressWarnings("unchecked")
    List<Object> list(Object o, String path) {
        if (o == null) return null;
        if (o instanceof List<?> l) return (List<Object>) l;
        broken.add(path);
        problem(path, "must be a list, found " + describe(o),
                o instanceof String s ? "write `[" + s + "]` (a list of one), or one `- item` per line" : "write `[a, b]` or one `- item` per line");
        return null;
    }

    List<String> texts(Object o, String path) {
        List<Object> l = list(o, path);
        if (l == null) return null;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            Object v = l.get(i);
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                out.add(scalar(v));
            } else {
                problem(path + "[" + i + "]", "must be text, found " + describe(v), "write a single value per item");
            }
        }
        return out;
    }

    int whole(Object o, String path, int dflt, int min) {
        if (o == null) return dflt;
        BigInteger big = integral(o);
        if (big == null || big.bitLength() > 31) {
            problem(path, "must be a whole number, found " + describe(o), "e.g. `" + last(path) + ": " + Math.max(dflt, min) + "`");
            return dflt;
        }
        int v = big.intValue();
        if (v < min) {
            problem(path, "must be at least " + min + ", found " + v, "e.g. `" + last(path) + ": " + Math.max(dflt, min) + "`");
            return dflt;
        }
        return v;
    }

    Double number(Object o, String path) {
        if (o == null) return null;
        Double d = null;
        if (o instanceof Number n) {
            d = n.doubleValue();
        } else if (o instanceof String s) {
            try {
                d = new BigDecimal(s.trim()).doubleValue();
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        if (d == null || !Double.isFinite(d)) {
            problem(path, "must be a number, found " + describe(o), "write a plain number, e.g. 0.5 or 1e-4");
            return null;
        }
        return d;
    }

    boolean bool(Object o, String path, boolean dflt) {
        if (o == null) return dflt;
        if (o instanceof Boolean b) return b;
        if (o instanceof String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> { return true; }
                case "false", "no", "off" -> { return false; }
                default -> { }
            }
        }
        problem(path, "must be true or false, found " + describe(o), "write `" + last(path) + ": true` or `" + last(path) + ": false`");
        return dflt;
    }

    /** A whole number from a Number or numeric text, else null. */
    static BigInteger integral(Object o) {
        try {
            BigDecimal d;
            if (o instanceof Number n) {
                if (!Double.isFinite(n.doubleValue())) return null;
                d = decimal(n);
            } else if (o instanceof String s) {
                d = new BigDecimal(s.trim());
            } else {
                return null;
            }
            return d.toBigIntegerExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal b) return b;
        if (n instanceof BigInteger b) return new BigDecimal(b);
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) return BigDecimal.valueOf(n.longValue());
        return new BigDecimal(n.toString());
    }

    static String scalar(Object o) {
        if (o instanceof BigDecimal b) return b.toString();
        return String.valueOf(o);
    }

    static String describe(Object o) {
        if (o == null) return "nothing";
        if (o instanceof Map<?, ?>) return "a map";
        if (o instanceof List<?>) return "a list";
        if (o instanceof Boolean b) return b.toString();
        if (o instanceof Number n) return n.toString();
        if (o instanceof String s) return "'" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "'";
        return o.getClass().getSimpleName();
    }

    static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), e.getValue());
        return out;
    }

    /** The value of {@code key} in {@code section}, or null when it is absent or the section is not a map. */
    static Object valueIn(Object section, String key) {
        return section instanceof Map<?, ?> map ? map.get(key) : null;
    }

    static boolean hasKey(Object section, String key) {
        return section instanceof Map<?, ?> map && map.get(key) != null;
    }

    private static String last(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    // ---------------------------------------------------------------- problems

    void problem(String path, String message, String suggestion) {
        for (String b : broken) {
            if (path.startsWith(b + ".") || path.startsWith(b + "[")) return;
        }
        String at = written(path);
        problems.add(new Problem(source, at, lineAt(at), message, suggestion));
    }

    /** The path as the file has it: a section read from elsewhere is reported where it was written. */
    private String written(String path) {
        for (Map.Entry<String, String> m : movedFrom.entrySet()) {
            String from = m.getKey();
            if (path.equals(from) || path.startsWith(from + ".") || path.startsWith(from + "[")) {
                return m.getValue() + path.substring(from.length());
            }
        }
        return path;
    }

    /** The line of {@code path}, or of its nearest parent the loader knows. */
    private int lineAt(String path) {
        String p = path;
        while (!p.isEmpty()) {
            int line;
            try {
                line = lineOf.applyAsInt(p);
            } catch (RuntimeException e) {
                line = 0;
            }
            if (line > 0) return line;
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return 0;
    }
}

package dev.helix.adapters.specio;

import dev.helix.core.spec.Problem;
import dev.helix.core.spec.SpecException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * YAML text to the plain tree {@code SpecReader} reads, remembering the line of every field path.
 * Composes nodes rather than constructing objects, so duplicate keys are found and nothing but
 * Maps, Lists, Strings, Numbers and Booleans is ever built. Plain scalars follow the YAML 1.2 core
 * schema: {@code yes}, {@code no}, {@code on} stay text (no "Norway problem"), and decimals become
 * BigDecimal so "version: 1.10" keeps its zero.
 */
final class YamlTree {

    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
    private static final Pattern OCT = Pattern.compile("0o[0-7]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Pattern INF = Pattern.compile("[-+]?\\.(inf|Inf|INF)");
    private static final Pattern NAN = Pattern.compile("\\.(nan|NaN|NAN)");
    private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
    private static final Pattern BOOL = Pattern.compile("true|True|TRUE|false|False|FALSE");

    /** The YAML 1.2 core schema, instead of SnakeYAML's YAML 1.1 one. */
    private static final class CoreSchema extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "tTfF");
            addImplicitResolver(Tag.INT, Pattern.compile(INT.pattern() + "|" + HEX.pattern() + "|" + OCT.pattern()), "-+0123456789");
            addImplicitResolver(Tag.FLOAT, Pattern.compile(FLOAT.pattern() + "|" + INF.pattern() + "|" + NAN.pattern()), "-+0123456789.");
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
        }
    }

    /** The tree, the 1-based line of each field path, and what was wrong below the syntax level. */
    record Parsed(Object root, Map<String, Integer> lines, List<Problem> problems) {}

    private final String source;
    private final Map<String, Integer> lines = new LinkedHashMap<>();
    private final List<Problem> problems = new ArrayList<>();
    private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());

    private YamlTree(String source) {
        this.source = source;
    }

    /** @throws SpecException for a syntax error, with its line and column */
    static Parsed parse(String text, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // reported by us, with both lines
        options.setMaxAliasesForCollections(50);
        options.setNestingDepthLimit(50);
        DumperOptions dump = new DumperOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dump), dump, options, new CoreSchema());
        Node node;
        try {
            node = yaml.compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            throw new SpecException(syntaxProblem(e, source));
        } catch (YAMLException e) {
            throw new SpecException(new Problem(source, "", 0, "YAML error: " + e.getMessage(), "check the file is plain YAML"));
        }
        YamlTree t = new YamlTree(source);
        Object root = node == null ? null : t.convert(node, "");
        return new Parsed(root, t.lines, t.problems);
    }

    private static Problem syntaxProblem(MarkedYAMLException e, String source) {
        var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        int line = mark == null ? 0 : mark.getLine() + 1;
        int column = mark == null ? 0 : mark.getColumn() + 1;
        String what = e.getProblem() != null ? e.getProblem() : String.valueOf(e.getContext());
        String fix;
        if (what.contains("\\t") || what.contains("tab")) {
            fix = "indent with spaces, not tabs";
        } else if (what.contains("mapping values are not allowed")) {
            fix = "quote the value: it contains ': ' (e.g. command: 'echo \"a: b\"')";
        } else if (what.contains("single document")) {
            fix = "keep one document: remove the extra '---'";
        } else if (what.contains("alias")) {
            fix = "define the anchor (&name) before using it (*name), or quote a value that starts with '*'";
        } else {
            fix = "check the indentation and quoting on line " + line + " and the line above; quote values with ': ', '#', '*', '&' or '!'";
        }
        var context = e.getContextMark();
        String where = e.getContext() != null && context != null && context.getLine() + 1 != line
                ? " (" + e.getContext() + " that starts on line " + (context.getLine() + 1) + ")" : "";
        return new Problem(source, "", line, "YAML syntax error at column " + column + ": " + what + where, fix);
    }

    private Object convert(Node node, String path) {
        if (!open.add(node)) {
            problems.add(new Problem(source, path, line(node), "refers to itself through an alias", "remove the recursive alias"));
            return null;
        }
        try {
            if (node instanceof ScalarNode s) return scalar(s);
            if (node instanceof SequenceNode seq) {
                List<Object> out = new ArrayList<>();
                List<Node> items = seq.getValue();
                for (int i = 0; i < items.size(); i++) {
                    String at = path + "[" + i + "]";
                    lines.putIfAbsent(at, line(items.get(i)));
                    out.add(convert(items.get(i), at));
                }
                return out;
            }
            return mapping((MappingNode) node, path);
        } finally {
            open.remove(node);
        }
    }

    private Map<String, Object> mapping(MappingNode m, String path) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        List<Node> merges = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            Node k = t.getKeyNode();
            if (!(k instanceof ScalarNode ks)) {
                problems.add(new Problem(source, path, line(k), "a key must be a single word, found a " + k.getNodeId(),
                        "write `key: value`"));
                continue;
            }
            if (ks.getTag().equals(Tag.MERGE) || (ks.isPlain() && ks.getValue().equals("<<"))) {
                merges.add(t.getValueNode());
                continue;
            }
            String key = ks.getValue();
            String at = path.isEmpty() ? key : path + "." + key;
            if (firstLine.containsKey(key)) {
                problems.add(new Problem(source, at, line(k), "duplicate key '" + key + "' (first on line " + firstLine.get(key) + ")",
                        "keep one of them: YAML would silently use the last"));
                continue;
            }
            firstLine.put(key, line(k));
            lines.putIfAbsent(at, line(k));
            out.put(key, convert(t.getValueNode(), at));
        }
        // merge keys (<<: *defaults) fill in what the mapping does not say itself
        for (Node merge : merges) {
            List<Node> sources = merge instanceof SequenceNode s ? s.getValue() : List.of(merge);
            for (Node src : sources) {
                if (convert(src, path) instanceof Map<?, ?> mm) {
                    mm.forEach((k, v) -> out.putIfAbsent(String.valueOf(k), v));
                } else {
                    problems.add(new Problem(source, path, line(src), "only a mapping can be merged with <<", "merge an anchored mapping"));
                }
            }
        }
        return out;
    }

    private static Object scalar(ScalarNode s) {
        String v = s.getValue();
        Tag tag = s.getTag();
        try {
            if (tag.equals(Tag.NULL)) return null;
            if (tag.equals(Tag.BOOL)) return v.toLowerCase(Locale.ROOT).equals("true");
            if (tag.equals(Tag.INT)) {
                BigInteger b = HEX.matcher(v).matches() ? new BigInteger(v.substring(2), 16)
                        : OCT.matcher(v).matches() ? new BigInteger(v.substring(2), 8) : new BigInteger(v);
                return b.bitLength() < 64 ? (Object) b.longValue() : b;
            }
            if (tag.equals(Tag.FLOAT)) {
                if (NAN.matcher(v).matches()) return Double.NaN;
                if (INF.matcher(v).matches()) return v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                return new BigDecimal(v);
            }
        } catch (NumberFormatException e) {
            return v; // an explicit !!int on text: leave it to validation to complain
        }
        return v;
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    // ---------------------------------------------------------------- writing

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9 _./+=,()@-]*");

    /** {@code s} as a YAML scalar that reads back as exactly this text. */
    static String quote(String s) {
        if (PLAIN.matcher(s).matches() && !s.endsWith(" ") && resolvesToText(s)) return s;
        boolean printable = s.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f && c != 0x85 && c != 0x2028 && c != 0x2029 && c != 0xfeff);
        if (printable) return "'" + s.replace("'", "''") + "'";
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xfeff) {
                        b.append(String.format("\\u%04x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    private static boolean resolvesToText(String s) {
        return !(INT.matcher(s).matches() || HEX.matcher(s).matches() || OCT.matcher(s).matches() || FLOAT.matcher(s).matches() || INF.matcher(s).matches()
                || NAN.matcher(s).matches() || NULL.matcher(s).matches() || BOOL.matcher(s).matches());
    }
}

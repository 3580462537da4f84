package dev.helix.core.spec;

import java.util.List;

/**
 * One key of helix.yaml, as {@link SpecSchema} lists it: where it sits, what it holds, what it is
 * when absent, what else people write for it, and what it is for.
 *
 * @param path the dotted path; {@code []} stands for any item of a list ("metrics.constraints[].max")
 *             and {@code *} for any key of a map the person names ("search.parameters.*.file")
 * @param type what the value must be
 * @param dflt the value when the key is absent, as the reference shows it; empty: required or nothing
 * @param accepted other spellings read as this key: a sibling key ("choices" for values) or a path
 *                 elsewhere in the file ("metrics.evaluate", the seed system's layout)
 * @param suggested words that are not read but make the reader ask "did you mean" this key
 * @param doc one line for the reference
 * @param note the comment a written helix.yaml carries beside it; empty: none
 */
public record SpecKey(String path, Type type, String dflt, List<String> accepted, List<String> suggested, String doc,
                      String note) {

    /** The kinds of value a key holds. */
    public enum Type {
        /** Indented keys below it. */
        SECTION("map"),
        /** Keys the person names, each holding a value. */
        MAP("map"),
        /** A list of sections. */
        LIST("list"),
        TEXT("text"),
        TEXTS("list of text"),
        WHOLE("whole number"),
        NUMBER("number"),
        BOOL("true or false"),
        /** One word of a closed set (case ignored). */
        CHOICE("choice"),
        /** A number, or a percentage like "0.5%". */
        THRESHOLD("number or percentage"),
        /** A [low, high] pair of numbers. */
        RANGE("[low, high]");

        private final String word;

        Type(String word) {
            this.word = word;
        }

        /** How the reference names it. */
        public String word() {
            return word;
        }
    }

    public SpecKey {
        accepted = List.copyOf(accepted);
        suggested = List.copyOf(suggested);
    }

    /** The last part of the path: the key as it is written in its section. */
    public String name() {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    /** The section it sits in ("" for the top level), in the table's notation. */
    public String section() {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(0, dot);
    }

    /** Whether its value is a section of further keys, not a value. */
    public boolean isSection() {
        return type == Type.SECTION || type == Type.LIST || type == Type.MAP;
    }
}

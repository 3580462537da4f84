package dev.helix.core.tune;

import dev.helix.core.spec.Spec.Parameter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and writes a tunable value inside a file's text. The parameter's pattern locates the value:
 * its first capture group, in the first match. Patterns are compiled with {@code MULTILINE} so that
 * {@code ^} and {@code $} anchor at line boundaries, as they would in an editor.
 */
public final class ParameterText {

    private ParameterText() {}

    /** The text of the value, or empty when the pattern (or its first group) matches nothing. */
    public static Optional<String> read(Parameter p, String text) {
        Matcher m = compile(p).matcher(text);
        if (!m.find() || m.start(1) < 0) return Optional.empty();
        return Optional.of(m.group(1));
    }

    /**
     * {@code text} with the first match's group 1 replaced by {@code newValue}; everything else is
     * unchanged, character for character.
     *
     * @throws IllegalStateException when the pattern no longer matches
     */
    public static String write(Parameter p, String text, String newValue) {
        Matcher m = compile(p).matcher(text);
        if (!m.find() || m.start(1) < 0) {
            throw new IllegalStateException(notFound(p));
        }
        return text.substring(0, m.start(1)) + newValue + text.substring(m.end(1));
    }

    /** "parameter lr: pattern 'LR = (...)' matches nothing in train.py" */
    public static String notFound(Parameter p) {
        return "parameter " + p.name() + ": pattern '" + p.pattern() + "' matches nothing in " + p.file();
    }

    private static Pattern compile(Parameter p) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(p.pattern(), Pattern.MULTILINE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("parameter " + p.name() + ": pattern '" + p.pattern()
                    + "' is not a valid regular expression: " + e.getDescription(), e);
        }
        if (pattern.matcher("").groupCount() < 1) {
            throw new IllegalArgumentException("parameter " + p.name() + ": pattern '" + p.pattern()
                    + "' has no capture group; wrap the value in ( )");
        }
        return pattern;
    }
}

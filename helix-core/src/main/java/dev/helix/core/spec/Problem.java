package dev.helix.core.spec;

/**
 * One thing wrong with an input file: what, where, and how to fix it.
 *
 * @param source the file, e.g. "helix.yaml"
 * @param path the field path, e.g. "metrics.primary.optimize" (empty for the whole file)
 * @param line 1-based line, or 0 when unknown
 */
public record Problem(String source, String path, int line, String message, String suggestion) {

    /** "helix.yaml:12: metrics.primary.optimize: must be minimize or maximize (fix: ...)" */
    public String render() {
        String said = located();
        return suggestion != null && !suggestion.isEmpty() ? said + "\n    fix: " + suggestion : said;
    }

    /** "helix.yaml:12: metrics.primary.optimize: must be minimize or maximize": where and what, for a caller that says the fix itself. */
    public String located() {
        StringBuilder b = new StringBuilder(source);
        if (line > 0) b.append(':').append(line);
        b.append(": ");
        if (!path.isEmpty()) b.append(path).append(": ");
        return b.append(message).toString();
    }
}

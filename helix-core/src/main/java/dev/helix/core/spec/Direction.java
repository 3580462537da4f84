package dev.helix.core.spec;

/** Which way a metric gets better. */
public enum Direction {
    MINIMIZE, MAXIMIZE;

    /** The improvement of {@code candidate} over {@code reference}: positive when better. */
    public double improvement(double candidate, double reference) {
        return this == MINIMIZE ? reference - candidate : candidate - reference;
    }

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses "minimize"/"maximize" (also "min"/"max", "lower"/"higher"); null when not recognised. */
    public static Direction parse(String text) {
        if (text == null) return null;
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "minimize", "minimise", "min", "lower", "lower_is_better", "down" -> MINIMIZE;
            case "maximize", "maximise", "max", "higher", "higher_is_better", "up" -> MAXIMIZE;
            default -> null;
        };
    }
}

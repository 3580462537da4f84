package dev.helix.cli;

import dev.helix.app.AppException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people write them on a command line: 8h, 45m, 90s, 1h30m, or plain seconds. */
final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)([hms])");

    private Durations() {}

    static Duration parse(String text, String option) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.matches("\\d+(\\.\\d+)?")) return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
        Matcher m = PART.matcher(t);
        long millis = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double v = Double.parseDouble(m.group(1));
            millis += (long) (v * switch (m.group(2)) {
                case "h" -> 3_600_000;
                case "m" -> 60_000;
                default -> 1000;
            });
            end = m.end();
        }
        if (end == 0 || end != t.length() || millis <= 0) {
            throw AppException.usage("bad_duration", option + " '" + text + "' is not a duration",
                    "write it like 8h, 45m, 90s or 1h30m");
        }
        return Duration.ofMillis(millis);
    }
}

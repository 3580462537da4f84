package dev.helix.cli;

import dev.helix.app.AppException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people write them on a command line: 2d, 8h, 45m, 90s, 1h30m, 1h 30m, or plain seconds. */
final class Durations {
    private static final Pattern PART = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([dhms])");
    /** A year: longer is a typo, and would overflow the clock's arithmetic. */
    private static final Duration LONGEST = Duration.ofDays(366);

    private Durations() {}

    static Duration parse(String text, String option) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        BigDecimal millis = BigDecimal.ZERO;
        if (t.matches("\\d+(\\.\\d+)?")) {
            millis = new BigDecimal(t).movePointRight(3);
        } else {
            Matcher m = PART.matcher(t);
            int end = 0;
            while (m.find() && m.start() == end) {
                long unit = switch (m.group(2)) {
                    case "d" -> 86_400_000L;
                    case "h" -> 3_600_000L;
                    case "m" -> 60_000L;
                    default -> 1000L;
                };
                millis = millis.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
                end = m.end();
            }
            if (end == 0 || end != t.length()) {
                throw AppException.usage("bad_duration", option + " '" + text + "' is not a duration",
                        "write it like 2d, 8h, 45m, 90s or 1h30m");
            }
        }
        // the clock counts whole milliseconds: less is no time at all, as 0 is
        if (millis.compareTo(BigDecimal.ONE) < 0) {
            throw AppException.usage("bad_duration", option + " '" + text + "' is no time at all", "give a duration above 0, e.g. 8h");
        }
        if (millis.compareTo(BigDecimal.valueOf(LONGEST.toMillis())) > 0) {
            throw AppException.usage("bad_duration", option + " '" + text + "' is longer than a year", "give a duration up to 366d");
        }
        return Duration.ofMillis(millis.longValue());
    }
}

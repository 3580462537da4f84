package dev.helix.cli;

import dev.helix.app.AppException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The values of {@code helix record --metric}: one bare V (the primary), any number of NAME=V (the other metrics). */
record RecordMetrics(Optional<Double> primary, Map<String, Double> others) {

    static RecordMetrics parse(List<String> given) {
        Double primary = null;
        Map<String, Double> others = new LinkedHashMap<>();
        for (String g : given) {
            int eq = g.indexOf('=');
            if (eq < 0) {
                if (primary != null) {
                    throw AppException.usage("bad_option", "--metric " + g + ": the primary's value is given twice",
                            "give the primary once as --metric V and the others as --metric NAME=V");
                }
                primary = number(g, g);
            } else {
                String name = g.substring(0, eq).strip();
                if (name.isEmpty() || others.put(name, number(g.substring(eq + 1), g)) != null) {
                    throw AppException.usage("bad_option", "--metric " + g + ": " + (name.isEmpty() ? "no metric name" : name + " is given twice"),
                            "e.g. --metric 0.91 --metric ratio=2.1");
                }
            }
        }
        // No primary is for a crash alone; RecordResult says so for any other status.
        return new RecordMetrics(Optional.ofNullable(primary), others);
    }

    private static double number(String text, String option) {
        double value;
        try {
            value = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw AppException.usage("bad_option", "--metric " + option + ": '" + text + "' is not a number", "e.g. --metric 0.91 or --metric ratio=2.1");
        }
        if (!Double.isFinite(value)) {
            throw AppException.usage("bad_metric", "--metric " + option + " is not a finite number",
                    "record a crash as --status crash (no metric needed), or fix the measurement");
        }
        return value;
    }
}

package dev.helix.core.ledger;

import dev.helix.core.judge.Judge;
import dev.helix.core.spec.Direction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The baseline and the best "to beat" of earlier sessions, read from an {@code experiments.tsv}
 * committed on the branch a session starts from: Helix's own layout (tag run commit metric ...
 * status description) and the other tools' (commit metric status description; commit metric value
 * status description) alike.
 *
 * @param rows how many rows have a value of the metric
 * @param bestDescription the description of the best row (may be empty)
 */
public record EarlierResults(String metric, int rows, double baseline, double best, String bestDescription) {

    /** Reads {@code tsv}; empty when it has no header with a status column or no row with a value of the metric. */
    public static Optional<EarlierResults> parse(String tsv, String metric, Direction direction) {
        List<String[]> lines = new ArrayList<>();
        for (String line : tsv.split("\\R")) {
            if (!line.isBlank()) lines.add(line.split("\t", -1));
        }
        if (lines.isEmpty()) return Optional.empty();
        List<String> header = new ArrayList<>();
        for (String h : lines.get(0)) header.add(h.strip().toLowerCase(Locale.ROOT));
        int status = header.indexOf("status");
        int value = header.indexOf(metric.toLowerCase(Locale.ROOT));
        int named = header.indexOf("metric");
        if (value < 0) value = header.indexOf("value");
        if (value < 0 && named < 0) value = header.indexOf("metric"); // "commit metric status description": the metric is the value
        int description = header.indexOf("description");
        if (status < 0 || value < 0) return Optional.empty();
        Double baseline = null;
        Double best = null;
        String bestDescription = "";
        int rows = 0;
        for (String[] cells : lines.subList(1, lines.size())) {
            if (cells.length <= Math.max(status, value)) continue;
            // a "metric value" layout names the metric of each row: only this one's count
            if (named >= 0 && named != value && cells.length > named && !cells[named].strip().equalsIgnoreCase(metric)) continue;
            Optional<Double> v = number(cells[value]);
            String s = cells[status].strip().toLowerCase(Locale.ROOT);
            if (v.isEmpty() || s.equals("crash")) continue;
            rows++;
            String d = description >= 0 && cells.length > description ? cells[description].strip() : "";
            if (baseline == null && (s.equals("baseline") || s.equals("keep") || s.equals("kept"))) baseline = v.get();
            boolean counts = s.equals("baseline") || s.equals("keep") || s.equals("kept");
            if (counts && (best == null || direction.improvement(v.get(), best) > 0)) {
                best = v.get();
                bestDescription = d;
            }
        }
        if (baseline == null || best == null) return Optional.empty();
        return Optional.of(new EarlierResults(metric, rows, baseline, best, bestDescription));
    }

    /** One line for people and prompts: "baseline 1.05, best 0.99 to beat (increase LR), 12 experiments". */
    public String text() {
        return metric + ": baseline " + Judge.fmt(baseline) + ", best " + Judge.fmt(best) + " to beat"
                + (bestDescription.isEmpty() ? "" : " (" + bestDescription + ")") + ", from " + rows
                + (rows == 1 ? " earlier experiment" : " earlier experiments");
    }

    private static Optional<Double> number(String cell) {
        try {
            double d = Double.parseDouble(cell.strip());
            return Double.isFinite(d) ? Optional.of(d) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}

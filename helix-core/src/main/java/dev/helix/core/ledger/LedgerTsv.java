package dev.helix.core.ledger;

import dev.helix.core.experiment.Experiment;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code experiments.tsv}: the human view of the ledger, one row per experiment under a header
 * {@code tag run commit <primary> [<guard>] status description}. Lossy by design (the JSONL is the
 * truth): commits are shortened, and cells never contain a tab or a line break.
 */
public final class LedgerTsv {

    private LedgerTsv() {}

    /** The whole file: a header and one line per row, each ending in a newline. */
    public static String render(List<Experiment> rows, String primaryName, Optional<String> guardName) {
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("tag", "run", "commit", primaryName));
        guardName.ifPresent(header::add);
        header.add("status");
        header.add("description");
        line(out, header);
        for (Experiment e : rows) {
            List<String> cells = new ArrayList<>();
            cells.add(e.tag());
            cells.add(Integer.toString(e.run()));
            cells.add(shortCommit(e.commit()));
            Double primary = e.primary().orElse(e.metrics().get(primaryName));
            cells.add(primary == null ? "" : formatNumber(primary));
            guardName.ifPresent(g -> {
                Double guard = e.metrics().get(g);
                cells.add(guard == null ? "" : formatNumber(guard));
            });
            cells.add(e.status().word());
            cells.add(e.description());
            line(out, cells);
        }
        return out.toString();
    }

    /**
     * A number as a person would write it: {@code 0.9712}, {@code 39000}, {@code 0.0001}; shortest
     * form that reads back as the same double, in plain notation unless very large or very small
     * (where the exponent is the readable part).
     */
    public static String formatNumber(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return "0";
        }
        double abs = Math.abs(d);
        if (abs >= 1e-6 && abs < 1e15) {
            // BigDecimal.valueOf goes through Double.toString: the shortest exact representation; twelve
            // significant digits are more than any measurement has and drop binary arithmetic's noise.
            return BigDecimal.valueOf(d).round(new java.math.MathContext(12)).stripTrailingZeros().toPlainString();
        }
        return Double.toString(d);
    }

    static String shortCommit(String commit) {
        if (commit == null) {
            return "";
        }
        return commit.length() > 7 ? commit.substring(0, 7) : commit;
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append('\t');
            }
            out.append(clean(cells.get(i)));
        }
        out.append('\n');
    }

    /** Tabs and line breaks would split cells or rows: each becomes a space. */
    private static String clean(String cell) {
        if (cell == null) {
            return "";
        }
        return cell.replaceAll("\r\n|[\t\r\n\u000b\f\u0085\u2028\u2029]", " ");
    }
}

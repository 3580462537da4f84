package dev.helix.core.report;

import static dev.helix.core.report.Fixtures.baseline;
import static dev.helix.core.report.Fixtures.crash;
import static dev.helix.core.report.Fixtures.discard;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerCsvTest {

    /** A strict RFC 4180 reader, to check the writer against. */
    static List<List<String>> parse(String csv) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                assertThat(cell).as("a quote only opens a cell").isEmpty();
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r') {
                assertThat(csv.charAt(i + 1)).as("CR only before LF").isEqualTo('\n');
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                assertThat(c).as("a bare line feed outside quotes").isNotEqualTo('\n');
                cell.append(c);
            }
        }
        assertThat(quoted).isFalse();
        assertThat(row).as("the last line ends with CRLF").isEmpty();
        return rows;
    }

    @Test
    void hasAHeaderOfTheMainFieldsAndOneColumnPerMetric() {
        List<List<String>> rows = parse(LedgerCsv.render(List.of(baseline(5), crash(1, 3))));
        assertThat(rows.get(0)).startsWith("tag", "run", "attempt", "worker", "status", "primary", "delta", "delta_pct", "metric.loss",
                "description", "hypothesis", "reason", "commit");
        assertThat(rows.get(0)).contains("exit_code", "timed_out", "tokens_in", "cost_usd", "ci_low", "ci_high", "log");
        assertThat(rows).hasSize(3).allSatisfy(r -> assertThat(r).hasSize(rows.get(0).size()));
        int exit = rows.get(0).indexOf("exit_code");
        assertThat(rows.get(2).get(exit)).isEqualTo("3");
        assertThat(rows.get(2).get(rows.get(0).indexOf("primary"))).as("a crash has no value").isEmpty();
    }

    @Test
    void quotesCommasQuotesAndLineBreaksSoEveryCellReadsBack() {
        String nasty = "a, \"quoted\" idea\nover two lines";
        List<List<String>> rows = parse(LedgerCsv.render(List.of(baseline(5), discard(1, 6, nasty))));
        assertThat(rows.get(2).get(rows.get(0).indexOf("description"))).isEqualTo(nasty);
        assertThat(rows.get(2).get(rows.get(0).indexOf("reason"))).isEqualTo("worse: loss 1 -> 6.0 (+0.1, +10%)");
    }
}

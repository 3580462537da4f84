package dev.helix.core.report;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.Evidence;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.ledger.LedgerTsv;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A session's records as CSV (RFC 4180: CRLF line ends, a cell quoted when it holds a comma, a
 * quote or a line break, quotes doubled), for spreadsheets and data frames. One column per main
 * field of the record and one per metric ({@code metric.<name>}, in order of first appearance);
 * empty cells for what a record does not have.
 */
public final class LedgerCsv {
    static final List<String> BEFORE_METRICS = List.of("tag", "run", "attempt", "worker", "status", "primary", "delta", "delta_pct");
    static final List<String> AFTER_METRICS = List.of("description", "hypothesis", "reason", "commit", "parent", "started_at",
            "finished_at", "eval_seconds", "evaluations", "exit_code", "timed_out", "files", "added", "removed", "backend",
            "model", "tokens_in", "tokens_out", "cost_usd", "ci_low", "ci_high", "p_value", "log");

    private LedgerCsv() {}

    public static String render(List<Experiment> records) {
        Set<String> metrics = new LinkedHashSet<>();
        records.forEach(e -> metrics.addAll(e.metrics().keySet()));
        StringBuilder out = new StringBuilder(header(metrics));
        records.forEach(e -> out.append(row(e, metrics)));
        return out.toString();
    }

    /** The header line (with its CRLF) for records whose metrics, in order of first appearance, are {@code metrics}. */
    public static String header(Set<String> metrics) {
        List<String> header = new ArrayList<>(BEFORE_METRICS);
        metrics.forEach(m -> header.add("metric." + m));
        header.addAll(AFTER_METRICS);
        StringBuilder out = new StringBuilder();
        line(out, header);
        return out.toString();
    }

    /** One record's line (with its CRLF), its metric cells in the order of {@code metrics}: for an export written as it is read. */
    public static String row(Experiment e, Set<String> metrics) {
        List<String> cells = new ArrayList<>();
        Optional<AgentUsage> a = e.agent();
        Optional<Evidence> ev = e.evidence();
        cells.addAll(List.of(e.tag(), Integer.toString(e.run()), Integer.toString(e.attempt()), Integer.toString(e.worker()),
                e.status().word(), num(e.primary()), num(e.delta()), num(e.deltaPct())));
        metrics.forEach(m -> cells.add(num(Optional.ofNullable(e.metrics().get(m)))));
        cells.addAll(List.of(e.description(), e.hypothesis().orElse(""), e.reason(), e.commit(), e.parent(),
                e.startedAt().toString(), e.finishedAt().toString(), LedgerTsv.formatNumber(e.evalSeconds()),
                Integer.toString(e.evaluations()), e.exitCode().map(String::valueOf).orElse(""), Boolean.toString(e.timedOut()),
                Integer.toString(e.diff().files()), Integer.toString(e.diff().added()), Integer.toString(e.diff().removed()),
                a.map(AgentUsage::backend).orElse(""), a.flatMap(AgentUsage::model).orElse(""),
                a.flatMap(AgentUsage::tokensIn).map(String::valueOf).orElse(""),
                a.flatMap(AgentUsage::tokensOut).map(String::valueOf).orElse(""),
                num(a.flatMap(AgentUsage::costUsd)), num(ev.map(Evidence::ciLow)), num(ev.map(Evidence::ciHigh)),
                num(ev.map(Evidence::pValue)), e.log()));
        StringBuilder out = new StringBuilder();
        line(out, cells);
        return out.toString();
    }

    private static String num(Optional<Double> v) {
        return v.map(LedgerTsv::formatNumber).orElse("");
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) out.append(',');
            out.append(quote(cells.get(i)));
        }
        out.append("\r\n");
    }

    /** A cell as RFC 4180 writes it. */
    static String quote(String cell) {
        if (cell == null) return "";
        if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) return cell;
        return '"' + cell.replace("\"", "\"\"") + '"';
    }
}

package dev.helix.core.result;

import dev.helix.core.judge.Judge;
import dev.helix.core.report.MarkdownReport;
import dev.helix.core.report.Xml;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result summary of {@code helix finalize} for people: Markdown (the terminal and
 * .helix/runs/TAG/final.md) and the same as a section of the HTML report.
 */
public final class FinalSummary {
    private FinalSummary() {}

    /** The headline: whether the gain is confirmed, with the numbers it rests on. */
    public static String headline(FinalResult r) {
        return (r.confirmed() ? "Gain confirmed" : "Gain NOT confirmed") + ": " + r.metric() + " " + Judge.fmt(r.baseline())
                + " (baseline) to " + Judge.fmt(r.best()) + " (#" + r.bestRun() + ") as recorded; re-measured side by side, "
                + r.gain().render() + " over " + r.gain().blocks() + " blocks";
    }

    /** The rows of the changes table: experiment, change, contribution, cost, fate. */
    static List<String[]> rows(FinalResult r) {
        List<String[]> rows = new ArrayList<>();
        for (Contribution c : r.changes()) {
            rows.add(new String[] {"#" + c.run(), c.description(), c.contribution().map(Gain::render)
                    .orElse(c.fate() == Contribution.Fate.CRASHES_WITHOUT ? "crashes without it" : "not measured"),
                    c.costUsd().map(FinalSummary::usd).orElse("-"), c.fate().why});
        }
        return rows;
    }

    /** The facts under the table: the branch, checks, hold-out, environment and cost. */
    static List<String[]> facts(FinalResult r) {
        List<String[]> facts = new ArrayList<>();
        r.result().ifPresent(g -> facts.add(new String[] {"Final tree", g.render() + " against the baseline, without the "
                + r.dropped().size() + " dropped change" + (r.dropped().size() == 1 ? "" : "s")}));
        r.resultCrash().ifPresent(why -> facts.add(new String[] {"Final tree", "does not evaluate without the " + r.dropped().size()
                + " dropped change" + (r.dropped().size() == 1 ? "" : "s") + ": " + why}));
        facts.add(new String[] {"Branch", (r.written() ? "" : r.resultCrash().isPresent() ? "NOT WRITTEN (the final tree does not evaluate): "
                : "NOT WRITTEN (the checks failed): ") + r.branch() + " on " + shortCommit(r.base()) + ": " + r.commits().size() + " commit"
                + (r.commits().size() == 1 ? "" : "s") + (r.squashed() ? " (squashed)" : "") + " "
                + String.join(" ", r.commits().stream().map(FinalSummary::shortCommit).toList())});
        facts.add(new String[] {"Checks", r.checks().orElse("none configured")});
        facts.add(new String[] {"Hold-out", r.holdout().orElse("none configured")});
        facts.add(new String[] {"Environment", r.environment().orElse("not recorded")});
        int kept = r.surviving().size();
        facts.add(new String[] {"Cost", r.costUsd() > 0 ? usd(r.costUsd()) + " in all" + (kept > 0 ? ", " + usd(r.costUsd() / kept)
                + " per change kept" : "") : "not reported by the proposer"});
        return facts;
    }

    /** The summary as Markdown. */
    public static String markdown(FinalResult r) {
        StringBuilder b = new StringBuilder();
        b.append("# Finalized: session ").append(r.tag()).append("\n\n**").append(cell(headline(r))).append("**\n\n");
        b.append(MarkdownReport.cell(r.confirmation())).append("\n\n## Changes (leave-one-out)\n\n");
        b.append("Each kept change, in the order kept, reverted alone on top of the best less the changes dropped before it; "
                + "its contribution is that tree against the same without the change.\n\n");
        b.append("| # | change | contribution | cost | fate |\n|---|---|---|---|---|\n");
        for (String[] row : rows(r)) b.append("| ").append(String.join(" | ", List.of(row).stream().map(FinalSummary::cell).toList())).append(" |\n");
        b.append('\n');
        for (String[] fact : facts(r)) b.append("- **").append(fact[0]).append("**: ").append(cell(fact[1])).append('\n');
        return b.toString();
    }

    /** The summary as a section of the HTML report (its text escaped). */
    public static String html(FinalResult r) {
        StringBuilder b = new StringBuilder("<h2>Finalized result</h2>\n<section id=\"final\">\n<p class=\"")
                .append(r.confirmed() ? "confirmed" : "unconfirmed").append("\"><strong>").append(Xml.escape(headline(r)))
                .append("</strong></p>\n<p>").append(Xml.escape(r.confirmation())).append("</p>\n<table id=\"contributions\">\n")
                .append("<tr><th>#</th><th>change</th><th>contribution (leave-one-out)</th><th>cost</th><th>fate</th></tr>\n");
        for (String[] row : rows(r)) {
            b.append("<tr class=\"").append(row[4].startsWith("dropped") ? "dropped" : "kept").append("\">");
            for (String cell : row) b.append("<td>").append(Xml.escape(cell)).append("</td>");
            b.append("</tr>\n");
        }
        b.append("</table>\n<table id=\"final-facts\">\n");
        for (String[] fact : facts(r)) {
            b.append("<tr><th scope=\"row\">").append(Xml.escape(fact[0])).append("</th><td>").append(Xml.escape(fact[1])).append("</td></tr>\n");
        }
        return b.append("</table>\n</section>\n").toString();
    }

    /** The counts a program reads of {@code r} (final.json), and the report shows beside the false keeps it expects. */
    public static dev.helix.core.report.FinalTally tally(FinalResult r) {
        int measured = (int) r.changes().stream().filter(c -> c.contribution().isPresent()).count();
        int marginal = (int) r.changes().stream().filter(c -> c.fate() == Contribution.Fate.MARGINAL).count();
        int keptAnyway = (int) r.changes().stream().filter(c -> c.fate() == Contribution.Fate.KEPT_ON_REQUEST
                || c.fate() == Contribution.Fate.NEEDED_BY_LATER || c.fate() == Contribution.Fate.CHECKS_FAIL_WITHOUT).count();
        int unclear = (int) r.changes().stream().filter(c -> c.fate() == Contribution.Fate.UNCLEAR).count();
        return new dev.helix.core.report.FinalTally(r.confirmed(), r.changes().size(), measured, r.dropped().size(), marginal,
                keptAnyway, unclear, r.written(), r.branch());
    }

    static String shortCommit(String commit) {
        return commit.substring(0, Math.min(8, commit.length()));
    }

    private static String usd(double usd) {
        return String.format(Locale.ROOT, "$%.2f", usd);
    }

    private static String cell(String text) {
        return MarkdownReport.cell(text);
    }
}

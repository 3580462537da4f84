package dev.helix.core.report;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Judge;
import java.util.List;
import java.util.Locale;

/**
 * The report as one self-contained HTML page: inline CSS, the SVG chart inline, diffs in
 * {@code <details>}; no script and nothing fetched, so it reads the same offline, mailed or printed.
 */
public final class HtmlReport {
    private HtmlReport() {}

    public static String render(ReportModel m) {
        String svg = SvgChart.render(m.points(), m.metric(), m.direction());
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Helix report: session ").append(x(m.tag())).append("</title>\n<style>\n").append(CSS).append("</style>\n")
                .append("</head>\n<body>\n<main>\n");
        b.append("<h1>Helix report: session ").append(x(m.tag())).append("</h1>\n");
        if (!m.goal().isBlank()) b.append("<p class=\"goal\">").append(x(m.goal())).append("</p>\n");
        b.append("<table id=\"summary\">\n");
        for (String[] row : MarkdownReport.summary(m)) {
            b.append("<tr><th scope=\"row\">").append(x(row[0])).append("</th><td>").append(x(row[1])).append("</td></tr>\n");
        }
        b.append("</table>\n<figure id=\"chart\">\n").append(svg).append("<figcaption>").append(x(m.metric()))
                .append(" of every experiment (").append(x(m.direction().word())).append(") and the best so far")
                .append(m.points().stream().anyMatch(p -> p.low().isPresent()) ? "; bars: the statistical judge's confidence intervals" : "")
                .append(".</figcaption>\n</figure>\n");
        if (!m.signals().isEmpty()) {
            b.append("<h2>Signals</h2>\n<ul id=\"signals\">\n");
            m.signals().forEach(s -> b.append("<li>").append(x(s)).append("</li>\n"));
            b.append("</ul>\n");
        }
        m.finalized().ifPresent(f -> b.append(f.html()));
        b.append(HoldoutSection.html(m));
        b.append("<h2>Kept changes</h2>\n<section id=\"kept\">\n");
        if (m.keptChanges().isEmpty()) b.append("<p>No change was kept: the best is the baseline.</p>\n");
        for (ReportModel.KeptChange k : m.keptChanges()) {
            b.append("<article class=\"kept\" data-run=\"").append(k.run()).append("\">\n<h3>#").append(k.run()).append(' ')
                    .append(x(k.description())).append("</h3>\n<p>").append(x(m.metric())).append(" <strong>")
                    .append(x(k.value().map(Judge::fmt).orElse("-"))).append("</strong>");
            k.delta().ifPresent(d -> b.append(" (").append(x(Judge.signed(d)))
                    .append(x(k.deltaPct().map(p -> ", " + Judge.percent(p)).orElse(""))).append(")"));
            b.append(", commit <code>").append(x(MarkdownReport.shortCommit(k.commit()))).append("</code> on <code>")
                    .append(x(MarkdownReport.shortCommit(k.parent()))).append("</code>, ").append(x(MarkdownReport.stat(k.stat())))
                    .append("</p>\n");
            k.hypothesis().ifPresent(h -> b.append("<p>Hypothesis: ").append(x(h)).append("</p>\n"));
            b.append("<p class=\"reason\">Judge: ").append(x(k.reason())).append("</p>\n");
            b.append("<details open><summary>diff</summary>\n<pre class=\"diff\">").append(diff(k.diff())).append("</pre>\n</details>\n</article>\n");
        }
        b.append("</section>\n<h2>Crashes, discards and rejections</h2>\n");
        themes(b, "Crashes", m.crashThemes());
        themes(b, "Discards", m.discardThemes());
        themes(b, "Rejections", m.rejectThemes());
        if (m.crashThemes().isEmpty() && m.discardThemes().isEmpty() && m.rejectThemes().isEmpty()) b.append("<p>None.</p>\n");
        if (!m.repeatedDescriptions().isEmpty()) {
            b.append("<h3>Repeated ideas</h3>\n<table class=\"repeats\">\n<tr><th>description</th><th>times</th><th>runs</th></tr>\n");
            m.repeatedDescriptions().forEach(r -> b.append("<tr><td>").append(x(r.description())).append("</td><td class=\"num\">")
                    .append(r.count()).append("</td><td>").append(x(MarkdownReport.runs(r.runs()))).append("</td></tr>\n"));
            b.append("</table>\n");
        }
        b.append("<h2>All experiments</h2>\n<table id=\"experiments\">\n<thead><tr><th>#</th><th>status</th><th>").append(x(m.metric()))
                .append("</th><th>delta</th><th>description</th><th>reason</th><th>seconds</th></tr></thead>\n<tbody>\n");
        for (Experiment e : m.records()) {
            b.append("<tr class=\"").append(e.status().word()).append("\"><td class=\"num\">").append(MarkdownReport.run(e))
                    .append("</td><td>").append(e.status().word()).append("</td><td class=\"num\">")
                    .append(x(e.primary().map(Judge::fmt).orElse("-"))).append("</td><td class=\"num\">")
                    .append(x(MarkdownReport.delta(e))).append("</td><td>").append(x(e.description())).append("</td><td>")
                    .append(x(e.reason())).append("</td><td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%.1f", e.evalSeconds())).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</main>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void themes(StringBuilder b, String title, List<ReportModel.Theme> themes) {
        if (themes.isEmpty()) return;
        b.append("<h3>").append(title).append("</h3>\n<table class=\"themes\">\n")
                .append("<tr><th>theme</th><th>count</th><th>runs</th><th>example</th></tr>\n");
        themes.forEach(t -> b.append("<tr><td>").append(x(t.theme())).append("</td><td class=\"num\">").append(t.count())
                .append("</td><td>").append(x(MarkdownReport.runs(t.runs()))).append("</td><td>").append(x(t.example()))
                .append("</td></tr>\n"));
        b.append("</table>\n");
    }

    /** Each diff line escaped, added and removed lines marked for colour. */
    private static String diff(String diff) {
        StringBuilder b = new StringBuilder();
        for (String line : diff.split("\n", -1)) {
            String cls = line.startsWith("+++") || line.startsWith("---") ? "file"
                    : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : null;
            if (cls == null) b.append(x(line)).append('\n');
            else b.append("<span class=\"").append(cls).append("\">").append(x(line)).append("</span>\n");
        }
        return b.toString().stripTrailing();
    }

    private static String x(String text) {
        return Xml.escape(text);
    }

    private static final String CSS = """
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 0; background: #f6f8fa; }
            main { max-width: 980px; margin: 0 auto; padding: 24px; background: #fff; }
            h1 { font-size: 1.6em; margin-top: 0; }
            h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 2em; }
            table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.9em; }
            th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
            th { background: #f6f8fa; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            tr.keep td { background: #dafbe1; }
            tr.crash td { background: #ffebe9; }
            tr.rejected td { background: #fff1e5; }
            tr.baseline td { background: #ddf4ff; }
            figure { margin: 16px 0; }
            figure svg { max-width: 100%; height: auto; border: 1px solid #d0d7de; }
            figcaption { color: #57606a; font-size: 0.9em; }
            pre.diff { background: #f6f8fa; padding: 8px; overflow-x: auto; font-size: 0.85em; }
            .add { color: #1a7f37; } .del { color: #cf222e; } .hunk { color: #8250df; } .file { font-weight: bold; }
            article.kept { margin-bottom: 1.5em; }
            p.confirmed strong { color: #1a7f37; } p.unconfirmed strong { color: #cf222e; } tr.dropped td { color: #57606a; }
            @media print { body { background: #fff; } details { display: block; } }
            """;
}

package dev.helix.core.report;

import dev.helix.core.judge.Judge;
import dev.helix.core.judge.Overfitting;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report's hold-out section: the primary and the hold-out over the baseline and the keeps,
 * as a table (Markdown and HTML) and as two curves (SVG, each on its own scale, since the two are
 * measured on different data), with the overfitting verdict on top.
 */
final class HoldoutSection {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 220;
    private static final int PAD = 36;

    private HoldoutSection() {}

    static Optional<Overfitting> of(ReportModel m) {
        return Overfitting.of(m.records(), m.direction());
    }

    static String markdown(ReportModel m) {
        Optional<Overfitting> o = of(m);
        if (o.isEmpty()) {
            return Overfitting.unmeasured(m.records()).map(u -> "## Hold-out\n\n" + MarkdownReport.inline(u) + "\n\n").orElse("");
        }
        StringBuilder b = new StringBuilder("## Hold-out\n\n");
        b.append(o.get().flagged() ? "**" + MarkdownReport.inline(o.get().render()) + "**" : MarkdownReport.inline(o.get().render())).append("\n\n");
        b.append("| # | status | ").append(MarkdownReport.cell(m.metric())).append(" | hold-out |\n|---|---|---|---|\n");
        for (Overfitting.Point p : o.get().curve()) {
            b.append("| ").append(p.run()).append(" | ").append(p.status().word()).append(" | ").append(Judge.fmt(p.primary()))
                    .append(" | ").append(p.holdout().map(Judge::fmt).orElse("-")).append(" |\n");
        }
        return b.append('\n').toString();
    }

    static String html(ReportModel m) {
        Optional<Overfitting> o = of(m);
        if (o.isEmpty()) {
            return Overfitting.unmeasured(m.records()).map(u -> "<h2>Hold-out</h2>\n<section id=\"holdout\">\n<p>" + Xml.escape(u)
                    + "</p>\n</section>\n").orElse("");
        }
        StringBuilder b = new StringBuilder("<h2>Hold-out</h2>\n<section id=\"holdout\"")
                .append(o.get().flagged() ? " class=\"overfitting\"" : "").append(">\n<p>")
                .append(o.get().flagged() ? "<strong>" + Xml.escape(o.get().render()) + "</strong>" : Xml.escape(o.get().render()))
                .append("</p>\n<figure>").append(svg(o.get().curve(), m.metric())).append("<figcaption>").append(Xml.escape(m.metric()))
                .append(" (blue) and the hold-out (orange) at the baseline and each keep, each on its own scale.</figcaption></figure>\n")
                .append("<table>\n<thead><tr><th>#</th><th>status</th><th>").append(Xml.escape(m.metric()))
                .append("</th><th>hold-out</th></tr></thead>\n<tbody>\n");
        for (Overfitting.Point p : o.get().curve()) {
            b.append("<tr><td>").append(p.run()).append("</td><td>").append(p.status().word()).append("</td><td>")
                    .append(Judge.fmt(p.primary())).append("</td><td>").append(p.holdout().map(Judge::fmt).orElse("-")).append("</td></tr>\n");
        }
        return b.append("</tbody>\n</table>\n</section>\n").toString();
    }

    /** Two polylines over the curve's points, each scaled to its own range. */
    static String svg(List<Overfitting.Point> curve, String metric) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s and hold-out\">",
                WIDTH, HEIGHT, Xml.escape(metric)));
        line(s, curve.stream().map(p -> Optional.of(p.primary())).toList(), "#1f6feb", "primary");
        line(s, curve.stream().map(Overfitting.Point::holdout).toList(), "#d9480f", "holdout");
        return s.append("</svg>").toString();
    }

    private static void line(StringBuilder s, List<Optional<Double>> values, String color, String id) {
        double lo = values.stream().flatMap(Optional::stream).mapToDouble(Double::doubleValue).min().orElse(0);
        double hi = values.stream().flatMap(Optional::stream).mapToDouble(Double::doubleValue).max().orElse(1);
        double span = hi - lo == 0 ? 1 : hi - lo;
        double step = values.size() < 2 ? 0 : (WIDTH - 2.0 * PAD) / (values.size() - 1);
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).isEmpty()) continue;
            double x = PAD + i * step;
            double y = HEIGHT - PAD - (values.get(i).get() - lo) / span * (HEIGHT - 2.0 * PAD);
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        s.append("<polyline id=\"").append(id).append("\" fill=\"none\" stroke=\"").append(color)
                .append("\" stroke-width=\"2\" points=\"").append(pts.toString().strip()).append("\"/>");
    }
}

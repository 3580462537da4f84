package dev.helix.core.report;

import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.spec.Direction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The session as a standalone SVG: one marker per record (class {@code point} and its status, a
 * {@code data-run}, a tooltip), error bars from the statistical judge's intervals (class {@code ci}),
 * and the best so far as a step line (class {@code best}). Crashes and rejections have no value:
 * they sit as crosses on the bottom edge. The y axis is logarithmic when every value is positive
 * and they span more than 100x. No script, no fonts or styles from outside.
 */
public final class SvgChart {
    static final int WIDTH = 760;
    static final int HEIGHT = 340;
    private static final int LEFT = 72;
    private static final int RIGHT = 16;
    private static final int TOP = 34;
    private static final int BOTTOM = 46;

    private SvgChart() {}

    public static String render(List<ReportModel.Point> points, String metric, Direction direction) {
        List<Double> values = new ArrayList<>();
        for (ReportModel.Point p : points) {
            p.value().ifPresent(values::add);
            p.low().ifPresent(values::add);
            p.high().ifPresent(values::add);
        }
        Scale y = Scale.of(values);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        int n = points.size();
        java.util.function.IntToDoubleFunction xOf = i -> LEFT + (n <= 1 ? plotW / 2 : plotW * (i + 0.5) / n);
        java.util.function.DoubleUnaryOperator yOf = v -> TOP + plotH * (1 - y.fraction(v));

        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"helix-chart\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">\n");
        s.append("<title>").append(Xml.escape(metric + " per experiment (" + direction.word() + "), with the best so far"))
                .append("</title>\n");
        s.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" fill=\"#ffffff\"/>\n");
        // Grid and y ticks.
        s.append("<g class=\"axis y\">\n");
        for (double t : y.ticks()) {
            double ty = yOf.applyAsDouble(t);
            s.append("<line x1=\"").append(f(LEFT)).append("\" x2=\"").append(f(WIDTH - RIGHT)).append("\" y1=\"").append(f(ty))
                    .append("\" y2=\"").append(f(ty)).append("\" stroke=\"#e5e5e5\"/>");
            s.append("<text x=\"").append(f(LEFT - 6)).append("\" y=\"").append(f(ty + 4)).append("\" text-anchor=\"end\" fill=\"#555\">")
                    .append(Xml.escape(Judge.fmt(t))).append("</text>\n");
        }
        s.append("<text x=\"14\" y=\"").append(f(TOP + plotH / 2)).append("\" transform=\"rotate(-90 14 ").append(f(TOP + plotH / 2))
                .append(")\" text-anchor=\"middle\" fill=\"#333\">").append(Xml.escape(metric + (y.log() ? " (log scale)" : "")))
                .append("</text>\n</g>\n");
        // x axis: run numbers, at most about 12 labels.
        s.append("<g class=\"axis x\">\n");
        s.append("<line x1=\"").append(f(LEFT)).append("\" x2=\"").append(f(WIDTH - RIGHT)).append("\" y1=\"").append(f(TOP + plotH))
                .append("\" y2=\"").append(f(TOP + plotH)).append("\" stroke=\"#999\"/>\n");
        int every = Math.max(1, (int) Math.ceil(n / 12.0));
        for (int i = 0; i < n; i += every) {
            if (points.get(i).attempt() > 0) continue;
            s.append("<text x=\"").append(f(xOf.applyAsDouble(i))).append("\" y=\"").append(f(TOP + plotH + 16))
                    .append("\" text-anchor=\"middle\" fill=\"#555\">").append(points.get(i).run()).append("</text>\n");
        }
        s.append("<text x=\"").append(f(LEFT + plotW / 2)).append("\" y=\"").append(HEIGHT - 8)
                .append("\" text-anchor=\"middle\" fill=\"#333\">experiment</text>\n</g>\n");
        // Best so far: a step line that only moves when the branch advances.
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < n; i++) {
            double b = points.get(i).bestSoFar();
            if (Double.isNaN(b)) continue;
            double px = xOf.applyAsDouble(i);
            double py = yOf.applyAsDouble(b);
            if (d.isEmpty()) d.append("M").append(f(px)).append(' ').append(f(py));
            else d.append(" H").append(f(px)).append(" V").append(f(py));
        }
        if (!d.isEmpty()) {
            d.append(" H").append(f(WIDTH - RIGHT));
            s.append("<path class=\"best\" d=\"").append(d).append("\" fill=\"none\" stroke=\"#1a7f37\" stroke-width=\"2\"/>\n");
        }
        // Error bars, then the points over them.
        s.append("<g class=\"cis\">\n");
        for (int i = 0; i < n; i++) {
            ReportModel.Point p = points.get(i);
            if (p.low().isEmpty() || p.high().isEmpty()) continue;
            double px = xOf.applyAsDouble(i);
            double lo = yOf.applyAsDouble(p.low().get());
            double hi = yOf.applyAsDouble(p.high().get());
            s.append("<path class=\"ci\" data-run=\"").append(p.run()).append("\" d=\"M").append(f(px)).append(' ').append(f(lo))
                    .append(" V").append(f(hi)).append(" M").append(f(px - 3)).append(' ').append(f(lo)).append(" H").append(f(px + 3))
                    .append(" M").append(f(px - 3)).append(' ').append(f(hi)).append(" H").append(f(px + 3))
                    .append("\" stroke=\"#888\" fill=\"none\"/>\n");
        }
        s.append("</g>\n<g class=\"points\">\n");
        for (int i = 0; i < n; i++) {
            ReportModel.Point p = points.get(i);
            double px = xOf.applyAsDouble(i);
            String title = "#" + p.run() + (p.attempt() > 0 ? "." + p.attempt() : "") + " " + p.status().word() + " "
                    + p.value().map(Judge::fmt).orElse("-")
                    + (p.low().isPresent() && p.high().isPresent()
                            ? " [" + Judge.fmt(p.low().get()) + ", " + Judge.fmt(p.high().get()) + "]" : "")
                    + " " + p.description();
            String attrs = " class=\"point " + p.status().word() + "\" data-run=\"" + p.run() + "\"";
            if (p.value().isPresent()) {
                double py = yOf.applyAsDouble(p.value().get());
                s.append("<circle").append(attrs).append(" cx=\"").append(f(px)).append("\" cy=\"").append(f(py))
                        .append("\" r=\"").append(p.status().advances() ? "5" : "4").append("\" fill=\"").append(color(p.status()))
                        .append("\" stroke=\"#ffffff\"><title>").append(Xml.escape(title)).append("</title></circle>\n");
            } else {
                double py = TOP + plotH - 6;
                s.append("<path").append(attrs).append(" d=\"M").append(f(px - 4)).append(' ').append(f(py - 4)).append(" l8 8 m0 -8 l-8 8")
                        .append("\" stroke=\"").append(color(p.status())).append("\" stroke-width=\"2\"><title>")
                        .append(Xml.escape(title)).append("</title></path>\n");
            }
        }
        s.append("</g>\n");
        legend(s);
        s.append("</svg>\n");
        return s.toString();
    }

    private static void legend(StringBuilder s) {
        String[][] items = {{"baseline", color(Status.BASELINE)}, {"keep", color(Status.KEEP)}, {"discard", color(Status.DISCARD)},
            {"crash", color(Status.CRASH)}, {"rejected", color(Status.REJECTED)}};
        s.append("<g class=\"legend\">\n");
        double x = LEFT;
        for (String[] item : items) {
            s.append("<circle cx=\"").append(f(x + 5)).append("\" cy=\"14\" r=\"4\" fill=\"").append(item[1]).append("\"/>");
            s.append("<text x=\"").append(f(x + 13)).append("\" y=\"18\" fill=\"#333\">").append(item[0]).append("</text>\n");
            x += 18 + item[0].length() * 6.5 + 10;
        }
        s.append("<path d=\"M").append(f(x)).append(" 14 H").append(f(x + 20)).append("\" stroke=\"#1a7f37\" stroke-width=\"2\"/>");
        s.append("<text x=\"").append(f(x + 26)).append("\" y=\"18\" fill=\"#333\">best so far</text>\n</g>\n");
    }

    static String color(Status status) {
        return switch (status) {
            case BASELINE -> "#0969da";
            case KEEP -> "#1a7f37";
            case DISCARD -> "#8c959f";
            case CRASH -> "#cf222e";
            case REJECTED -> "#bc4c00";
            case INTERRUPTED, STALE -> "#6e7781";
            case VERIFY -> "#8250df";
        };
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Maps values to [0, 1] of the plot height, linear or logarithmic, with tick values. */
    record Scale(double min, double max, boolean log) {
        static Scale of(List<Double> values) {
            List<Double> finite = values.stream().filter(Double::isFinite).toList();
            if (finite.isEmpty()) return new Scale(0, 1, false);
            double lo = finite.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double hi = finite.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            if (lo > 0 && hi / lo > 100) {
                return new Scale(Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi))), true);
            }
            if (lo == hi) {
                double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
                lo -= pad;
                hi += pad;
            }
            double step = niceStep((hi - lo) / 5);
            return new Scale(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, false);
        }

        double fraction(double v) {
            if (log) return (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
            return (v - min) / (max - min);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            if (log) {
                int from = (int) Math.round(Math.log10(min));
                int to = (int) Math.round(Math.log10(max));
                int every = Math.max(1, (int) Math.ceil((to - from) / 8.0));
                for (int k = from; k <= to; k += every) ticks.add(Math.pow(10, k));
                return ticks;
            }
            double step = niceStep((max - min) / 5);
            for (int k = 0; ; k++) {
                double t = min + k * step;
                if (t > max + step / 1000) break;
                // Round away binary noise (0.30000000000000004) so labels read cleanly.
                ticks.add(new java.math.BigDecimal(t).round(new java.math.MathContext(10)).doubleValue());
            }
            return ticks;
        }

        static double niceStep(double raw) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double r = raw / magnitude;
            double nice = r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10;
            return nice * magnitude;
        }
    }
}

package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.report.HtmlReport;
import dev.helix.core.report.MarkdownReport;
import dev.helix.core.report.ReportModel;
import dev.helix.core.report.SvgChart;
import dev.helix.core.session.NoiseNow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/** What {@code helix report} made: the session's headline numbers, and the files written or the document itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ReportView(
        String tag,
        String format,
        int experiments,
        int attempts,
        int kept,
        Double best,
        @JsonProperty("improvement_pct") Double improvementPct,
        List<String> signals,
        String file,
        String chart,
        String document,
        @JsonProperty("best_estimate") EstimateJson bestEstimate,
        @JsonProperty("baseline_estimate") EstimateJson baselineEstimate,
        EstimateJson.Gain gain,
        @JsonProperty("noise_now") NoiseNowJson noiseNow) {

    /**
     * Renders the report in {@code format}, for Markdown to go to {@code file} writing its chart next
     * to it (FILE.svg) at once; {@link #written()} then writes the document itself.
     */
    static ReportView render(String tag, String format, ReportModel model, Path file) {
        Path chart = null;
        String document;
        if (format.equals("html")) {
            document = HtmlReport.render(model);
        } else {
            String svg = SvgChart.render(model.points(), model.metric(), model.direction());
            if (file == null) {
                document = MarkdownReport.render(model, "data:image/svg+xml;base64,"
                        + Base64.getEncoder().encodeToString(svg.getBytes(StandardCharsets.UTF_8)));
            } else {
                chart = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.(md|markdown)$", "") + ".svg");
                ReportFiles.write(chart, svg);
                document = MarkdownReport.render(model, chart.getFileName().toString());
            }
        }
        return new ReportView(tag, format, model.experiments(), model.counts().attempts(), model.kept(), model.best().flatMap(Experiment::primary).orElse(null),
                model.improvementPct().orElse(null), model.signals(), file == null ? null : file.toString(),
                chart == null ? null : chart.toString(), document,
                model.headline().map(h -> EstimateJson.of(h.best())).orElse(null),
                model.headline().map(h -> EstimateJson.of(h.baseline())).orElse(null),
                model.headline().map(h -> EstimateJson.Gain.of(h.gain())).orElse(null),
                NoiseNow.of(model.records()).map(NoiseNowJson::of).orElse(null));
    }

    /** Writes the document to its file, if it has one; the view then names the file instead of carrying the document. */
    ReportView written() {
        if (file == null) return this;
        ReportFiles.write(Path.of(file), document);
        return new ReportView(tag, format, experiments, attempts, kept, best, improvementPct, signals, file, chart, null,
                bestEstimate, baselineEstimate, gain, noiseNow);
    }

    /** For people: where the report went, or the report itself. */
    String text() {
        if (file == null) return document.stripTrailing();
        return "Wrote " + file + (chart == null ? "" : " and its chart " + Path.of(chart).getFileName());
    }
}

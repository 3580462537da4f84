package dev.helix.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.Repository;
import dev.helix.core.port.Vcs;
import dev.helix.core.report.HtmlReport;
import dev.helix.core.report.MarkdownReport;
import dev.helix.core.report.ReportModel;
import dev.helix.core.report.SvgChart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix report}: a shareable research report of a session, Markdown or self-contained HTML. */
@Command(name = "report", mixinStandardHelpOptions = true, description = {
    "Write a research report of a session: summary, a chart of every experiment with the best so far, the kept "
        + "changes with their diffs, themes of crashes and discards, cost and time.",
    "Markdown (the default) goes to stdout, its chart as a data URI; with -o the chart is written next to it "
        + "(FILE.svg). HTML is one self-contained page (no script, nothing fetched)."})
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    @Option(names = "--format", paramLabel = "md|html", description = "md or html (default: from -o's extension, else md).")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report to FILE instead of stdout.")
    Path output;

    @Override
    public Integer call() {
        String fmt = ReportFiles.format(format, output, List.of("md", "html"), "md");
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        SessionSetting setting = SessionSetting.of(s);
        Repository git = s.git();
        ReportModel model = ReportModel.of(s.tag(), setting.setting(), s.records(), e -> diff(git, s, e));
        Path file = output == null ? null : main.workingDirectory().resolve(output);
        Path chart = null;
        String document;
        if (fmt.equals("html")) {
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
        Output out = main.output();
        s.warnings().forEach(w -> out.progress().println("warning: " + w));
        ObjectNode data = Output.JSON.createObjectNode();
        data.put("tag", s.tag());
        data.put("format", fmt);
        data.put("experiments", model.experiments());
        data.put("kept", model.kept());
        model.best().flatMap(Experiment::primary).ifPresent(v -> data.put("best", v));
        model.improvementPct().ifPresent(p -> data.put("improvement_pct", p));
        data.putPOJO("signals", model.signals());
        if (file != null) {
            ReportFiles.write(file, document);
            data.put("file", file.toString());
            if (chart != null) data.put("chart", chart.toString());
            out.text("Wrote " + file + (chart == null ? "" : " and its chart " + chart.getFileName()));
        } else {
            out.text(document.stripTrailing());
            data.put("document", document);
        }
        out.success(data, file == null ? List.of("write it to a file: helix report --format html -o report.html")
                : List.of("open it: " + file.toUri()));
        return ExitCodes.OK;
    }

    /** A kept experiment's diff against the best before it; a report still renders if git lost a commit. */
    private static String diff(Repository git, SessionRecords s, Experiment e) {
        if (e.parent().isEmpty() || e.commit().isEmpty()) return "";
        try {
            return git.diff(s.repo(), e.parent(), e.commit());
        } catch (Vcs.VcsException ex) {
            return "(no diff: " + ex.getMessage().strip() + ")";
        }
    }
}

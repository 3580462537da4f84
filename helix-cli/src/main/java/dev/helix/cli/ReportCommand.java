package dev.helix.cli;

import dev.helix.app.report.SessionReportModel;
import dev.helix.core.report.ReportModel;
import java.nio.file.Path;
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
        ReportModel model = SessionReportModel.of(s.workspace(), s.tag(), s.records());
        Path file = output == null ? null : main.workingDirectory().resolve(output);
        ReportView rendered = ReportView.render(s.tag(), fmt, model, file);
        Output out = main.output();
        s.warnings().forEach(w -> out.progress().println("warning: " + w));
        ReportView view = rendered.written();
        if (file == null) {
            out.text(view.text());
        } else if (!out.json()) {
            out.progress().println(view.text()); // the report is in the file; this note is for people
        }
        out.success(view, file == null ? List.of("write it to a file: helix report --format html -o report.html")
                : List.of("open it: " + file.toUri()));
        return ExitCodes.OK;
    }
}

package dev.helix.cli;

import dev.helix.adapters.store.LedgerCodec;
import dev.helix.app.report.SessionSetting;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.ledger.LedgerTsv;
import dev.helix.core.report.LedgerCsv;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix export}: every record of a session as CSV, a JSON array, JSON lines or TSV. */
@Command(name = "export", mixinStandardHelpOptions = true, description = {
    "Export every record of a session: csv (a header of the main fields and one column per metric), json (an array "
        + "of ledger records), jsonl (the ledger's lines) or tsv (as experiments.tsv).",
    "Without -o the export goes to stdout as it is, piped or not (in the JSON envelope's data.content with --json)."})
final class ExportCommand implements Callable<Integer> {
    private static final List<String> FORMATS = List.of("csv", "json", "jsonl", "tsv");

    @ParentCommand
    Main main;

    @Option(names = "--format", paramLabel = "FORMAT", description = "csv, json, jsonl or tsv (default: from -o's extension, else csv).")
    String format;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of stdout.")
    Path output;

    @Override
    public Integer call() {
        String fmt = ReportFiles.format(format, output, FORMATS, "csv");
        if (fmt.equals("csv") && !main.output().json()) {
            return CsvStream.write(main, Optional.ofNullable(tag), output);
        }
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        List<Experiment> records = s.records();
        String content = switch (fmt) {
            case "csv" -> LedgerCsv.render(records);
            case "json" -> records.stream().map(LedgerCodec::encode).collect(Collectors.joining(",\n", "[\n", "\n]\n"));
            case "jsonl" -> records.stream().map(e -> LedgerCodec.encode(e) + "\n").collect(Collectors.joining());
            default -> {
                SessionSetting setting = SessionSetting.of(s.repo(), s.records());
                yield LedgerTsv.render(records, setting.setting().metric(), setting.guard());
            }
        };
        Output out = main.output();
        s.warnings().forEach(w -> out.progress().println("warning: " + w));
        if (output != null) {
            Path file = main.workingDirectory().resolve(output);
            ReportFiles.write(file, content);
            if (!out.json()) out.progress().println("Wrote " + records.size() + " records of session " + s.tag() + " to " + file);
            out.success(new ExportView(s.tag(), fmt, records.size(), file.toString(), null), List.of());
        } else {
            out.text(content.stripTrailing());
            out.success(new ExportView(s.tag(), fmt, records.size(), null, content), List.of());
        }
        return ExitCodes.OK;
    }
}

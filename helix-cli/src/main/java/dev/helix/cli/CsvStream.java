package dev.helix.cli;

import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.report.LedgerCsv;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code helix export --format csv} without --json: the CSV streamed from the ledger, in constant memory. */
final class CsvStream {
    private CsvStream() {}

    /**
     * The CSV written as the ledger is read, a record at a time, so a session of any size takes the
     * same memory: one pass finds the metric columns, a second writes the rows. The output is the
     * same as rendering it whole (the trailing line end on stdout is a plain newline, as println gives).
     */
    static int write(Main main, Optional<String> tag, Path output) {
        Workspace workspace = Workspace.open(main.workingDirectory(), "run this inside the repository where you ran 'helix run'");
        String chosen = SessionRecords.chosen(workspace, tag);
        LedgerStore ledger = workspace.ledger();
        Set<String> metrics = new LinkedHashSet<>();
        int[] count = {0};
        List<String> warnings = ledger.readTag(chosen, e -> {
            metrics.addAll(e.metrics().keySet());
            count[0]++;
        });
        if (count[0] == 0) throw SessionRecords.noSession(workspace, chosen);
        Output out = main.output();
        warnings.forEach(w -> out.progress().println("warning: " + w));
        if (output == null) {
            PrintWriter stdout = out.data(); // a document: stdout unless --json
            String[] pending = {LedgerCsv.header(metrics)};
            int[] written = {0};
            ledger.readTag(chosen, e -> {
                if (written[0]++ >= count[0]) return; // appended since the first pass
                stdout.print(pending[0]);
                pending[0] = LedgerCsv.row(e, metrics);
            });
            stdout.println(pending[0].stripTrailing());
            stdout.flush();
            return ExitCodes.OK;
        }
        Path file = main.workingDirectory().resolve(output);
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                w.write(LedgerCsv.header(metrics));
                int[] written = {0};
                ledger.readTag(chosen, e -> {
                    if (written[0]++ >= count[0]) return; // appended since the first pass
                    try {
                        w.write(LedgerCsv.row(e, metrics));
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                });
            }
        } catch (IOException | UncheckedIOException e) {
            throw AppException.runtime("write_failed", "cannot write " + file + ": " + e.getMessage(),
                    "check that the directory exists and is writable, or choose another -o");
        }
        out.progress().println("Wrote " + count[0] + " records of session " + chosen + " to " + file);
        return ExitCodes.OK;
    }
}

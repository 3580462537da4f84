package dev.helix.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportScratchTest {
    @TempDir Path tmp;

    @Test
    void dump() throws Exception {
        TestRepo repo = ReportCommandTest.session(tmp);
        Files.writeString(Path.of("/tmp/scratch-report.md"), repo.helix("--text", "report").toString());
        Files.writeString(Path.of("/tmp/scratch-show.txt"), repo.helix("--text", "show", "2").toString());
        Files.writeString(Path.of("/tmp/scratch-diff.txt"), repo.helix("--text", "diff", "baseline", "best").toString());
        Files.writeString(Path.of("/tmp/scratch-csv.txt"), repo.helix("--text", "export").toString());
        Files.writeString(Path.of("/tmp/scratch-jsonl.txt"), repo.helix("--text", "export", "--format", "jsonl").toString());
        Files.writeString(Path.of("/tmp/scratch-json.txt"), repo.helix("show", "3").toString());
        repo.helix("report", "-o", "/tmp/scratch-report.html");
    }
}

package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a hold-out's reading comes from, on real git and real processes: the metric file or JSON
 * file the evaluation's metric is read from, not the output the program may spoof; and a private
 * directory that cannot be deleted loses no reading.
 */
class HoldoutReadingTest {
    @TempDir
    Path tmp;

    /** The quadratic project with a hold-out running {@code holdoutScript} and {@code evaluate} added to the evaluate section. */
    private TestRepo project(String evaluate, String evaluator, String holdoutScript) throws Exception {
        Path heldout = TestRepo.heldoutData(tmp.resolve("heldout"), "4.2");
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        repo.write("evaluate.sh", evaluator);
        repo.write("helix.yaml", repo.read("helix.yaml").replace("  timeout_seconds: 20\n", "  timeout_seconds: 20\n" + evaluate));
        return repo.withHoldout(holdoutScript, "    from_dir: " + heldout + "\n");
    }

    @Test
    void withMetricSourceFileTheHoldoutIsReadFromTheMetricFileNotItsOutput() throws Exception {
        TestRepo repo = project("  metric_source: file\n",
                "#!/bin/sh\nx=$(sed -n 's/^x = //p' params.txt)\n"
                        + "awk -v x=\"$x\" 'BEGIN { printf \"loss: %.6f\\n\", (x - 1.7) * (x - 1.7) }' > \"$HELIX_METRIC_FILE\"\n",
                "#!/bin/sh\necho 'loss: 2.5' > \"$HELIX_METRIC_FILE\"\necho 'loss: 0'\n");

        TestRepo.Run run = repo.helix("run", "--tag", "f", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode baseline = repo.ledger().get(0);
        assertThat(baseline.get("primary").asDouble()).isEqualTo(5.29, Offset.offset(1e-9));
        assertThat(baseline.at("/holdout/value").asDouble()).as(baseline.toString()).isEqualTo(2.5);
        assertThat(baseline.at("/holdout/samples").size()).isEqualTo(3);
    }

    @Test
    void withAJsonFileTheHoldoutIsReadFromThatFileInItsWorktree() throws Exception {
        TestRepo repo = project("  output_format: json\n  json_file: out.json\n",
                "#!/bin/sh\nx=$(sed -n 's/^x = //p' params.txt)\n"
                        + "awk -v x=\"$x\" 'BEGIN { printf \"{\\\"loss\\\": %.6f}\\n\", (x - 1.7) * (x - 1.7) }' > out.json\n",
                "#!/bin/sh\necho '{\"loss\": 3.5}' > out.json\necho '{\"loss\": 0}'\n");

        TestRepo.Run run = repo.helix("run", "--tag", "j", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode baseline = repo.ledger().get(0);
        assertThat(baseline.get("primary").asDouble()).isEqualTo(5.29, Offset.offset(1e-9));
        assertThat(baseline.at("/holdout/value").asDouble()).as(baseline.toString()).isEqualTo(3.5);
    }

    @Test
    void aPrivateDirectoryThatCannotBeDeletedLosesNoReadingAndKeepsItsMarker() throws Exception {
        Path where = tmp.resolve("holdout-pwd");
        // The hold-out leaves a file no one may delete (immutable as root, in a read-only directory otherwise).
        TestRepo repo = project("", TestRepo.quadratic(tmp.resolve("plain"), "").read("evaluate.sh"),
                "#!/bin/sh\npwd >> '" + where + "'\nmkdir -p stuck && touch stuck/f && { chattr +i stuck/f 2>/dev/null || chmod 500 stuck; }\n"
                        + "echo 'loss: 1.5'\n");
        try {
            TestRepo.Run run = repo.helix("run", "--tag", "c", "--max-experiments", "1");

            assertThat(run.code()).as(run.toString()).isZero();
            Path home = Path.of(Files.readAllLines(where).get(0)).getParent();
            assumeThat(home.resolve("worktree/stuck/f")).as("this machine lets anyone delete the file").exists();
            JsonNode baseline = repo.ledger().get(0);
            assertThat(baseline.at("/holdout/value").asDouble()).as(baseline.toString()).isEqualTo(1.5);
            assertThat(repo.ledger().get(1).get("status").asText()).isNotEmpty(); // the session went on
            assertThat(home.resolve(".helix-holdout-owner")).exists(); // for the sweep once this Helix is gone
        } finally {
            for (String line : Files.exists(where) ? Files.readAllLines(where) : List.<String>of()) {
                Path home = Path.of(line).getParent();
                new ProcessBuilder("chattr", "-i", Path.of(line).resolve("stuck/f").toString()).start().waitFor();
                new ProcessBuilder("chmod", "-R", "u+rwx", home.toString()).start().waitFor();
                if (Files.exists(home)) {
                    try (Stream<Path> all = Files.walk(home)) {
                        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                    }
                }
            }
        }
    }
}

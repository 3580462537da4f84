package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evaluate.metric_source: file on real git and real processes: the program under evaluation
 * prints a perfect metric after the evaluator's line, which the output would take (the last
 * match counts) and the metric file, outside the worktree, does not.
 */
class MetricFileRunTest {
    @TempDir
    Path tmp;

    /**
     * The evaluator runs the editable model.sh for x, prints and writes the loss, then runs the
     * model's epilogue; the proposer moves x to 3.9 and has the epilogue print "loss: 0".
     */
    private TestRepo spoofing(String source) {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        repo.write("model.sh", "[ \"$1\" = --done ] && exit 0\necho 4.0\n");
        repo.write("evaluate.sh", """
                #!/bin/sh
                f="$HELIX_METRIC_FILE"; unset HELIX_METRIC_FILE
                x=$(sh model.sh | head -n 1)
                loss=$(awk -v x="$x" 'BEGIN { printf "%.6f", (x - 1.7) * (x - 1.7) }')
                echo "loss: $loss"
                if [ -n "$f" ]; then echo "{\\"loss\\": $loss}" > "$f"; fi
                sh model.sh --done
                """);
        repo.write("agent.sh", """
                #!/bin/sh
                printf '[ "$1" = --done ] && { echo "loss: 0"; exit 0; }\\necho 3.9\\n' > model.sh
                echo '{"description": "x = 3.9, and a word after the evaluator"}'
                """);
        String spec = repo.read("helix.yaml")
                .replace("editable: [params.txt]", "editable: [model.sh]")
                .replace("backend: tune", "backend: command\n  command: sh agent.sh")
                .replace("  timeout_seconds: 20\n", "  timeout_seconds: 20\n" + source);
        repo.write("helix.yaml", spec.substring(0, spec.indexOf("search:")));
        repo.commitAll("a model that speaks after its evaluator");
        return repo;
    }

    @Test
    void fromTheOutputTheProgramsOwnLastLineIsTaken() {
        TestRepo repo = spoofing("");

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode spoofed = repo.ledger().get(1);
        assertThat(spoofed.get("status").asText()).isEqualTo("keep");
        assertThat(spoofed.get("primary").asDouble()).isZero(); // the documented weakness this option answers
    }

    @Test
    void fromTheMetricFileTheEvaluatorsValueIsTakenAndTheSpoofedLineIgnored() {
        TestRepo repo = spoofing("  output_format: json\n  metric_source: file\n");

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode baseline = repo.ledger().get(0);
        assertThat(baseline.get("primary").asDouble()).isEqualTo(5.29, Offset.offset(1e-9)); // (4.0 - 1.7)^2
        JsonNode kept = repo.ledger().get(1);
        assertThat(kept.get("status").asText()).as(kept.toString()).isEqualTo("keep");
        assertThat(kept.get("primary").asDouble()).isEqualTo(4.84, Offset.offset(1e-9)); // (3.9 - 1.7)^2, not 0
        // The file lives beside the log, outside the worktree.
        assertThat(repo.dir.resolve(".helix/runs/s/1.metric")).content().contains("4.84");
    }

    @Test
    void anEvaluatorThatWritesNoMetricFileCrashesNamingTheVariable() throws Exception {
        TestRepo repo = spoofing("  metric_source: file\n");
        repo.write("evaluate.sh", "#!/bin/sh\necho 'loss: 1'\n");
        repo.commitAll("an evaluator that forgets the file");
        // A file planted where the baseline's would be does not pass for it: it is removed first.
        Files.createDirectories(repo.dir.resolve(".helix/runs/s"));
        Files.writeString(repo.dir.resolve(".helix/runs/s/0.metric"), "loss: 0\n");

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isNotZero();
        assertThat(run.toString()).contains("HELIX_METRIC_FILE");
    }
}

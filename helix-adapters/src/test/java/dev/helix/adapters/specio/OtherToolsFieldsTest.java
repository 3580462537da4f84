package dev.helix.adapters.specio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.helix.core.spec.Direction;
import dev.helix.core.spec.Problem;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fields of the other tools' files that mean more than a renamed helix.yaml key. */
class OtherToolsFieldsTest {
    @TempDir
    Path tmp;

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void metricGrepIsAGrepPatternWhoseLineHoldsTheValueAndNamesTheMetric() throws IOException {
        Spec s = SpecFiles.load(write("research.json", """
                {"modifiable_files": ["train.py"], "run_command": "python train.py", "metric_grep": "^val_bpb:",
                 "metric_direction": "lower", "secondary_metrics": ["^peak_vram_mb:", {"name": "mfu", "grep": "^mfu "}]}
                """));
        assertThat(s.metrics().primary()).isEqualTo(new Spec.MetricSpec("val_bpb", Direction.MINIMIZE));
        assertThat(s.metrics().record()).containsExactly("peak_vram_mb", "mfu");
        var x = dev.helix.core.metric.MetricExtractor.extract(s, "val_bpb: 0.9979\npeak_vram_mb:   45060.2\nmfu 39.8%\n",
                java.util.Optional.empty());
        assertThat(x.metrics()).containsEntry("val_bpb", 0.9979).containsEntry("peak_vram_mb", 45060.2).containsEntry("mfu", 39.8);
    }

    @Test
    void noNewDependenciesMakesTheManifestsThatExistReadonly() throws IOException {
        write("pyproject.toml", "[project]\nname = \"x\"\n");
        write("uv.lock", "version = 1\n");
        SpecFiles.Loaded l = SpecFiles.loadWithNotes(write("research.json", """
                {"modifiable_files": ["train.py"], "readonly_files": ["prepare.py"], "run_command": "python train.py",
                 "metric_grep": "^val_bpb:", "no_new_dependencies": true, "soft_constraints": "keep it simple"}
                """));
        assertThat(l.spec().scope().readonly()).containsExactly("prepare.py", "pyproject.toml", "uv.lock");
        assertThat(l.spec().agent().instructions()).containsExactly("keep it simple");
        assertThat(l.notes()).anyMatch(n -> n.contains("pyproject.toml, uv.lock became readonly"));
        Problem p = catchThrowableOfType(SpecException.class, () -> SpecFiles.load(write("research.json",
                "{\"modifiable_files\": [\"a\"], \"run_command\": \"x\", \"no_new_dependencies\": \"yes\"}"))).problems().get(0);
        assertThat(p.path()).isEqualTo("no_new_dependencies");
    }

    @Test
    void aClaudeMdsCommentsAreNotPartOfTheValues() throws IOException {
        Spec s = SpecFiles.load(write("CLAUDE.md", """
                ## autoresearch
                - target_file: src/model.py  # the file to change
                - run_command: python train.py --epochs 5   # short runs
                - metric_name: accuracy # top-1
                - metric_direction: higher_is_better
                - readonly_files: data/dataset.py, config.yaml  # never touch
                - time_budget: 600 # ten minutes
                """));
        assertThat(s.scope().editable()).containsExactly("src/model.py");
        assertThat(s.evaluate().command()).isEqualTo("python train.py --epochs 5");
        assertThat(s.metrics().primary().name()).isEqualTo("accuracy");
        assertThat(s.scope().readonly()).containsExactly("data/dataset.py", "config.yaml");
        assertThat(s.evaluate().timeoutSeconds()).isEqualTo(1200);
    }

    @Test
    void aShellMetricParseBecomesTheMetricCommandReadingTheLog() throws IOException {
        SpecFiles.Loaded l = SpecFiles.loadWithNotes(write("CLAUDE.md", """
                ## autoresearch
                - target_file: train.py
                - run_command: python train.py
                - metric_name: accuracy
                - metric_parse: grep "accuracy:" run.log | tail -1 | awk '{print $2}'
                """));
        assertThat(l.spec().evaluate().metricCommand())
                .contains("[ ! -s run.log ] || HELIX_LOG=run.log; grep \"accuracy:\" \"$HELIX_LOG\" | tail -1 | awk '{print $2}'");
        assertThat(l.notes()).anyMatch(n -> n.contains("$HELIX_LOG instead of run.log"));
        // a regex stays a regex
        Spec regex = SpecFiles.load(write("CLAUDE.md", "## autoresearch\n- target_file: t.py\n- run_command: x\n"
                + "- metric_name: acc\n- metric_parse: `^acc:\\s*([\\d.]+)`\n"));
        assertThat(regex.evaluate().metricCommand()).isEmpty();
        assertThat(regex.evaluate().patterns().get("primary")).isEqualTo("^acc:\\s*([\\d.]+)");
    }

    @Test
    void aBadRegexIsExplainedInTheFilesOwnQuoting() throws IOException {
        Problem toml = catchThrowableOfType(SpecException.class, () -> SpecFiles.load(write("autoresearch.toml", """
                target_file = "train.py"
                eval_command = "python train.py"
                metric_name = "val_bpb"
                metric_parse = '^val_bpb:\\s*([\\d.]+'
                """))).problems().get(0);
        assertThat(toml.suggestion()).contains("TOML").doesNotContain("YAML");
        Problem md = catchThrowableOfType(SpecException.class, () -> SpecFiles.load(write("CLAUDE.md",
                "## autoresearch\n- target_file: t.py\n- run_command: x\n- metric_name: acc\n- metric_parse: `^acc:(`\n")))
                .problems().get(0);
        assertThat(md.suggestion()).contains("Markdown").doesNotContain("YAML");
        Problem json = catchThrowableOfType(SpecException.class, () -> SpecFiles.load(write("research.json",
                "{\"modifiable_files\": [\"a\"], \"run_command\": [\"python\", \"x.py\"]}"))).problems().get(0);
        assertThat(json.path()).isEqualTo("run_command");
        assertThat(json.suggestion()).contains("\"string\"").doesNotContain("quoted if it has");
    }

    @Test
    void anAmbiguousMetricNameSaysWhichDirectionItTookAndWhy() throws IOException {
        SpecFiles.Loaded l = SpecFiles.loadWithNotes(write("research.json", """
                {"modifiable_files": ["bench.c"], "run_command": "make bench", "metric_grep": "^throughput_mb_s:"}
                """));
        assertThat(l.spec().metrics().primary().optimize()).isEqualTo(Direction.MAXIMIZE);
        assertThat(l.notes()).anyMatch(n -> n.startsWith("throughput_mb_s: maximize, because it is a rate"));
    }
}

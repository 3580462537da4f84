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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecFilesFormatsTest {

    @TempDir
    Path tmp;

    private Path repo;

    private Path write(String name, String text) throws IOException {
        repo = tmp.resolve("My Project");
        Files.createDirectories(repo);
        Path p = repo.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static List<Problem> problems(Path file) {
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecFiles.load(file));
        assertThat(e).as("expected %s to be rejected", file.getFileName()).isNotNull();
        return e.problems();
    }

    private static Problem only(List<Problem> problems) {
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    @Nested
    class AutoresearchToml {
        private static final String TOML = """
                target_file = "train.py"
                eval_command = "uv run train.py"
                metric_name = "val_bpb"
                metric_direction = "minimize"
                time_budget = 300
                branch = "autoresearch/mar5"
                """;

        @Test
        void mapsEveryKeyIntoTheSpec() throws IOException {
            Spec s = SpecFiles.load(write("autoresearch.toml", TOML));
            assertThat(s.scope().editable()).containsExactly("train.py");
            assertThat(s.evaluate().command()).isEqualTo("uv run train.py");
            assertThat(s.metrics().primary()).isEqualTo(new Spec.MetricSpec("val_bpb", Direction.MINIMIZE));
            assertThat(s.source()).isEqualTo("autoresearch.toml");
        }

        @Test
        void theTimeBudgetBecomesATimeoutOfTwiceIt() throws IOException {
            SpecFiles.Loaded l = SpecFiles.loadWithNotes(write("autoresearch.toml", TOML));
            assertThat(l.spec().evaluate().timeoutSeconds()).isEqualTo(600);
            assertThat(l.notes()).anyMatch(n -> n.contains("time_budget 300s") && n.contains("600"));
        }

        @Test
        void durationsWithUnitsAreUnderstood() throws IOException {
            Spec s = SpecFiles.load(write("autoresearch.toml", TOML.replace("time_budget = 300", "time_budget = \"5m\"")));
            assertThat(s.evaluate().timeoutSeconds()).isEqualTo(600);
        }

        @Test
        void theBranchBecomesTheSessionTag() throws IOException {
            SpecFiles.Loaded l = SpecFiles.loadWithNotes(write("autoresearch.toml", TOML));
            assertThat(l.spec().run().tag()).contains("mar5");
            assertThat(l.notes()).anyMatch(n -> n.contains("helix/mar5"));
        }

        @Test
        void fieldsItLacksGetDefaultsSoItLoads() throws IOException {
            Spec s = SpecFiles.load(write("autoresearch.toml", TOML));
            assertThat(s.name()).isEqualTo("my-project");
            assertThat(s.domain()).isEqualTo("general");
            assertThat(s.description()).isEqualTo("Minimize val_bpb as measured by `uv run train.py` (converted from autoresearch.toml).");
            // the tool's own convention: the metric's line (colon or not), else the last number
            assertThat(s.evaluate().outputFormat()).isEqualTo(Spec.OutputFormat.LAST_NUMBER);
        }

        @Test
        void severalTargetFilesMayBeListed() throws IOException {
            Spec s = SpecFiles.load(write("autoresearch.toml", TOML.replace("\"train.py\"", "[\"train.py\", \"model.py\"]")));
            assertThat(s.scope().editable()).containsExactly("train.py", "model.py");
        }

        @Test
        void keysMayLiveInAnAutoresearchTable() throws IOException {
            assertThat(SpecFiles.load(write("autoresearch.toml", "[autoresearch]\n" + TOML)).evaluate().command()).isEqualTo("uv run train.py");
        }

        @Test
        void aSyntaxErrorCarriesItsPosition() throws IOException {
            Problem p = only(problems(write("autoresearch.toml", "target_file = \"train.py\"\neval_command = uv run\n")));
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).startsWith("TOML syntax error at column");
        }

        @Test
        void anUnknownKeyGetsADidYouMeanOnItsLine() throws IOException {
            Problem p = only(problems(write("autoresearch.toml", TOML + "metric_parse_regex = \"x\"\n")));
            assertThat(p.path()).isEqualTo("metric_parse_regex");
            assertThat(p.line()).isEqualTo(7);
            assertThat(p.suggestion()).isEqualTo("did you mean 'metric_parse'?");
        }

        @Test
        void problemsNameTheKeysAsTheFileSpellsThem() throws IOException {
            List<Problem> problems = problems(write("autoresearch.toml", """
                    metric_name = "val_bpb"
                    metric_direction = "downwards"
                    """));
            assertThat(problems).extracting(Problem::path)
                    .containsExactlyInAnyOrder("metric_direction", "target_file", "eval_command");
            assertThat(problems).filteredOn(p -> p.path().equals("metric_direction")).singleElement()
                    .extracting(Problem::line).isEqualTo(2);
        }

        @Test
        void aBadTimeBudgetIsReported() throws IOException {
            assertThat(only(problems(write("autoresearch.toml", TOML.replace("300", "\"soon\"")))).path()).isEqualTo("time_budget");
        }
    }

    @Nested
    class ResearchJson {
        private static final String JSON = """
                {
                  "run_command": "python bench.py",
                  "modifiable_files": ["solver.py", "lib/*.py"],
                  "readonly_files": ["bench.py"],
                  "timeout_seconds": 120,
                  "metric_direction": "maximize",
                  "tag": "exp1",
                  "setup_check": "python -c 'import numpy'"
                }
                """;

        @Test
        void mapsEveryKeyIntoTheSpec() throws IOException {
            SpecFiles.Loaded l = SpecFiles.loadWithNotes(write("research.json", JSON));
            Spec s = l.spec();
            assertThat(s.evaluate().command()).isEqualTo("python bench.py");
            assertThat(s.scope().editable()).containsExactly("solver.py", "lib/*.py");
            assertThat(s.scope().readonly()).containsExactly("bench.py");
            assertThat(s.evaluate().timeoutSeconds()).isEqualTo(120);
            assertThat(s.evaluate().setup()).contains("python -c 'import numpy'");
            assertThat(s.metrics().primary()).isEqualTo(new Spec.MetricSpec("score", Direction.MAXIMIZE));
            assertThat(l.notes()).anyMatch(n -> n.contains("score: <value>")).anyMatch(n -> n.contains("helix/exp1"));
            assertThat(s.run().tag()).contains("exp1");
        }

        @Test
        void aMetricNameMayBeGiven() throws IOException {
            Spec s = SpecFiles.load(write("research.json", JSON.replace("\"tag\"", "\"metric_name\": \"qps\", \"tag\"")));
            assertThat(s.metrics().primary().name()).isEqualTo("qps");
        }

        @Test
        void problemsNameTheKeysAsTheFileSpellsThem() throws IOException {
            List<Problem> problems = problems(write("research.json", """
                    {
                      "modifiable_files": [],
                      "timeout_seconds": -1
                    }
                    """));
            assertThat(problems).extracting(Problem::path, Problem::line).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("modifiable_files", 2),
                    org.assertj.core.groups.Tuple.tuple("timeout_seconds", 3),
                    org.assertj.core.groups.Tuple.tuple("run_command", 0));
        }

        @Test
        void aSyntaxErrorCarriesItsLine() throws IOException {
            Problem p = only(problems(write("research.json", "{\n  \"run_command\": \"x\"\n  \"tag\": 1\n}")));
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).startsWith("JSON syntax error");
        }

        @Test
        void theTopLevelMustBeAnObject() throws IOException {
            assertThat(only(problems(write("research.json", "[1, 2]"))).message()).contains("JSON object");
        }

        @Test
        void duplicateKeysAreReported() throws IOException {
            Problem p = only(problems(write("research.json", JSON.replace("\"tag\": \"exp1\"", "\"tag\": \"a\", \"tag\": \"b\""))));
            assertThat(p.message()).contains("duplicate key 'tag'");
        }
    }

    @Nested
    class ClaudeMd {
        private static final String MD = """
                # Project notes

                Some prose about the project. Note: this line is prose.

                ## Autoresearch

                - **target_file**: `train.py`
                - run_command: `uv run train.py`
                - metric_name: val_bpb
                - metric_parse: `^val_bpb:\\s*([\\d.]+)`
                - metric_direction: minimize
                - time_budget: 5 minutes
                - readonly_files:
                  - prepare.py
                  - `data.py`

                ## Style

                - run_command: this belongs to another section
                """;

        @Test
        void readsTheSectionsKeyValueLines() throws IOException {
            Spec s = SpecFiles.load(write("CLAUDE.md", MD));
            assertThat(s.scope().editable()).containsExactly("train.py");
            assertThat(s.scope().readonly()).containsExactly("prepare.py", "data.py");
            assertThat(s.evaluate().command()).isEqualTo("uv run train.py");
            assertThat(s.evaluate().patterns()).containsEntry("primary", "^val_bpb:\\s*([\\d.]+)");
            assertThat(s.evaluate().timeoutSeconds()).isEqualTo(600);
            assertThat(s.metrics().primary().optimize()).isEqualTo(Direction.MINIMIZE);
            assertThat(s.source()).isEqualTo("CLAUDE.md");
        }

        @Test
        void commaSeparatedListsAndPlainLinesWork() throws IOException {
            Spec s = SpecFiles.load(write("CLAUDE.md", """
                    ## autoresearch
                    target_file: a.py, b.py
                    run_command: make bench
                    metric_name: latency_ms
                    readonly_files: [bench.py, data.py]
                    """));
            assertThat(s.scope().editable()).containsExactly("a.py", "b.py");
            assertThat(s.scope().readonly()).containsExactly("bench.py", "data.py");
        }

        @Test
        void aBadRegexIsReportedOnItsLineUnderItsOwnName() throws IOException {
            Problem p = only(problems(write("CLAUDE.md", MD.replace("([\\d.]+)", "[\\d.]+"))));
            assertThat(p.path()).isEqualTo("metric_parse");
            assertThat(p.line()).isEqualTo(10);
            assertThat(p.message()).contains("no capture group");
        }

        @Test
        void aNearMissKeyIsReportedButProseIsNot() throws IOException {
            Problem p = only(problems(write("CLAUDE.md", MD.replace("metric_direction", "metric_directon"))));
            assertThat(p.path()).isEqualTo("metric_directon");
            assertThat(p.suggestion()).isEqualTo("did you mean 'metric_direction'?");
        }

        @Test
        void withoutTheSectionItSaysWhatToAdd() throws IOException {
            Problem p = only(problems(write("CLAUDE.md", "# Notes\n\n## Style\nUse tabs.\n")));
            assertThat(p.message()).contains("## autoresearch");
            assertThat(p.suggestion()).contains("target_file");
        }
    }

    @Nested
    class Find {
        @Test
        void prefersHelixYamlThenTheOtherFormatsInOrder() throws IOException {
            write("CLAUDE.md", "## autoresearch\n");
            assertThat(SpecFiles.find(repo)).contains(repo.resolve("CLAUDE.md"));
            write("research.json", "{}");
            assertThat(SpecFiles.find(repo)).contains(repo.resolve("research.json"));
            write("autoresearch.toml", "");
            assertThat(SpecFiles.find(repo)).contains(repo.resolve("autoresearch.toml"));
            write("helix.yml", "");
            assertThat(SpecFiles.find(repo)).contains(repo.resolve("helix.yml"));
            write("helix.yaml", "");
            assertThat(SpecFiles.find(repo)).contains(repo.resolve("helix.yaml"));
        }

        @Test
        void aClaudeMdSavedWithAByteOrderMarkAndCrlfLinesIsFoundAndRead() throws IOException {
            write("CLAUDE.md", "\uFEFF## autoresearch\r\n- target_file: t.py\r\n- run_command: python3 t.py\r\n- metric_name: loss\r\n");
            assertThat(SpecFiles.find(repo)).contains(repo.resolve("CLAUDE.md"));
            assertThat(SpecFiles.load(repo.resolve("CLAUDE.md")).evaluate().command()).isEqualTo("python3 t.py");
        }

        @Test
        void researchTomlComesAfterResearchJson() throws IOException {
            write("research.toml", "run_command = \"x\"\n");
            assertThat(SpecFiles.find(repo)).contains(repo.resolve("research.toml"));
            write("research.json", "{}");
            assertThat(SpecFiles.find(repo)).contains(repo.resolve("research.json"));
        }

        @Test
        void aClaudeMdWithoutTheSectionIsNotASpec() throws IOException {
            write("CLAUDE.md", "# Notes\n");
            assertThat(SpecFiles.find(repo)).isEmpty();
        }

        @Test
        void findsNothingInAnEmptyDirectory() {
            assertThat(SpecFiles.find(tmp)).isEqualTo(Optional.empty());
        }
    }
}

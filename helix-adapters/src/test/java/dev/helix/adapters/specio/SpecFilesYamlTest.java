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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecFilesYamlTest {

    @TempDir
    Path dir;

    private static final String VALID = """
            name: demo
            domain: AI/ML
            description: Lower the loss.
            scope:
              editable: [train.py]
            metrics:
              primary: {name: val_loss}
            evaluate:
              command: python train.py
            """;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private List<Problem> problems(String yaml) throws IOException {
        Path p = write("helix.yaml", yaml);
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecFiles.load(p));
        assertThat(e).as("expected helix.yaml to be rejected").isNotNull();
        return e.problems();
    }

    private static Problem only(List<Problem> problems) {
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    @Test
    void theDesignDocumentsExampleLoads() throws IOException {
        Spec s = SpecFiles.load(write("helix.yaml", """
                name: my-helix                 # required
                version: 1.0.0
                domain: AI/ML                  # required
                description: Optimize X for task Y.   # required
                author: optional
                scope:
                  editable: [train.py, "src/**/*.java"]   # globs, relative to the repo root
                  readonly: [evaluate.py, program.md, helix.yaml]
                metrics:
                  primary: {name: accuracy, optimize: maximize}        # or minimize
                  quality_guard: {name: bpb, optimize: minimize, max_degradation: 0.01}   # relative, optional
                  constraints: [{name: peak_vram_mb, max: 39000}]      # optional, any parsed metric
                evaluate:
                  command: python evaluate.py
                  setup: uv run prepare.py     # optional, once per session
                  timeout_seconds: 120         # wall clock, enforced
                  output_format: pattern       # pattern | json | metric-lines
                  patterns:                    # pattern: a regex with one capture group per metric
                    primary: '^accuracy:\\s+([\\d.]+)'
                    quality_guard: '^bpb:\\s+([\\d.]+)'
                    peak_vram_mb: '^peak_vram_mb:\\s+([\\d.]+)'
                  repeats: 1
                judge:
                  mode: auto                   # auto | strict | statistical
                  min_improvement: 0           # absolute, or "0.5%"
                  confidence: 0.95
                  simplicity: true
                agent:
                  backend: claude              # claude | codex | gemini | opencode | openai | anthropic | command | tune
                  model: optional
                  max_turns: 200
                  max_fix_attempts: 2
                search:                        # for the tune backend
                  parameters:
                    lr: {file: train.py, pattern: 'LR = ([0-9.eE-]+)', type: float, range: [1e-4, 1e-1], log: true}
                run:
                  workers: 1
                  executor: local              # local | slurm
                  slots: []                    # e.g. GPU ids [0,1,2,3]
                requirements: {python: ">=3.11", gpu: H100}   # informational
                """));
        assertThat(s.name()).isEqualTo("my-helix");
        assertThat(s.version()).isEqualTo("1.0.0");
        assertThat(s.metrics().primary().optimize()).isEqualTo(Direction.MAXIMIZE);
        assertThat(s.evaluate().patterns()).containsEntry("primary", "^accuracy:\\s+([\\d.]+)");
        assertThat(s.search().parameters().get(0).low()).isEqualTo(1e-4);
        assertThat(s.agent().backend()).isEqualTo("claude");
        assertThat(s.requirements()).containsEntry("python", ">=3.11");
        assertThat(s.source()).isEqualTo("helix.yaml");
    }

    @Test
    void eachProblemCarriesTheLineOfItsField() throws IOException {
        List<Problem> problems = problems("""
                name: demo
                domain: AI/ML
                description: d
                scope:
                  editable: [train.py]
                metrics:
                  primary:
                    name: val_loss
                    optimize: sideways
                evaluate:
                  command: python train.py
                  patterns:
                    primary: '^loss: [\\d.]+'
                agent:
                  backend: cluade
                """);
        assertThat(problems).extracting(Problem::path, Problem::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple("metrics.primary.optimize", 9),
                org.assertj.core.groups.Tuple.tuple("evaluate.patterns.primary", 13),
                org.assertj.core.groups.Tuple.tuple("agent.backend", 15));
        assertThat(problems.get(2).render()).startsWith("helix.yaml:15: agent.backend: unknown backend 'cluade'")
                .contains("did you mean 'claude'?");
    }

    @Test
    void anUnknownKeyIsReportedOnItsLine() throws IOException {
        Problem p = only(problems(VALID + "metric:\n  primary: x\n"));
        assertThat(p.path()).isEqualTo("metric");
        assertThat(p.line()).isEqualTo(10);
        assertThat(p.suggestion()).isEqualTo("did you mean 'metrics'?");
    }

    @Test
    void aMissingFieldIsReportedAtItsParentsLine() throws IOException {
        Problem p = only(problems(VALID.replace("  command: python train.py\n", "  setup: make\n")));
        assertThat(p.path()).isEqualTo("evaluate.command");
        assertThat(p.line()).isEqualTo(8);
    }

    @Test
    void listItemsHaveTheirOwnLines() throws IOException {
        Problem p = only(problems(VALID.replace("  editable: [train.py]", "  editable:\n    - train.py\n    - /etc/passwd")));
        assertThat(p.path()).isEqualTo("scope.editable[1]");
        assertThat(p.line()).isEqualTo(7);
    }

    @Test
    void duplicateKeysAreReportedWithBothLines() throws IOException {
        Problem p = only(problems(VALID + "name: again\n"));
        assertThat(p.path()).isEqualTo("name");
        assertThat(p.line()).isEqualTo(10);
        assertThat(p.message()).contains("duplicate key 'name'", "line 1");
    }

    @Test
    void duplicatesAndValidationProblemsAreReportedTogetherInFileOrder() throws IOException {
        List<Problem> problems = problems(VALID.replace("domain: AI/ML\n", "") + "judge:\n  mode: lax\n  mode: strict\n");
        assertThat(problems).extracting(Problem::path).containsExactly("judge.mode", "judge.mode", "domain");
        assertThat(problems.get(1).message()).contains("duplicate");
    }

    @Test
    void aSyntaxErrorHasItsLineAndColumn() throws IOException {
        Problem p = only(problems("name: demo\nscope:\n  editable: [train.py\nmetrics: {}\n"));
        assertThat(p.line()).isGreaterThanOrEqualTo(3);
        assertThat(p.message()).startsWith("YAML syntax error at column");
        assertThat(p.suggestion()).isNotBlank();
    }

    @Test
    void aColonInAnUnquotedValueGetsAQuotingHint() throws IOException {
        Problem p = only(problems("name: demo\nevaluate:\n  command: echo a: b\n"));
        assertThat(p.line()).isEqualTo(3);
        assertThat(p.suggestion()).contains("quote");
    }

    @Test
    void tabsGetASpacesHint() throws IOException {
        Problem p = only(problems("name: demo\nscope:\n\teditable: [a]\n"));
        assertThat(p.line()).isEqualTo(3);
        assertThat(p.suggestion()).contains("spaces");
    }

    @Test
    void anEmptyFileIsRejectedClearly() throws IOException {
        assertThat(only(problems("# nothing yet\n")).message()).contains("empty");
    }

    @Test
    void aListAtTheTopIsRejectedClearly() throws IOException {
        assertThat(only(problems("- name: demo\n")).message()).contains("top level must be a map");
    }

    @Test
    void yesAndNoStayTextAndDecimalsKeepTheirDigits() throws IOException {
        Spec s = SpecFiles.load(write("helix.yaml", VALID.replace("name: demo", "name: no").replace("domain: AI/ML", "domain: on")
                + "version: 1.10\nrun: {slots: [0, 1]}\n"));
        assertThat(s.name()).isEqualTo("no");
        assertThat(s.domain()).isEqualTo("on");
        assertThat(s.version()).isEqualTo("1.10");
        assertThat(s.run().slots()).containsExactly("0", "1");
    }

    @Test
    void explicitStringTagsAreHonoured() throws IOException {
        assertThat(SpecFiles.load(write("helix.yaml", VALID + "version: !!str 2\n")).version()).isEqualTo("2");
    }

    @Test
    void mergeKeysFillInWhatAMappingDoesNotSay() throws IOException {
        Spec s = SpecFiles.load(write("helix.yaml", VALID.replace("  primary: {name: val_loss}",
                "  primary: &p {name: val_loss, optimize: minimize}\n"
                + "  quality_guard:\n"
                + "    <<: *p\n"
                + "    name: wibble")));
        assertThat(s.metrics().qualityGuard().orElseThrow().name()).isEqualTo("wibble");
        assertThat(s.metrics().qualityGuard().orElseThrow().optimize()).isEqualTo(Direction.MINIMIZE);
    }

    @Test
    void aRecursiveAliasIsAProblemNotAHang() throws IOException {
        List<Problem> problems = problems(VALID + "requirements: &r {self: *r}\n");
        assertThat(problems).anyMatch(p -> p.message().contains("itself") || p.message().contains("alias"));
    }

    @Test
    void aMissingFileSuggestsHelixInit() {
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecFiles.load(dir.resolve("helix.yaml")));
        assertThat(only(e.problems()).suggestion()).contains("helix init");
    }

    @Test
    void anUnknownFormatIsRejectedWithTheListOfFormats() throws IOException {
        Path p = write("spec.ini", "x=1");
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecFiles.load(p));
        assertThat(only(e.problems()).suggestion()).contains("helix.yaml", "autoresearch.toml", "research.json", "CLAUDE.md");
    }

    @Test
    void aByteOrderMarkIsIgnored() throws IOException {
        assertThat(SpecFiles.load(write("helix.yaml", "\uFEFF" + VALID)).name()).isEqualTo("demo");
    }

    @Test
    void helixYmlLoadsToo() throws IOException {
        assertThat(SpecFiles.load(write("helix.yml", VALID)).source()).isEqualTo("helix.yml");
        assertThat(SpecFiles.load(write("helix.yml", VALID)).author()).isEqualTo(Optional.empty());
    }
}

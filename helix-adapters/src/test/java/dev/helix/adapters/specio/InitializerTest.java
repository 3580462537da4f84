package dev.helix.adapters.specio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.helix.adapters.specio.Initializer.InitResult;
import dev.helix.core.spec.Problem;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InitializerTest {

    @TempDir
    Path tmp;

    private Path repo(String... files) throws IOException {
        Path dir = tmp.resolve("repo");
        Files.createDirectories(dir);
        for (String f : files) {
            Path p = dir.resolve(f);
            if (f.endsWith("/")) {
                Files.createDirectories(p);
            } else {
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.equals("package.json") ? "{\"scripts\": {\"test\": \"jest\"}}" : "");
            }
        }
        return dir;
    }

    private static InitResult init(Path dir) {
        return Initializer.init(dir, Optional.empty(), Optional.empty(), Optional.empty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "ml,      train.py prepare.py pyproject.toml uv.lock",
            "node,    package.json src/",
            "maven,   pom.xml src/",
            "gradle,  build.gradle.kts gradlew",
            "cargo,   Cargo.toml src/ benches/",
            "go,      go.mod go.sum",
            "python,  pyproject.toml src/ tests/",
            "flutter, pubspec.yaml lib/ test/",
            "generic, evaluate.py",
            "generic, README.md"})
    void writesAHelixYamlThatLoadsForEveryProjectType(String type, String files) throws IOException {
        Path dir = repo(files.trim().split("\\s+"));
        InitResult r = init(dir);
        assertThat(r.detection().type()).isEqualTo(type);
        assertThat(r.written()).containsExactly(dir.resolve("helix.yaml"), dir.resolve("program.md"), dir.resolve(".gitignore"));
        assertThat(r.skipped()).isEmpty();
        Spec spec = SpecFiles.load(dir.resolve("helix.yaml"));
        assertThat(spec.name()).isEqualTo("repo");
        assertThat(spec.evaluate().command()).isEqualTo(r.detection().command());
        assertThat(spec.metrics().primary().name()).isEqualTo(r.detection().metricName());
        assertThat(spec.scope().readonly()).contains("program.md", "helix.yaml");
        assertThat(Files.readString(dir.resolve("helix.yaml"))).contains("# Written by `helix init` (detected project type: " + type + ")");
        assertThat(r.notes()).isNotEmpty();
    }

    @Test
    void neverOverwritesAnExistingFile() throws IOException {
        Path dir = repo("train.py", "prepare.py");
        byte[] yaml = "name: mine\n# hand-written, invalid on purpose\n".getBytes();
        byte[] program = "# My program\n".getBytes();
        Files.write(dir.resolve("helix.yaml"), yaml);
        Files.write(dir.resolve("program.md"), program);

        InitResult r = init(dir);

        assertThat(Files.readAllBytes(dir.resolve("helix.yaml"))).isEqualTo(yaml);
        assertThat(Files.readAllBytes(dir.resolve("program.md"))).isEqualTo(program);
        assertThat(r.skipped()).containsExactly(dir.resolve("helix.yaml"), dir.resolve("program.md"));
        assertThat(r.written()).containsExactly(dir.resolve(".gitignore"));
        assertThat(r.notes()).anyMatch(n -> n.contains("helix.yaml already exists"));
    }

    @Test
    void aHelixYmlCountsAsAnExistingSpec() throws IOException {
        Path dir = repo("train.py");
        Files.writeString(dir.resolve("helix.yml"), "x: 1\n");
        InitResult r = init(dir);
        assertThat(dir.resolve("helix.yaml")).doesNotExist();
        assertThat(r.skipped()).contains(dir.resolve("helix.yml"));
    }

    @Test
    void runningTwiceChangesNothingTheSecondTime() throws IOException {
        Path dir = repo("go.mod");
        init(dir);
        String yaml = Files.readString(dir.resolve("helix.yaml"));
        String ignore = Files.readString(dir.resolve(".gitignore"));
        InitResult again = init(dir);
        assertThat(again.written()).isEmpty();
        assertThat(again.skipped()).containsExactlyInAnyOrder(dir.resolve("helix.yaml"), dir.resolve("program.md"), dir.resolve(".gitignore"));
        assertThat(Files.readString(dir.resolve("helix.yaml"))).isEqualTo(yaml);
        assertThat(Files.readString(dir.resolve(".gitignore"))).isEqualTo(ignore);
    }

    @Test
    void createsAGitignoreThatIgnoresHelixsDirectory() throws IOException {
        Path dir = repo("go.mod");
        init(dir);
        assertThat(Files.readString(dir.resolve(".gitignore"))).isEqualTo(".helix/\n");
    }

    @Test
    void appendsToAnExistingGitignoreOnlyWhatIsMissing() throws IOException {
        Path dir = repo("go.mod");
        Files.writeString(dir.resolve(".gitignore"), "target/\n*.log"); // no final newline
        InitResult r = init(dir);
        assertThat(Files.readString(dir.resolve(".gitignore"))).isEqualTo("target/\n*.log\n.helix/\n");
        assertThat(r.written()).contains(dir.resolve(".gitignore"));
        assertThat(r.notes()).anyMatch(n -> n.contains(".gitignore"));
    }

    @Test
    void leavesAGitignoreAloneWhenItAlreadyIgnoresHelix() throws IOException {
        Path dir = repo("go.mod");
        Files.writeString(dir.resolve(".gitignore"), "/.helix\n");
        InitResult r = init(dir);
        assertThat(Files.readString(dir.resolve(".gitignore"))).isEqualTo("/.helix\n");
        assertThat(r.skipped()).contains(dir.resolve(".gitignore"));
    }

    @Test
    void writesAProgramTemplateForAPersonToFillIn() throws IOException {
        Path dir = repo("train.py", "prepare.py");
        init(dir);
        String program = Files.readString(dir.resolve("program.md"));
        assertThat(program).containsSubsequence("Helix's agent:", "## Goal", "## Constraints", "## Ideas to try", "## What was tried");
        assertThat(program).contains("`val_bpb` (lower is better)", "`train.py`");
    }

    @Test
    void theDomainAndDescriptionMayBeGiven() throws IOException {
        Path dir = repo("pom.xml");
        Initializer.init(dir, Optional.of("databases"), Optional.of("Faster joins."), Optional.empty());
        Spec s = SpecFiles.load(dir.resolve("helix.yaml"));
        assertThat(s.domain()).isEqualTo("databases");
        assertThat(s.description()).isEqualTo("Faster joins.");
    }

    @Test
    void aBlankOverrideIsRejected() throws IOException {
        Path dir = repo();
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> Initializer.init(dir, Optional.of(" "), Optional.empty(), Optional.empty()));
        assertThat(e.problems().get(0).path()).isEqualTo("--domain");
    }

    @Test
    void createsTheDirectoryWhenMissing() {
        Path dir = tmp.resolve("new/project");
        InitResult r = init(dir);
        assertThat(dir.resolve("helix.yaml")).exists();
        assertThat(r.detection().type()).isEqualTo("generic");
    }

    @Test
    void convertsAnotherFormatGivenWithFrom() throws IOException {
        Path dir = repo();
        Path toml = tmp.resolve("autoresearch.toml");
        Files.writeString(toml, """
                target_file = "train.py"
                eval_command = "uv run train.py"
                metric_name = "val_bpb"
                time_budget = 300
                """);
        InitResult r = Initializer.init(dir, Optional.empty(), Optional.empty(), Optional.of(toml));
        assertThat(r.detection()).isNull();
        assertThat(r.notes()).anyMatch(n -> n.contains("Converted autoresearch.toml")).anyMatch(n -> n.contains("600"));
        Spec s = SpecFiles.load(dir.resolve("helix.yaml"));
        assertThat(s.evaluate().command()).isEqualTo("uv run train.py");
        assertThat(s.evaluate().timeoutSeconds()).isEqualTo(600);
        assertThat(s.scope().readonly()).contains("program.md", "helix.yaml");
    }

    @Test
    void aFromPathRelativeToTheRepositoryIsFound() throws IOException {
        Path dir = repo("research.json");
        Files.writeString(dir.resolve("research.json"), "{\"run_command\": \"make\", \"modifiable_files\": [\"a.c\"]}");
        Initializer.init(dir, Optional.empty(), Optional.empty(), Optional.of(Path.of("research.json")));
        assertThat(SpecFiles.load(dir.resolve("helix.yaml")).evaluate().command()).isEqualTo("make");
    }

    @Test
    void convertsAnAutoresearchSectionItFindsWithoutBeingAsked() throws IOException {
        Path dir = repo("train.py");
        Files.writeString(dir.resolve("CLAUDE.md"), "## autoresearch\ntarget_file: train.py\nrun_command: python train.py\nmetric_name: val_loss\n");
        InitResult r = init(dir);
        assertThat(r.detection()).isNull();
        assertThat(r.notes()).anyMatch(n -> n.contains("Found CLAUDE.md"));
        assertThat(SpecFiles.load(dir.resolve("helix.yaml")).metrics().primary().name()).isEqualTo("val_loss");
    }

    @Test
    void fallsBackToDetectionWhenAFoundFileCannotBeConverted() throws IOException {
        Path dir = repo("train.py");
        Files.writeString(dir.resolve("autoresearch.toml"), "eval_command = \n");
        InitResult r = init(dir);
        assertThat(r.detection().type()).isEqualTo("ml");
        assertThat(r.notes()).anyMatch(n -> n.contains("could not convert it"));
    }

    @Test
    void aMissingFromFileSaysWhatToDo() throws IOException {
        Path dir = repo();
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> Initializer.init(dir, Optional.empty(), Optional.empty(), Optional.of(tmp.resolve("nope.toml"))));
        Problem p = e.problems().get(0);
        assertThat(p.message()).contains("no such file");
        assertThat(p.suggestion()).contains("leave out --from");
        assertThat(dir.resolve("helix.yaml")).doesNotExist();
    }

    @Test
    void anUnknownFromFormatListsTheKnownOnes() throws IOException {
        Path dir = repo();
        Path ini = tmp.resolve("spec.ini");
        Files.writeString(ini, "x=1");
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> Initializer.init(dir, Optional.empty(), Optional.empty(), Optional.of(ini)));
        assertThat(e.problems().get(0).suggestion()).contains("autoresearch.toml", "research.json", "CLAUDE.md");
    }

    @Test
    void anInvalidFromFileReportsItsProblemsAndWritesNothing() throws IOException {
        Path dir = repo();
        Path json = tmp.resolve("research.json");
        Files.writeString(json, "{\"modifiable_files\": []}");
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> Initializer.init(dir, Optional.empty(), Optional.empty(), Optional.of(json)));
        assertThat(e.problems()).extracting(Problem::path).contains("modifiable_files", "run_command");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void namesTheFirstAgentCliOnPathAndNoneWhenThereIsNone() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path dir = repo("train.py");
        InitResult none = Initializer.init(dir, Optional.empty(), Optional.empty(), Optional.empty(), java.util.Map.of("PATH", bin.toString()));
        String yaml = Files.readString(dir.resolve("helix.yaml"));
        assertThat(yaml).doesNotContainPattern("(?m)^\\s*backend:").contains("  # backend: claude   # none on PATH");
        assertThat(none.notes()).anyMatch(n -> n.contains("helix try and helix record need none"));
        assertThat(AgentChoice.named(dir.resolve("helix.yaml"))).isFalse();
        assertThat(SpecFiles.load(dir.resolve("helix.yaml")).agent().backend()).isEqualTo("claude");

        Path gemini = bin.resolve("gemini");
        Files.writeString(gemini, "#!/bin/sh\n");
        assertThat(gemini.toFile().setExecutable(true)).isTrue();
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("train.py"), "");
        Initializer.init(other, Optional.empty(), Optional.empty(), Optional.empty(), java.util.Map.of("PATH", bin.toString()));
        assertThat(SpecFiles.load(other.resolve("helix.yaml")).agent().backend()).isEqualTo("gemini");
        assertThat(AgentChoice.named(other.resolve("helix.yaml"))).isTrue();
    }
}

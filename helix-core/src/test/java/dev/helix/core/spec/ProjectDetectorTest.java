package dev.helix.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.spec.ProjectDetector.Detection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProjectDetectorTest {

    private static Detection detect(Set<String> names) {
        return detect(names, Map.of());
    }

    private static Detection detect(Set<String> names, Map<String, String> files) {
        return ProjectDetector.detect(names, n -> Optional.ofNullable(files.get(n)));
    }

    @Test
    void anAutoresearchRepositoryIsAnMlProjectRunWithUv() {
        Detection d = detect(Set.of("train.py", "prepare.py", "pyproject.toml", "uv.lock", "program.md"));
        assertThat(d.type()).isEqualTo("ml");
        assertThat(d.editable()).containsExactly("train.py");
        assertThat(d.readonly()).containsExactly("prepare.py");
        assertThat(d.command()).isEqualTo("uv run train.py");
        assertThat(d.setup()).contains("uv run prepare.py");
        assertThat(d.metricName()).isEqualTo("val_bpb");
        assertThat(d.direction()).isEqualTo(Direction.MINIMIZE);
        assertThat(d.domain()).isEqualTo("AI/ML");
        Pattern p = Pattern.compile(d.pattern(), Pattern.MULTILINE);
        var m = p.matcher("step 953\nval_bpb:          0.997900\n");
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("0.997900");
    }

    @Test
    void aNanoGptTreeEditsItsConfigsAndPreparesItsDataUnderData() {
        Detection d = detect(Set.of("train.py", "model.py", "sample.py", "configurator.py", "data",
                "data/openwebtext/prepare.py", "data/shakespeare_char/prepare.py", "config",
                "config/eval_gpt2.py", "config/train_shakespeare_char.py"));
        assertThat(d.editable()).containsExactly("train.py", "model.py", "config/*.py");
        assertThat(d.readonly()).containsExactly("data/openwebtext/prepare.py", "data/shakespeare_char/prepare.py");
        assertThat(d.command()).isEqualTo("python train.py config/train_shakespeare_char.py");
        assertThat(d.setup()).contains("python data/openwebtext/prepare.py");
        assertThat(d.metricName()).isEqualTo("val_loss");
        assertThat(d.notes()).noneMatch(n -> n.contains("No prepare.py")).anyMatch(n -> n.contains("Several datasets"));
        var m = Pattern.compile(d.pattern(), Pattern.MULTILINE).matcher("step 250: train loss 1.9, val loss 2.0512\n");
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("2.0512");
    }

    @Test
    void anEvaluationScriptIsReadonlyAndRunsAfterTraining() {
        Detection d = detect(Set.of("train.py", "evaluate.py", "data", "data/tiny/prepare.py"));
        assertThat(d.readonly()).containsExactly("data/tiny/prepare.py", "evaluate.py");
        assertThat(d.command()).isEqualTo("python train.py && python evaluate.py");
        assertThat(d.setup()).contains("python data/tiny/prepare.py");
    }

    @Test
    void withoutUvTheMlProjectRunsWithPython() {
        assertThat(detect(Set.of("train.py", "prepare.py")).command()).isEqualTo("python train.py");
    }

    @Test
    void aLoneTrainScriptIsStillMlButWarns() {
        Detection d = detect(Set.of("train.py"));
        assertThat(d.type()).isEqualTo("ml");
        assertThat(d.readonly()).isEmpty();
        assertThat(d.setup()).isEmpty();
        assertThat(d.notes()).anyMatch(n -> n.contains("prepare.py"));
    }

    @Test
    void aNodeProjectWithABenchScriptRunsIt() {
        Detection d = detect(Set.of("package.json", "src", "package-lock.json"),
                Map.of("package.json", "{\"scripts\": {\"test\": \"jest\", \"bench\": \"node bench.js\"}}"));
        assertThat(d.type()).isEqualTo("node");
        assertThat(d.command()).isEqualTo("npm run bench");
        assertThat(d.editable()).containsExactly("src/**/*.js", "src/**/*.ts");
        assertThat(d.readonly()).containsExactly("package.json", "package-lock.json");
    }

    @Test
    void aNodeProjectWithABenchmarkScriptRunsIt() {
        assertThat(detect(Set.of("package.json"), Map.of("package.json", "{\"scripts\": {\"benchmark\": \"x\"}}")).command())
                .isEqualTo("npm run benchmark");
    }

    @Test
    void aNodeProjectWithoutBenchmarksRunsItsTestsWithItsPackageManager() {
        assertThat(detect(Set.of("package.json", "src"), Map.of("package.json", "{\"scripts\": {\"test\": \"jest\"}}")).command())
                .isEqualTo("npm test");
        assertThat(detect(Set.of("package.json", "pnpm-lock.yaml"), Map.of("package.json", "{}")).command()).isEqualTo("pnpm test");
        assertThat(detect(Set.of("package.json", "yarn.lock"), Map.of("package.json", "{\"scripts\": {\"bench\": \"x\"}}")).command())
                .isEqualTo("yarn bench");
    }

    @Test
    void aBrokenPackageJsonStillGivesAGuessAndSaysSo() {
        Detection d = detect(Set.of("package.json"), Map.of("package.json", "{not json"));
        assertThat(d.command()).isEqualTo("npm test");
        assertThat(d.notes()).anyMatch(n -> n.contains("could not be parsed"));
    }

    @Test
    void aMavenProject() {
        Detection d = detect(Set.of("pom.xml", "src"));
        assertThat(d.type()).isEqualTo("maven");
        assertThat(d.editable()).containsExactly("src/main/java/**/*.java");
        assertThat(d.readonly()).contains("pom.xml", "src/test/**");
        assertThat(d.command()).isEqualTo("mvn -q -B test");
        assertThat(d.direction()).isEqualTo(Direction.MINIMIZE);
    }

    @Test
    void aGradleProjectUsesItsWrapper() {
        Detection d = detect(Set.of("build.gradle.kts", "settings.gradle.kts", "gradlew"));
        assertThat(d.type()).isEqualTo("gradle");
        assertThat(d.command()).isEqualTo("./gradlew test -q");
        assertThat(d.editable()).contains("src/main/kotlin/**/*.kt");
        assertThat(d.readonly()).contains("build.gradle.kts", "settings.gradle.kts");
        assertThat(detect(Set.of("build.gradle")).command()).isEqualTo("gradle test -q");
    }

    @Test
    void aCargoProjectBenchesWhenItHasBenchmarks() {
        Detection d = detect(Set.of("Cargo.toml", "Cargo.lock", "src", "benches"));
        assertThat(d.type()).isEqualTo("cargo");
        assertThat(d.editable()).containsExactly("src/**/*.rs");
        assertThat(d.command()).isEqualTo("cargo bench");
        assertThat(d.readonly()).contains("Cargo.toml", "Cargo.lock", "benches/**");
        assertThat(detect(Set.of("Cargo.toml")).command()).isEqualTo("cargo test --release");
    }

    @Test
    void aGoProjectReadsNanosecondsPerOpFromBenchmarkOutput() {
        Detection d = detect(Set.of("go.mod", "go.sum", "main.go"));
        assertThat(d.type()).isEqualTo("go");
        assertThat(d.editable()).containsExactly("**/*.go");
        assertThat(d.readonly()).contains("**/*_test.go");
        assertThat(d.command()).isEqualTo("go test -bench=. ./...");
        assertThat(d.metricName()).isEqualTo("ns_per_op");
        var m = Pattern.compile(d.pattern(), Pattern.MULTILINE).matcher("goos: linux\nBenchmarkSort-8   \t  1000\t   1234.5 ns/op\nPASS\n");
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("1234.5");
    }

    @Test
    void aPythonProjectWithASrcLayout() {
        Detection d = detect(Set.of("pyproject.toml", "src", "tests"));
        assertThat(d.type()).isEqualTo("python");
        assertThat(d.editable()).containsExactly("src/**/*.py");
        assertThat(d.readonly()).contains("pyproject.toml", "tests/**");
        assertThat(d.command()).isEqualTo("python -m pytest -q");
    }

    @Test
    void aPythonProjectFindsItsPackageDirectoryFromPyproject() {
        String pyproject = """
                [build-system]
                name = "not-this"

                [project]
                name = "fast-thing"
                version = "1.0"
                """;
        Detection d = detect(Set.of("pyproject.toml", "fast_thing", "uv.lock"), Map.of("pyproject.toml", pyproject));
        assertThat(d.editable()).containsExactly("fast_thing/**/*.py");
        assertThat(d.command()).isEqualTo("uv run pytest -q");
    }

    @Test
    void aFlutterProject() {
        Detection d = detect(Set.of("pubspec.yaml", "lib", "test"));
        assertThat(d.type()).isEqualTo("flutter");
        assertThat(d.editable()).containsExactly("lib/**/*.dart");
        assertThat(d.command()).isEqualTo("flutter test");
        assertThat(d.readonly()).contains("pubspec.yaml", "test/**");
    }

    @Test
    void anythingElseIsGenericAndUsesAnEvaluatorWhenThereIsOne() {
        Detection d = detect(Set.of("evaluate.py", "solution.c"));
        assertThat(d.type()).isEqualTo("generic");
        assertThat(d.command()).isEqualTo("python evaluate.py");
        assertThat(d.readonly()).containsExactly("evaluate.py");
        assertThat(d.metricName()).isEqualTo("score");
        assertThat(d.direction()).isEqualTo(Direction.MAXIMIZE);
        assertThat(d.domain()).isEqualTo("general");
    }

    @Test
    void anEmptyDirectoryGetsAPlaceholderCommandAndSaysSo() {
        Detection d = detect(Set.of());
        assertThat(d.type()).isEqualTo("generic");
        assertThat(d.command()).isEqualTo("./evaluate.sh");
        assertThat(d.notes()).anyMatch(n -> n.contains("No evaluator found"));
    }

    @Test
    void everyDetectionNamesAMetricWhoseDirectionMatchesItsName() {
        for (Set<String> names : Set.of(Set.of("train.py"), Set.of("package.json"), Set.of("pom.xml"), Set.of("build.gradle"),
                Set.of("Cargo.toml"), Set.of("go.mod"), Set.of("pyproject.toml"), Set.of("pubspec.yaml"), Set.<String>of())) {
            Detection d = detect(names);
            assertThat(MetricNames.direction(d.metricName())).as(d.type()).contains(d.direction());
            assertThat(Pattern.compile(d.pattern()).matcher("").groupCount()).as(d.type()).isEqualTo(1);
            assertThat(d.notes()).as(d.type()).isNotEmpty();
        }
    }

    @Test
    void readsNoFilesItDoesNotNeed() {
        detect(Set.of("pom.xml"), Map.of());
        var asked = new java.util.ArrayList<String>();
        ProjectDetector.detect(Set.of("go.mod"), n -> { asked.add(n); return Optional.empty(); });
        assertThat(asked).isEmpty();
    }

    @Test
    void aCProjectWithAMakefileRunsATargetTheMakefileHas() {
        // lz4's layout: lib/, programs/, tests/ and a Makefile whose targets include check and test, no bench.
        Detection d = detect(Set.of("Makefile", "lib", "programs", "tests", "README.md"),
                Map.of("Makefile", "CC ?= cc\nall: lib programs\nlib:\n\t$(MAKE) -C lib\ncheck:\n\t$(MAKE) -C tests test-lz4\ntest:\n\t$(MAKE) -C tests\n"));
        assertThat(d.type()).isEqualTo("make");
        assertThat(d.command()).isEqualTo("make -j check");
        assertThat(d.editable()).contains("**/*.c", "**/*.h");
        assertThat(d.readonly()).contains("Makefile", "tests/**");
        assertThat(d.metricName()).isEqualTo("time_ms");

        Detection bench = detect(Set.of("Makefile", "foo.c"), Map.of("Makefile", "bench: foo\n\t./foo --bench\nVAR := 1\n"));
        assertThat(bench.command()).isEqualTo("make -j bench");
        Detection none = detect(Set.of("Makefile", "foo.c"), Map.of("Makefile", "all: foo\nCFLAGS := -O2\n"));
        assertThat(none.command()).isEqualTo("make -j");
        assertThat(none.notes().get(0)).contains("no bench, check or test target");
        assertThat(detect(Set.of("Makefile", "notes.md"), Map.of("Makefile", "test:\n")).type())
                .as("a Makefile without C sources stays generic").isEqualTo("generic");
    }

    @Test
    void cmakeAndMesonProjectsRunTheBenchmarkOrTestsTheyDeclare() {
        Detection cmake = detect(Set.of("CMakeLists.txt", "src"),
                Map.of("CMakeLists.txt", "project(z C)\nadd_executable(zbench bench/main.c)\nadd_executable(z src/main.c)\n"));
        assertThat(cmake.type()).isEqualTo("cmake");
        assertThat(cmake.setup()).contains("cmake -S . -B build -DCMAKE_BUILD_TYPE=Release");
        assertThat(cmake.command()).isEqualTo("cmake --build build -j --target zbench && ./build/zbench");
        assertThat(detect(Set.of("CMakeLists.txt"), Map.of("CMakeLists.txt", "enable_testing()\nadd_test(NAME t COMMAND t)\n")).command())
                .isEqualTo("cmake --build build -j && ctest --test-dir build --output-on-failure");
        Detection meson = detect(Set.of("meson.build"), Map.of("meson.build", "project('m', 'c')\nbenchmark('speed', exe)\n"));
        assertThat(meson.type()).isEqualTo("meson");
        assertThat(meson.command()).isEqualTo("meson compile -C build && meson test -C build --benchmark");
    }
}

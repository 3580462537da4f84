package dev.helix.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.helix.core.json.Json;
import dev.helix.core.json.JsonValue;
import dev.helix.core.spec.Spec.OutputFormat;
import dev.helix.core.spec.Spec.ParamType;
import dev.helix.core.spec.Spec.Threshold;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SpecReaderTest {

    private static final String MINIMAL = """
            {"name": "demo", "domain": "AI/ML", "description": "Lower the loss.",
             "scope": {"editable": ["train.py"]},
             "metrics": {"primary": {"name": "val_loss"}},
             "evaluate": {"command": "python train.py"}}
            """;

    /** A document as a mutable tree, edited by dotted path. */
    private static final class Doc {
        final Map<String, Object> root;

        @SuppressWarnings("unchecked")
        Doc(String json) {
            root = (Map<String, Object>) plain(Json.parse(json));
        }

        /** The tree as a document loader hands it over: maps, lists, strings, numbers, booleans, nulls. */
        private static Object plain(JsonValue v) {
            return switch (v) {
                case JsonValue.JsonObject o -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    o.members().forEach((k, x) -> m.put(k, plain(x)));
                    yield m;
                }
                case JsonValue.JsonArray a -> new java.util.ArrayList<>(a.elements().stream().map(Doc::plain).toList());
                case JsonValue.JsonString t -> t.value();
                case JsonValue.JsonNumber n when n.integral() -> {
                    long l = Long.parseLong(n.text());
                    yield l == (int) l ? (Object) (int) l : (Object) l;
                }
                case JsonValue.JsonNumber n -> n.value();
                case JsonValue.JsonBoolean b -> b.value();
                case JsonValue.JsonNull ignored -> null;
            };
        }

        @SuppressWarnings("unchecked")
        Doc set(String path, Object value) {
            String[] parts = path.split("\\.");
            Map<String, Object> m = root;
            for (int i = 0; i < parts.length - 1; i++) {
                m = (Map<String, Object>) m.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
            }
            m.put(parts[parts.length - 1], value);
            return this;
        }

        Doc remove(String path) {
            return set(path, null);
        }

        Spec read() {
            return SpecReader.read(root, "helix.yaml", p -> 0, HelixNames.KNOWN);
        }

        List<Problem> problems() {
            return problems(p -> 0);
        }

        List<Problem> problems(java.util.function.ToIntFunction<String> lines) {
            SpecException e = catchThrowableOfType(SpecException.class, () -> SpecReader.read(root, "helix.yaml", lines, HelixNames.KNOWN));
            assertThat(e).as("expected the spec to be rejected").isNotNull();
            return e.problems();
        }
    }

    private static Doc minimal() {
        return new Doc(MINIMAL);
    }

    private static Problem only(List<Problem> problems) {
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    @Nested
    class Defaults {
        @Test
        void aMinimalSpecGetsEveryDefault() {
            Spec s = minimal().read();
            assertThat(s.version()).isEqualTo("0.1.0");
            assertThat(s.author()).isEmpty();
            assertThat(s.scope().readonly()).isEmpty();
            assertThat(s.metrics().primary()).isEqualTo(new Spec.MetricSpec("val_loss", Direction.MINIMIZE, false));
            assertThat(s.metrics().qualityGuard()).isEmpty();
            assertThat(s.evaluate().timeoutSeconds()).isEqualTo(300);
            assertThat(s.evaluate().outputFormat()).isEqualTo(OutputFormat.PATTERN);
            assertThat(s.evaluate().patterns()).containsOnlyKeys("primary");
            // judge.mode auto measures the baseline three times to tell noise from a deterministic metric
            assertThat(s.evaluate().repeats()).isEqualTo(3);
            assertThat(s.judge()).isEqualTo(new Spec.JudgeSpec(Spec.JudgeMode.AUTO, Threshold.ZERO, 0.95, true, 7, 10));
            assertThat(s.agent()).isEqualTo(new Spec.AgentSpec("claude", Optional.empty(), 200, 2, Optional.empty(), 1800));
            assertThat(s.search()).isEqualTo(new Spec.SearchSpec(List.of(), 0, 3));
            assertThat(s.run()).isEqualTo(new Spec.RunSpec(1, "local", List.of()));
            assertThat(s.requirements()).isEmpty();
            assertThat(s.source()).isEqualTo("helix.yaml");
        }

        @Test
        void theBaselineIsMeasuredOnceForAStrictJudgeAndAsToldWhenRepeatsIsSet() {
            assertThat(minimal().set("judge.mode", "strict").read().evaluate().repeats()).isEqualTo(1);
            assertThat(minimal().set("judge.mode", "statistical").read().evaluate().repeats()).isEqualTo(3);
            assertThat(minimal().set("evaluate.repeats", 5).read().evaluate().repeats()).isEqualTo(5);
            assertThat(minimal().set("judge.mode", "strict").set("evaluate.repeats", 2).read().evaluate().repeats()).isEqualTo(2);
        }

        @Test
        void recordedMetricsAreReadAndGetTheDefaultPattern() {
            Spec s = minimal().set("metrics.record", new java.util.ArrayList<>(List.of("train_iters", " tokens "))).read();
            assertThat(s.metrics().record()).containsExactly("train_iters", "tokens");
            assertThat(s.evaluate().patterns()).containsEntry("train_iters", SpecReader.defaultPattern("train_iters"));
            assertThat(minimal().read().metrics().record()).isEmpty();
        }

        @Test
        void checksAreReadWithTheEvaluationsTimeoutUnlessGivenTheirOwn() {
            assertThat(minimal().read().evaluate().checks()).isEmpty();
            Spec s = minimal().set("evaluate.timeout_seconds", 90).set("evaluate.checks", " mvn -q test ").read();
            assertThat(s.evaluate().checks()).contains(new Checks("mvn -q test", 90));
            assertThat(minimal().set("evaluate.checks", "pytest -q").set("evaluate.checks_timeout_seconds", 600).read()
                    .evaluate().checks()).contains(new Checks("pytest -q", 600));
        }

        @Test
        void aChecksTimeoutWithoutChecksOrBelowOneSecondIsAProblem() {
            Problem alone = only(minimal().set("evaluate.checks_timeout_seconds", 60).problems());
            assertThat(alone.path()).isEqualTo("evaluate.checks_timeout_seconds");
            assertThat(alone.message()).isEqualTo("limits evaluate.checks, which is not set");
            Problem zero = only(minimal().set("evaluate.checks", "pytest").set("evaluate.checks_timeout_seconds", 0).problems());
            assertThat(zero.message()).isEqualTo("must be at least 1, found 0");
        }

        @Test
        void anEmptyChecksCommandIsAProblemOfItsOwnNotAMissingOne() {
            for (String empty : List.of("", "   ")) {
                Problem p = only(minimal().set("evaluate.checks", empty).set("evaluate.checks_timeout_seconds", 60).problems());
                assertThat(p.path()).isEqualTo("evaluate.checks");
                assertThat(p.message()).isEqualTo("is empty, and an empty command is not a command");
                assertThat(p.suggestion()).contains("remove evaluate.checks", "give the command");
            }
            assertThat(only(minimal().set("evaluate.checks", "").problems()).path()).isEqualTo("evaluate.checks");
        }

        @Test
        void maxRepeatsAndRemeasureEveryAreRead() {
            Spec s = minimal().set("judge.max_repeats", 5).set("judge.remeasure_every", 0).read();
            assertThat(s.judge().maxRepeats()).isEqualTo(5);
            assertThat(s.judge().remeasureEvery()).isZero();
            assertThat(minimal().set("judge.max_repeats", 0).problems()).extracting(Problem::path).containsExactly("judge.max_repeats");
            assertThat(minimal().set("judge.max_repeats", 51).problems()).extracting(Problem::path).containsExactly("judge.max_repeats");
        }

        @Test
        void theDefaultPrimaryPatternReadsNameColonValueLines() {
            Pattern p = Pattern.compile(minimal().read().evaluate().patterns().get("primary"), Pattern.MULTILINE);
            assertThat(value(p, "step 10\nval_loss: 1.25e-1\n")).isEqualTo("1.25e-1");
            assertThat(value(p, "  val_loss = -3\n")).isEqualTo("-3");
            assertThat(value(p, "val_loss:          0.997900")).isEqualTo("0.997900");
            assertThat(value(p, "val_loss: nan")).isEqualTo("nan");
            assertThat(value(p, "train_val_loss: 3")).isNull();
        }

        @Test
        void metricNamesWithRegexCharactersAreMatchedLiterally() {
            Pattern p = Pattern.compile(SpecReader.defaultPattern("loss(val).x"));
            assertThat(value(p, "loss(val).x: 2")).isEqualTo("2");
            assertThat(value(p, "loss(val)yx: 2")).isNull();
        }

        private String value(Pattern p, String text) {
            Matcher m = p.matcher(text);
            return m.find() ? m.group(1) : null;
        }

        @Test
        void theTunerIsTheDefaultBackendWhenThereAreParametersToTune() {
            Spec s = minimal().set("search.parameters", Map.of("lr",
                    Map.of("file", "train.py", "pattern", "LR = ([0-9.eE-]+)", "range", List.of(1e-4, 1e-1)))).read();
            assertThat(s.agent().backend()).isEqualTo("tune");
            assertThat(s.search().initialRandom()).isEqualTo(3);
        }

        @Test
        void initialRandomGrowsWithTheNumberOfParameters() {
            Map<String, Object> params = new LinkedHashMap<>();
            for (String n : List.of("a", "b", "c", "d", "e")) {
                params.put(n, Map.of("file", "train.py", "pattern", n + " = (\\d+)", "range", List.of(0, 10)));
            }
            assertThat(minimal().set("search.parameters", params).read().search().initialRandom()).isEqualTo(5);
        }

        @Test
        void theGuardAndEveryConstraintGetAPatternToo() {
            Spec s = minimal()
                    .set("metrics.quality_guard", Map.of("name", "val_bpb", "max_degradation", 0.01))
                    .set("metrics.constraints", List.of(Map.of("name", "peak_vram_mb", "max", 39000)))
                    .read();
            assertThat(s.evaluate().patterns()).containsOnlyKeys("primary", "quality_guard", "peak_vram_mb");
            assertThat(s.evaluate().patterns().get("quality_guard")).isEqualTo(SpecReader.defaultPattern("val_bpb"));
            assertThat(s.metrics().qualityGuard()).contains(new Spec.QualityGuard("val_bpb", Direction.MINIMIZE, 0.01));
        }

        @Test
        void aPatternKeyedByTheMetricNameServesAsThePrimaryPattern() {
            Spec s = minimal().set("evaluate.patterns", Map.of("val_loss", "^loss=(\\S+)")).read();
            assertThat(s.evaluate().patterns()).containsEntry("primary", "^loss=(\\S+)");
        }

        @Test
        void otherFormatsNeedNoPatterns() {
            Spec s = minimal().set("evaluate.output_format", "metric-lines").read();
            assertThat(s.evaluate().outputFormat()).isEqualTo(OutputFormat.METRIC_LINES);
            assertThat(s.evaluate().patterns()).isEmpty();
        }
    }

    @Test
    void theDesignExampleReadsInFull() {
        Spec s = new Doc("""
                {"name": "my-helix", "version": "1.0.0", "domain": "AI/ML", "description": "Optimize X for task Y.",
                 "author": "ada",
                 "scope": {"editable": ["train.py", "src/**/*.java"], "readonly": ["evaluate.py", "program.md", "helix.yaml"]},
                 "metrics": {"primary": {"name": "accuracy", "optimize": "maximize"},
                             "quality_guard": {"name": "bpb", "optimize": "minimize", "max_degradation": 0.01},
                             "constraints": [{"name": "peak_vram_mb", "max": 39000}]},
                 "evaluate": {"command": "python evaluate.py", "setup": "uv run prepare.py", "timeout_seconds": 120,
                              "output_format": "pattern",
                              "patterns": {"primary": "^accuracy:\\\\s+([\\\\d.]+)", "quality_guard": "^bpb:\\\\s+([\\\\d.]+)",
                                           "peak_vram_mb": "^peak_vram_mb:\\\\s+([\\\\d.]+)"},
                              "repeats": 1},
                 "judge": {"mode": "auto", "min_improvement": 0, "confidence": 0.95, "simplicity": true},
                 "agent": {"backend": "claude", "model": "opus", "max_turns": 200, "max_fix_attempts": 2},
                 "search": {"parameters": {"lr": {"file": "train.py", "pattern": "LR = ([0-9.eE-]+)", "type": "float",
                                                  "range": [1e-4, 1e-1], "log": true}}},
                 "run": {"workers": 1, "executor": "local", "slots": [0, 1, 2, 3]},
                 "requirements": {"python": ">=3.11", "gpu": "H100"}}
                """).read();
        assertThat(s.author()).contains("ada");
        assertThat(s.scope().editable()).containsExactly("train.py", "src/**/*.java");
        assertThat(s.metrics().constraints()).containsExactly(new Spec.Constraint("peak_vram_mb", Optional.of(39000.0), Optional.empty()));
        assertThat(s.evaluate().setup()).contains("uv run prepare.py");
        assertThat(s.evaluate().patterns()).containsEntry("primary", "^accuracy:\\s+([\\d.]+)");
        assertThat(s.agent().backend()).isEqualTo("claude");
        assertThat(s.agent().model()).contains("opus");
        assertThat(s.search().parameters()).containsExactly(
                new Spec.Parameter("lr", "train.py", "LR = ([0-9.eE-]+)", ParamType.FLOAT, 1e-4, 1e-1, true, List.of()));
        assertThat(s.run().slots()).containsExactly("0", "1", "2", "3");
        assertThat(s.requirements()).containsEntry("python", ">=3.11").containsEntry("gpu", "H100");
    }

    @Nested
    class Required {
        @Test
        void everyMissingRequiredFieldIsReportedAtOnce() {
            List<Problem> problems = new Doc("{}").problems();
            assertThat(problems).extracting(Problem::path).containsExactlyInAnyOrder(
                    "name", "domain", "description", "scope.editable", "metrics.primary.name", "evaluate.command");
            assertThat(problems).allSatisfy(p -> {
                assertThat(p.source()).isEqualTo("helix.yaml");
                assertThat(p.message()).isEqualTo("is required");
                assertThat(p.suggestion()).isNotBlank();
            });
        }

        @Test
        void blankTextCountsAsMissing() {
            assertThat(only(minimal().set("name", "  ").problems()).path()).isEqualTo("name");
        }

        @Test
        void anEmptyEditableListIsRejected() {
            Problem p = only(minimal().set("scope.editable", List.of()).problems());
            assertThat(p.path()).isEqualTo("scope.editable");
            assertThat(p.message()).contains("at least one");
        }

        @Test
        void aMissingFieldIsReportedAtTheLineOfItsNearestParent() {
            Map<String, Integer> lines = Map.of("metrics", 4, "metrics.primary", 5);
            Problem p = only(minimal().set("metrics.primary", new LinkedHashMap<>(Map.of("optimize", "max")))
                    .problems(path -> lines.getOrDefault(path, 0)));
            assertThat(p.path()).isEqualTo("metrics.primary.name");
            assertThat(p.line()).isEqualTo(5);
        }

        @Test
        void aMissingTopLevelFieldHasNoLine() {
            assertThat(only(minimal().remove("domain").problems(path -> path.equals("name") ? 1 : 0)).line()).isZero();
        }
    }

    @Nested
    class Directions {
        @Test
        void isInferredFromTheMetricName() {
            assertThat(minimal().set("metrics.primary.name", "tokens_per_sec").read().metrics().primary().optimize())
                    .isEqualTo(Direction.MAXIMIZE);
        }

        @Test
        void mustBeGivenWhenTheNameSaysNothing() {
            Problem p = only(minimal().set("metrics.primary.name", "wibble").problems());
            assertThat(p.path()).isEqualTo("metrics.primary.optimize");
            assertThat(p.message()).contains("wibble");
            assertThat(p.suggestion()).contains("optimize: minimize");
        }

        @Test
        void anExplicitDirectionWinsOverTheName() {
            assertThat(minimal().set("metrics.primary.optimize", "maximize").read().metrics().primary().optimize())
                    .isEqualTo(Direction.MAXIMIZE);
        }

        @Test
        void anUnknownDirectionIsReportedWithItsLine() {
            Problem p = only(minimal().set("metrics.primary.optimize", "sideways")
                    .problems(path -> path.equals("metrics.primary.optimize") ? 9 : 0));
            assertThat(p.path()).isEqualTo("metrics.primary.optimize");
            assertThat(p.line()).isEqualTo(9);
            assertThat(p.render()).startsWith("helix.yaml:9: metrics.primary.optimize: must be minimize or maximize");
        }

        @Test
        void thePrimaryMayBeWrittenAsJustItsName() {
            assertThat(minimal().set("metrics.primary", "accuracy").read().metrics().primary())
                    .isEqualTo(new Spec.MetricSpec("accuracy", Direction.MAXIMIZE, false));
        }
    }

    @Nested
    class Thresholds {
        @Test
        void aPercentageIsRelative() {
            assertThat(minimal().set("judge.min_improvement", "0.5%").read().judge().minImprovement())
                    .isEqualTo(new Threshold(0.005, true));
        }

        @Test
        void aNumberIsAbsolute() {
            assertThat(minimal().set("judge.min_improvement", 0.01).read().judge().minImprovement())
                    .isEqualTo(new Threshold(0.01, false));
        }

        @Test
        void numericTextIsAbsolute() {
            assertThat(minimal().set("judge.min_improvement", "0.02").read().judge().minImprovement())
                    .isEqualTo(new Threshold(0.02, false));
        }

        @Test
        void wordsAreRejected() {
            Problem p = only(minimal().set("judge.min_improvement", "a bit").problems());
            assertThat(p.path()).isEqualTo("judge.min_improvement");
            assertThat(p.suggestion()).contains("0.5%");
        }

        @Test
        void negativesAreRejected() {
            assertThat(only(minimal().set("judge.min_improvement", "-1%").problems()).message()).contains("negative");
        }

        @Test
        void theGuardAcceptsAPercentageToo() {
            Spec s = minimal().set("metrics.quality_guard", Map.of("name", "bpb", "max_degradation", "2%")).read();
            assertThat(s.metrics().qualityGuard().orElseThrow().maxDegradation()).isEqualTo(0.02);
        }

        @Test
        void confidenceMustBeAProbability() {
            assertThat(only(minimal().set("judge.confidence", 1.5).problems()).path()).isEqualTo("judge.confidence");
            assertThat(only(minimal().set("judge.confidence", 0).problems()).path()).isEqualTo("judge.confidence");
        }
    }

    @Nested
    class Patterns {
        @Test
        void aRegexThatDoesNotCompileIsReportedAtItsKey() {
            Problem p = only(minimal().set("evaluate.patterns", Map.of("primary", "^loss: ([\\d.]+")).problems());
            assertThat(p.path()).isEqualTo("evaluate.patterns.primary");
            assertThat(p.message()).contains("does not compile");
        }

        @Test
        void aRegexWithoutACaptureGroupCannotReadAValue() {
            Problem p = only(minimal().set("evaluate.patterns", Map.of("primary", "^loss: [\\d.]+")).problems());
            assertThat(p.path()).isEqualTo("evaluate.patterns.primary");
            assertThat(p.message()).contains("no capture group");
        }

        @Test
        void extraMetricsAreCheckedToo() {
            Problem p = only(minimal().set("evaluate.patterns", Map.of("mfu", "(?:x)")).problems());
            assertThat(p.path()).isEqualTo("evaluate.patterns.mfu");
        }

        @Test
        void anUnknownOutputFormatIsRejected() {
            Problem p = only(minimal().set("evaluate.output_format", "xml").problems());
            assertThat(p.path()).isEqualTo("evaluate.output_format");
            assertThat(p.suggestion()).contains("metric-lines");
        }

        @Test
        void aJsonFileWithoutTheJsonFormatIsAMistake() {
            assertThat(only(minimal().set("evaluate.json_file", "out.json").problems()).path()).isEqualTo("evaluate.json_file");
            assertThat(minimal().set("evaluate.json_file", "out.json").set("evaluate.output_format", "json").read()
                    .evaluate().jsonFile()).contains("out.json");
        }
    }

    @Nested
    class Backends {
        @Test
        void aMisspelledBackendGetsADidYouMean() {
            Problem p = only(minimal().set("agent.backend", "cluade").problems());
            assertThat(p.path()).isEqualTo("agent.backend");
            assertThat(p.message()).contains("cluade");
            assertThat(p.suggestion()).startsWith("did you mean 'claude'?").contains("codex", "tune");
        }

        @Test
        void anUnrelatedBackendGetsTheList() {
            Problem p = only(minimal().set("agent.backend", "skynet").problems());
            assertThat(p.suggestion()).doesNotContain("did you mean").contains(String.join(", ", HelixNames.KNOWN.backends()));
        }

        @Test
        void theCommandBackendNeedsACommand() {
            Problem p = only(minimal().set("agent.backend", "command").problems());
            assertThat(p.path()).isEqualTo("agent.command");
            assertThat(minimal().set("agent.backend", "command").set("agent.command", "./agent").read().agent().command())
                    .contains("./agent");
        }

        @Test
        void theTunerNeedsParameters() {
            assertThat(only(minimal().set("agent.backend", "tune").problems()).path()).isEqualTo("search.parameters");
        }

        @Test
        void aMixOfAnAgentAndTheTunerDefaultsToClaudeAndThreeTunerExperiments() {
            Spec s = minimal().set("search.parameters", Map.of("lr",
                    Map.of("file", "train.py", "pattern", "LR = ([0-9.eE-]+)", "range", List.of(1e-4, 1e-1))))
                    .set("agent.mix", Map.of()).read();
            assertThat(s.agent().backend()).isEqualTo("claude");
            assertThat(s.agent().mix()).contains(new Spec.Mix(3));
            assertThat(minimal().set("agent.backend", "codex").read().agent().mix()).isEmpty();
        }

        @Test
        void aMixNeedsParametersToTuneAndSaysHowToAddThem() {
            Problem p = only(minimal().set("agent.backend", "claude").set("agent.mix", Map.of("tune", 2)).problems());
            assertThat(p.path()).isEqualTo("agent.mix");
            assertThat(p.message()).contains("search.parameters declares nothing to tune");
            assertThat(p.suggestion()).contains("search: {parameters:").contains("or remove agent.mix");
        }

        @Test
        void aMixNeedsAnAgentOtherThanTheTunerAndAtLeastOneTunerExperiment() {
            Doc tuned = minimal().set("search.parameters", Map.of("lr",
                    Map.of("file", "train.py", "pattern", "LR = ([0-9.eE-]+)", "range", List.of(1e-4, 1e-1))));
            assertThat(only(tuned.set("agent.backend", "tune").set("agent.mix", Map.of("tune", 2)).problems()).message())
                    .contains("agent.backend is the tuner itself");
            assertThat(only(minimal().set("search.parameters", Map.of("lr",
                    Map.of("file", "train.py", "pattern", "LR = ([0-9.eE-]+)", "range", List.of(1e-4, 1e-1))))
                    .set("agent.mix", Map.of("tune", 0)).problems()).path()).isEqualTo("agent.mix.tune");
            assertThat(only(minimal().set("search.parameters", Map.of("lr",
                    Map.of("file", "train.py", "pattern", "LR = ([0-9.eE-]+)", "range", List.of(1e-4, 1e-1))))
                    .set("agent.mix", Map.of("tunes", 2)).problems()).message()).contains("unknown key 'tunes'");
        }

        @Test
        void backendNamesAreNotCaseSensitive() {
            assertThat(minimal().set("agent.backend", "Codex").read().agent().backend()).isEqualTo("codex");
        }
    }

    @Nested
    class UnknownKeys {
        @Test
        void aTopLevelTypoGetsADidYouMean() {
            Doc d = minimal();
            d.root.put("metric", Map.of());
            Problem p = only(d.problems(path -> path.equals("metric") ? 3 : 0));
            assertThat(p.path()).isEqualTo("metric");
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).contains("unknown key 'metric'");
            assertThat(p.suggestion()).isEqualTo("did you mean 'metrics'?");
        }

        @Test
        void aSectionTypoGetsADidYouMean() {
            Problem p = only(minimal().set("scope.edtable", List.of("a.py")).problems());
            assertThat(p.path()).isEqualTo("scope.edtable");
            assertThat(p.suggestion()).isEqualTo("did you mean 'editable'?");
        }

        @Test
        void commonSynonymsAreRecognised() {
            Problem p = only(minimal().set("metrics.primary.direction", "min").problems());
            assertThat(p.suggestion()).isEqualTo("did you mean 'optimize'?");
            assertThat(only(minimal().set("evaluate.timeout", 5).problems()).suggestion()).contains("timeout_seconds");
        }

        @Test
        void anUnrelatedKeyGetsTheListOfKnownKeys() {
            Problem p = only(minimal().set("run.colour", "blue").problems());
            assertThat(p.suggestion()).contains("workers, executor, slots");
        }

        @Test
        void closestFindsNearMissesOnly() {
            assertThat(SpecReader.closest("optmiize", List.of("optimize", "name"))).contains("optimize");
            assertThat(SpecReader.closest("zzz", List.of("optimize", "name"))).isEmpty();
        }
    }

    @Nested
    class Types {
        @Test
        void aStringWhereAListIsExpectedIsAProblemNotACrash() {
            Problem p = only(minimal().set("scope.editable", "train.py").problems());
            assertThat(p.path()).isEqualTo("scope.editable");
            assertThat(p.message()).contains("must be a list");
            assertThat(p.suggestion()).contains("[train.py]");
        }

        @Test
        void aListWhereAMapIsExpected() {
            assertThat(only(minimal().set("scope", List.of("train.py")).problems()).message()).contains("must be a map");
        }

        @Test
        void aMapWhereTextIsExpected() {
            assertThat(only(minimal().set("evaluate.command", Map.of("a", 1)).problems()).message()).contains("must be text");
        }

        @Test
        void aListItemThatIsNotText() {
            assertThat(only(minimal().set("scope.readonly", List.of("a.py", List.of("b"))).problems()).path())
                    .isEqualTo("scope.readonly[1]");
        }

        @Test
        void wordsWhereANumberIsExpected() {
            Problem p = only(minimal().set("evaluate.timeout_seconds", "fast").problems());
            assertThat(p.path()).isEqualTo("evaluate.timeout_seconds");
            assertThat(p.message()).contains("whole number");
        }

        @Test
        void fractionsWhereAWholeNumberIsExpected() {
            assertThat(only(minimal().set("run.workers", 1.5).problems()).path()).isEqualTo("run.workers");
        }

        @Test
        void quotedNumbersAreAccepted() {
            assertThat(minimal().set("evaluate.timeout_seconds", "60").read().evaluate().timeoutSeconds()).isEqualTo(60);
        }

        @Test
        void boundsAreChecked() {
            List<Problem> problems = minimal().set("evaluate.timeout_seconds", 0).set("evaluate.repeats", 0)
                    .set("run.workers", 0).set("agent.max_turns", 0).set("agent.max_fix_attempts", -1)
                    .set("agent.timeout_seconds", -5).problems();
            assertThat(problems).extracting(Problem::path).containsExactlyInAnyOrder("evaluate.timeout_seconds",
                    "evaluate.repeats", "run.workers", "agent.max_turns", "agent.max_fix_attempts", "agent.timeout_seconds");
        }

        @Test
        void aBooleanMustBeTrueOrFalse() {
            assertThat(only(minimal().set("judge.simplicity", "maybe").problems()).path()).isEqualTo("judge.simplicity");
            assertThat(minimal().set("judge.simplicity", false).read().judge().simplicity()).isFalse();
        }

        @Test
        void requirementsAreScalarsKeptAsText() {
            Spec s = minimal().set("requirements", Map.of("python", ">=3.11", "gpus", 4, "cuda", true)).read();
            assertThat(s.requirements()).containsEntry("gpus", "4").containsEntry("cuda", "true");
            assertThat(only(minimal().set("requirements", Map.of("gpu", List.of("a"))).problems()).path())
                    .isEqualTo("requirements.gpu");
        }

        @Test
        void aNumericVersionIsKeptAsText() {
            assertThat(minimal().set("version", 2).read().version()).isEqualTo("2");
        }

        @Test
        void anUnknownExecutorIsRejected() {
            Problem p = only(minimal().set("run.executor", "slrum").problems());
            assertThat(p.suggestion()).startsWith("did you mean 'slurm'?");
        }

        @Test
        void manyWrongThingsAreAllReported() {
            List<Problem> problems = minimal().set("scope.editable", "x").set("judge.mode", "lenient")
                    .set("agent.backend", "gpt").set("evaluate.patterns", Map.of("primary", "(")).problems();
            assertThat(problems).extracting(Problem::path)
                    .containsExactlyInAnyOrder("scope.editable", "judge.mode", "agent.backend", "evaluate.patterns.primary");
        }
    }

    @Nested
    class Roots {
        @Test
        void aListAtTheTopIsRejectedClearly() {
            SpecException e = catchThrowableOfType(SpecException.class,
                    () -> SpecReader.read((Object) List.of("name: x"), "helix.yaml", p -> 0));
            assertThat(only(e.problems()).message()).contains("top level must be a map");
        }

        @Test
        void anEmptyDocumentIsRejectedClearly() {
            assertThatThrownBy(() -> SpecReader.read((Object) null, "helix.yaml", p -> 0))
                    .isInstanceOf(SpecException.class).hasMessageContaining("empty");
        }

        @Test
        void aScalarAtTheTopIsRejectedClearly() {
            assertThatThrownBy(() -> SpecReader.read((Object) "hello", "helix.yaml", p -> 0))
                    .isInstanceOf(SpecException.class).hasMessageContaining("top level");
        }
    }

    @Nested
    class Scope {
        @Test
        void absoluteAndEscapingGlobsAreRejected() {
            List<Problem> problems = minimal().set("scope.editable", List.of("/etc/passwd", "../other/x.py", "ok.py")).problems();
            assertThat(problems).extracting(Problem::path).containsExactly("scope.editable[0]", "scope.editable[1]");
        }

        @Test
        void aFileCannotBeBothEditableAndReadonly() {
            assertThat(only(minimal().set("scope.readonly", List.of("train.py")).problems()).path())
                    .isEqualTo("scope.readonly[0]");
        }
    }

    @Nested
    class Metrics {
        @Test
        void aConstraintNeedsABound() {
            assertThat(only(minimal().set("metrics.constraints", List.of(Map.of("name", "mem"))).problems()).path())
                    .isEqualTo("metrics.constraints[0]");
        }

        @Test
        void aConstraintsMinMustNotExceedItsMax() {
            assertThat(only(minimal().set("metrics.constraints", List.of(Map.of("name", "mem", "min", 5, "max", 1)))
                    .problems()).path()).isEqualTo("metrics.constraints[0].min");
        }

        @Test
        void theGuardMustDifferFromThePrimary() {
            assertThat(only(minimal().set("metrics.quality_guard", Map.of("name", "val_loss")).problems()).path())
                    .isEqualTo("metrics.quality_guard.name");
        }
    }

    @Nested
    class Parameters {
        private Doc with(Map<String, Object> parameter) {
            return minimal().set("search.parameters", Map.of("p", parameter));
        }

        private Map<String, Object> param(Object... kv) {
            Map<String, Object> m = new LinkedHashMap<>(Map.of("file", "train.py", "pattern", "P = (\\S+)"));
            for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
            return m;
        }

        @Test
        void valuesMakeACategoricalParameter() {
            Spec.Parameter p = with(param("values", List.of("adam", "sgd", 3))).read().search().parameters().get(0);
            assertThat(p.type()).isEqualTo(ParamType.CATEGORICAL);
            assertThat(p.choices()).containsExactly("adam", "sgd", "3");
        }

        @Test
        void choicesIsASynonymOfValues() {
            assertThat(with(param("choices", List.of("a"))).read().search().parameters().get(0).choices()).containsExactly("a");
        }

        @Test
        void anIntParameterNeedsWholeBounds() {
            assertThat(with(param("type", "int", "range", List.of(1, 8))).read().search().parameters().get(0).type())
                    .isEqualTo(ParamType.INT);
            assertThat(only(with(param("type", "int", "range", List.of(0.5, 8))).problems()).path())
                    .isEqualTo("search.parameters.p.range");
        }

        @Test
        void theRangeMustGoUp() {
            assertThat(only(with(param("range", List.of(1, 1))).problems()).message()).contains("below");
        }

        @Test
        void logScaleNeedsAPositiveRange() {
            assertThat(only(with(param("range", List.of(0, 1), "log", true)).problems()).path())
                    .isEqualTo("search.parameters.p.log");
        }

        @Test
        void aNumericParameterNeedsARange() {
            assertThat(only(with(param()).problems()).path()).isEqualTo("search.parameters.p.range");
        }

        @Test
        void theRangeHasTwoNumbers() {
            assertThat(only(with(param("range", List.of(1, 2, 3))).problems()).path()).isEqualTo("search.parameters.p.range");
            assertThat(only(with(param("range", List.of("low", 2))).problems()).path()).isEqualTo("search.parameters.p.range[0]");
        }

        @Test
        void itsPatternMustCapture() {
            Map<String, Object> p = param("range", List.of(1, 2));
            p.put("pattern", "P = \\S+");
            assertThat(only(with(p).problems()).path()).isEqualTo("search.parameters.p.pattern");
        }

        @Test
        void itNeedsAFileAndAPattern() {
            List<Problem> problems = with(new LinkedHashMap<>(Map.of("range", List.of(1, 2)))).problems();
            assertThat(problems).extracting(Problem::path)
                    .containsExactlyInAnyOrder("search.parameters.p.file", "search.parameters.p.pattern");
        }

        @Test
        void valuesOnAFloatParameterAreAMistake() {
            assertThat(only(with(param("type", "float", "range", List.of(1, 2), "values", List.of(1))).problems()).path())
                    .isEqualTo("search.parameters.p.values");
        }

        @Test
        void anUnknownTypeIsRejected() {
            assertThat(only(with(param("type", "complex", "range", List.of(1, 2))).problems()).path())
                    .isEqualTo("search.parameters.p.type");
        }

        @Test
        void seedIsAWholeNumber() {
            assertThat(minimal().set("search.seed", 42).read().search().seed()).isEqualTo(42);
            assertThat(only(minimal().set("search.seed", "x").problems()).path()).isEqualTo("search.seed");
        }
    }
}

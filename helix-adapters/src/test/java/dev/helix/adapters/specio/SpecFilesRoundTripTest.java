package dev.helix.adapters.specio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.spec.Direction;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.Spec.AgentSpec;
import dev.helix.core.spec.Spec.Constraint;
import dev.helix.core.spec.Spec.Evaluate;
import dev.helix.core.spec.Spec.JudgeMode;
import dev.helix.core.spec.Spec.JudgeSpec;
import dev.helix.core.spec.Spec.MetricSpec;
import dev.helix.core.spec.Spec.Metrics;
import dev.helix.core.spec.Spec.OutputFormat;
import dev.helix.core.spec.Spec.ParamType;
import dev.helix.core.spec.Spec.Parameter;
import dev.helix.core.spec.Spec.QualityGuard;
import dev.helix.core.spec.Spec.RunSpec;
import dev.helix.core.spec.Spec.Scope;
import dev.helix.core.spec.Spec.SearchSpec;
import dev.helix.core.spec.Spec.Threshold;
import dev.helix.core.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecFilesRoundTripTest {

    @TempDir
    Path dir;

    private Spec roundTrip(Spec spec) throws IOException {
        Path file = dir.resolve("helix.yaml");
        Files.writeString(file, SpecFiles.toYaml(spec));
        return SpecFiles.load(file);
    }

    private static Spec minimal() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("name", "demo");
        tree.put("domain", "AI/ML");
        tree.put("description", "Lower the loss.");
        tree.put("scope", Map.of("editable", List.of("train.py")));
        tree.put("metrics", Map.of("primary", Map.of("name", "val_loss")));
        tree.put("evaluate", Map.of("command", "python train.py"));
        return SpecReader.read(tree, "elsewhere", p -> 0);
    }

    private static Spec full() {
        Map<String, String> patterns = new LinkedHashMap<>();
        patterns.put("primary", "^accuracy:\\s+([\\d.]+)");
        patterns.put("quality_guard", "^bpb:\\s+([\\d.]+)");
        patterns.put("peak_vram_mb", "^peak_vram_mb:\\s+([\\d.]+)");
        patterns.put("odd key: #1", "it's (\\d+)");
        patterns.put("mfu", "mfu=(\\S+)"); // as SpecReader would: every constraint has a pattern
        return new Spec("my-helix", "1.10", "AI/ML", "Optimize X: for task #Y, \"quoted\" and 'single'.", Optional.of("Ada Lovelace"),
                new Scope(List.of("train.py", "src/**/*.java", "*.py"), List.of("evaluate.py", "[weird].txt")),
                new Metrics(new MetricSpec("accuracy", Direction.MAXIMIZE),
                        Optional.of(new QualityGuard("bpb", Direction.MINIMIZE, 0.01)),
                        List.of(new Constraint("peak_vram_mb", Optional.of(39000.0), Optional.empty()),
                                new Constraint("mfu", Optional.of(0.75), Optional.of(1e-7)))),
                new Evaluate("uv run evaluate.py --flag=\"a b\" | tee out.log", Optional.of("uv run prepare.py"), 120,
                        OutputFormat.PATTERN, patterns, Optional.empty(), 3),
                new JudgeSpec(JudgeMode.STATISTICAL, new Threshold(0.005, true), 0.99, false),
                new AgentSpec("command", Optional.of("opus-4"), 50, 0, Optional.of("./my-agent --json"), 900),
                new SearchSpec(List.of(
                        new Parameter("lr", "train.py", "LR = ([0-9.eE-]+)", ParamType.FLOAT, 1e-4, 0.1, true, List.of()),
                        new Parameter("depth", "train.py", "DEPTH = (\\d+)", ParamType.INT, 2, 16, false, List.of()),
                        new Parameter("opt", "train.py", "OPT = \"(\\w+)\"", ParamType.CATEGORICAL, 0, 3, false,
                                List.of("adam", "yes", "1.0", "null"))),
                        42, 7),
                new RunSpec(4, "slurm", List.of("0", "1", "gpu:2"), new Spec.SlurmSpec(Optional.of("gpu"), 8,
                        Optional.of("32G"), Optional.of("gpu:1"), List.of("--account=lab", "--qos=high"))),
                Map.of("python", ">=3.11", "gpu", "H100", "cuda", "12.4"),
                "helix.yaml");
    }

    @Test
    void aMinimalSpecReadsBackEqual() throws IOException {
        Spec s = minimal();
        // the minimal spec infers its direction; the file written says it, so the copy read back has it written
        assertThat(roundTrip(s)).usingRecursiveComparison().ignoringFields("source", "metrics.primary.optimizeWritten").isEqualTo(s);
        assertThat(roundTrip(s).metrics().primary().optimizeWritten()).isTrue();
        assertThat(roundTrip(s).source()).isEqualTo("helix.yaml");
    }

    @Test
    void aSpecUsingEveryFieldReadsBackEqual() throws IOException {
        Spec s = full();
        assertThat(roundTrip(s)).isEqualTo(s);
    }

    @Test
    void otherOutputFormatsAndAbsoluteThresholdsReadBackEqual() throws IOException {
        Spec m = minimal();
        Spec s = new Spec(m.name(), m.version(), m.domain(), m.description(), m.author(), m.scope(), m.metrics(),
                new Evaluate("./eval.sh", Optional.empty(), 60, OutputFormat.JSON, Map.of(), Optional.of("out/metrics.json"), 1),
                new JudgeSpec(JudgeMode.STRICT, new Threshold(0.25, false), 0.9, true),
                m.agent(), m.search(), m.run(), m.requirements(), "helix.yaml");
        assertThat(roundTrip(s)).usingRecursiveComparison().ignoringFields("metrics.primary.optimizeWritten").isEqualTo(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "yes", "no", "on", "true", "null", "~", "", "1", "1.0", "0x1F", "0o17", ".inf", "-", "- x", "a: b",
            "a #b", "#x", "*star", "&amp", "!bang", "%pct", "@at", "`tick`", "{x}", "[x]", "x,y", " leading", "trailing ",
            "two\nlines", "tab\there", "quote'single", "quote\"double", "back\\slash", "ünïcødé ✓", "\u0007bell", "---", "..."})
    void anyTextReadsBackAsTheSameText(String text) throws IOException {
        Spec m = minimal();
        Spec s = new Spec(m.name(), text, m.domain(), "d " + text, Optional.of(text), m.scope(), m.metrics(), m.evaluate(), m.judge(),
                m.agent(), m.search(), m.run(), Map.of("k", text), "helix.yaml");
        Spec back = roundTrip(s);
        assertThat(back.version()).isEqualTo(text);
        assertThat(back.author()).contains(text);
        assertThat(back.requirements()).containsEntry("k", text);
    }

    @Test
    void theYamlFollowsTheDocumentedLayoutWithComments() {
        String yaml = SpecFiles.toYaml(full());
        assertThat(yaml).startsWith("# helix.yaml");
        assertThat(yaml).containsSubsequence("name:", "scope:", "editable:", "metrics:", "primary:", "evaluate:", "command:",
                "judge:", "agent:", "search:", "run:", "requirements:");
        assertThat(yaml).contains("min_improvement: '0.5%'", "optimize: maximize", "range: [1e-4, 0.1]");
    }
}

package dev.helix.adapters.specio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.adapters.Executors;
import dev.helix.adapters.agents.Backends;
import dev.helix.core.spec.Direction;
import dev.helix.core.spec.KnownNames;
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
import dev.helix.core.spec.Spec.SlurmSpec;
import dev.helix.core.spec.Spec.Threshold;
import dev.helix.core.spec.SpecKey;
import dev.helix.core.spec.SpecSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The table of helix.yaml's keys reaches every file Helix writes and every format it converts. */
class SpecSchemaCoverageTest {

    /** A spec with no value at its default, so the writer has every key to write. */
    private static Spec everyKey() {
        return everyKey(new dev.helix.core.spec.Holdout.Directory("../heldout"));
    }

    /** The same with the hidden files taken from {@code source}: from_dir and from_ref exclude each other. */
    private static Spec everyKey(dev.helix.core.spec.Holdout.Source source) {
        return new Spec("every-key", "2.0", "AI/ML", "Every key set.", Optional.of("Ada"),
                new Scope(List.of("train.py"), List.of("eval.py"), Spec.StrayFiles.REJECT),
                new Metrics(new MetricSpec("accuracy", Direction.MAXIMIZE),
                        Optional.of(new QualityGuard("bpb", Direction.MINIMIZE, 0.02)),
                        List.of(new Constraint("vram", Optional.of(10.0), Optional.of(1.0))), List.of("train_iters")),
                new Evaluate("./eval.sh", Optional.of("./setup.sh"), 90, OutputFormat.JSON, Map.of("primary", "acc=(\\S+)"),
                        Optional.of("out.json"), 5, Optional.of("tail -1 \"$HELIX_LOG\""), Spec.MetricSource.FILE,
                        List.of("HF_TOKEN"), Optional.of(new dev.helix.core.spec.Holdout("./eval.sh --split test", List.of("data/test/**"),
                        source, 30, 2)), Optional.of(new dev.helix.core.spec.Checks("./test.sh", 600))),
                new JudgeSpec(JudgeMode.STATISTICAL, new Threshold(0.01, true), 0.9, false, 9, 4),
                new AgentSpec("openai", Optional.of("gpt"), 20, 1, Optional.of("./agent"), 600, Optional.of("http://127.0.0.1:1/v1"),
                        Optional.of("MY_KEY"), 5000, 7, 1000, List.of("--fast"), List.of("keep the API"), Optional.of(new Spec.Mix(4)),
                        Optional.of(new dev.helix.core.spec.Price(3.0, 15.0, 0.3))),
                new SearchSpec(List.of(
                        new Parameter("lr", "train.py", "LR = ([0-9.eE-]+)", ParamType.FLOAT, 1e-4, 0.1, true, List.of()),
                        new Parameter("opt", "train.py", "OPT = (\\w+)", ParamType.CATEGORICAL, 0, 1, false, List.of("adam", "sgd"))),
                        7, 5),
                new RunSpec(2, "slurm", List.of("0", "1"), new SlurmSpec(Optional.of("gpu"), 4, Optional.of("8G"), Optional.of("gpu:1"),
                        List.of("--qos=high")), Spec.OnStale.DISCARD, List.of("speed", "memory"), List.of("WANDB_API_KEY"), Optional.of("mar26"), 3, 600,
                        dev.helix.core.spec.Isolation.CPUS, List.of("python --version", "pip freeze | sha256sum"),
                        dev.helix.core.spec.SandboxMode.NONE),
                Map.of("python", ">=3.11"),
                "helix.yaml");
    }

    @Test
    void theWriterWritesEveryKeyOfTheTable() {
        String yaml = SpecFiles.toYaml(everyKey());
        Set<String> written = new TreeSet<>();
        Spec fromRef = everyKey(new dev.helix.core.spec.Holdout.GitRef("refs/hidden/data"));
        for (String text : List.of(yaml, SpecFiles.toYaml(fromRef))) {
            for (String path : YamlTree.parse(text, "helix.yaml").lines().keySet()) {
                SpecSchema.find(path).ifPresent(k -> written.add(k.path()));
            }
        }
        assertThat(SpecFiles.parseYaml(SpecFiles.toYaml(fromRef), "helix.yaml")).isEqualTo(fromRef);
        Set<String> table = new TreeSet<>(SpecSchema.KEYS.stream().map(SpecKey::path).toList());
        assertThat(written).isEqualTo(table);
        assertThat(SpecFiles.parseYaml(yaml, "helix.yaml")).isEqualTo(everyKey());
    }

    @Test
    void helixYamlMayNameEveryBackendAndExecutorTheAdaptersHave() {
        KnownNames known = SpecFiles.knownNames();
        // the core's tests name the same lists (dev.helix.core.spec.HelixNames)
        assertThat(Backends.HELIX).containsExactly("claude", "codex", "gemini", "opencode", "openai", "anthropic", "command", "tune");
        assertThat(Executors.NAMES).containsExactly("local", "slurm");
        assertThat(known.backends()).startsWith(Backends.HELIX.toArray(String[]::new)).containsAll(Backends.names());
        assertThat(known.executors()).isEqualTo(Executors.NAMES);
    }

    @Test
    void everyKeyOfTheOtherFormatsLandsOnAKeyOfTheTableOrLeavesANote() {
        for (OtherFormats.Format f : List.of(OtherFormats.TOML, OtherFormats.JSON, OtherFormats.MARKDOWN)) {
            for (String key : f.keys()) {
                assertThat(f.paths()).containsKey(key);
                assertThat(SpecSchema.find(f.paths().get(key))).as(key).isPresent();
            }
            assertThat(f.keys()).containsAll(f.paths().keySet());
        }
    }
}

package dev.helix.adapters.agents;

import static dev.helix.adapters.agents.Fixtures.agent;
import static dev.helix.adapters.agents.Fixtures.record;
import static dev.helix.adapters.agents.Fixtures.request;
import static dev.helix.adapters.agents.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.Proposer.Proposal;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.Spec.ParamType;
import dev.helix.core.spec.Spec.Parameter;
import dev.helix.core.spec.Spec.SearchSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** examples/mlp: the tuner rewrites only the constants, within their ranges, and the result compiles. */
class ExampleMlpTest {

    @TempDir
    Path dir;

    static Path example() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/mlp/helix.yaml"))) return p.resolve("examples/mlp");
        }
        throw new IllegalStateException("examples/mlp not found above " + Path.of("").toAbsolutePath());
    }

    /** search: from helix.yaml, read here with SnakeYAML so the test checks the real patterns. */
    @SuppressWarnings("unchecked")
    static SearchSpec search(Map<String, Object> yaml) {
        Map<String, Object> search = (Map<String, Object>) yaml.get("search");
        List<Parameter> params = new ArrayList<>();
        ((Map<String, Map<String, Object>>) search.get("parameters")).forEach((name, p) -> {
            ParamType type = ParamType.valueOf(((String) p.get("type")).toUpperCase(Locale.ROOT));
            List<Number> range = (List<Number>) p.getOrDefault("range", List.of(0, 0));
            List<String> choices = ((List<Object>) p.getOrDefault("values", p.getOrDefault("choices", List.of()))).stream().map(String::valueOf).toList();
            params.add(new Parameter(name, (String) p.get("file"), (String) p.get("pattern"), type,
                    range.get(0).doubleValue(), range.get(1).doubleValue(), Boolean.TRUE.equals(p.get("log")), choices));
        });
        return new SearchSpec(params, ((Number) search.get("seed")).longValue(), (Integer) search.get("initial_random"));
    }

    static final Pattern CONSTANT = Pattern.compile("    static final (double|int) (\\w+) = ([^;]+);");

    @Test
    void fiveTunerProposalsChangeOnlyTheConstantsWithinTheirRanges() throws Exception {
        Path example = example();
        for (String f : List.of("Train.java", "helix.yaml", "program.md")) Files.copy(example.resolve(f), dir.resolve(f));
        Map<String, Object> yaml = new Yaml().load(Files.readString(dir.resolve("helix.yaml")));
        SearchSpec search = search(yaml);
        assertThat(search.parameters()).extracting(Parameter::name)
                .containsExactly("learning_rate", "hidden", "l2", "batch_size", "init_scale");
        Spec spec = spec(agent("tune", null, 60), search);
        Map<String, String> constant = Map.of("learning_rate", "LEARNING_RATE", "hidden", "HIDDEN", "l2", "L2",
                "batch_size", "BATCH_SIZE", "init_scale", "INIT_SCALE");

        String original = Files.readString(dir.resolve("Train.java"));
        List<Experiment> history = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        for (int n = 1; n <= 5; n++) {
            Proposal p = new TuneProposer().propose(request(spec, dir, n, history));
            assertThat(p).isInstanceOf(Proposal.Change.class);
            Proposal.Change c = (Proposal.Change) p;
            descriptions.add(c.description());
            history.add(record(n, n % 2 == 0 ? Status.KEEP : Status.DISCARD, 0.5, c.description()));

            String now = Files.readString(dir.resolve("Train.java"));
            String[] before = original.split("\n", -1), after = now.split("\n", -1);
            assertThat(after).hasSameSizeAs(before);
            for (int i = 0; i < before.length; i++) {
                if (before[i].equals(after[i])) continue;
                Matcher m = CONSTANT.matcher(after[i]);
                assertThat(m.matches()).as("changed line %d: %s", i + 1, after[i]).isTrue();
                assertThat(before[i]).startsWith(after[i].substring(0, after[i].indexOf('=')));
                Parameter param = search.parameters().stream()
                        .filter(q -> constant.get(q.name()).equals(m.group(2))).findFirst().orElseThrow();
                String value = m.group(3);
                switch (param.type()) {
                    case FLOAT -> {
                        assertThat(value).matches("\\d+\\.\\d+|\\d+(\\.\\d+)?e-?\\d+");
                        assertThat(Double.parseDouble(value)).isBetween(param.low(), param.high());
                    }
                    case INT -> assertThat(Integer.parseInt(value)).isBetween((int) param.low(), (int) param.high());
                    case CATEGORICAL -> assertThat(param.choices()).contains(value);
                }
            }
        }
        assertThat(descriptions).doesNotHaveDuplicates();
        assertThat(descriptions.get(0).split(", ")).hasSizeGreaterThanOrEqualTo(4); // a random sample
        assertThat(descriptions.get(4).split(", ")).hasSizeBetween(1, 2);           // a perturbation

        // what the tuner wrote is still Java, down to release 17 (single-file launch on the default JDK)
        Path out = Files.createDirectory(dir.resolve("classes"));
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "--release", "17", "-d", out.toString(), dir.resolve("Train.java").toString());
        assertThat(rc).isZero();
    }

    @Test
    void theMetricPatternsReadTheExamplesOutput() throws Exception {
        Map<String, Object> yaml = new Yaml().load(Files.readString(example().resolve("helix.yaml")));
        @SuppressWarnings("unchecked")
        Map<String, String> patterns = (Map<String, String>) ((Map<String, Object>) yaml.get("evaluate")).get("patterns");
        String output = "epoch 100/100  train_loss 0.6500  val_loss 0.6618  val_acc 0.600\n"
                + "val_loss: 0.661829\nval_accuracy: 0.6000\ntrain_seconds: 0.20\n";
        assertThat(group(patterns.get("primary"), output)).isEqualTo("0.661829");
        assertThat(group(patterns.get("primary"), "val_loss: nan\n")).isEqualTo("nan");
        assertThat(group(patterns.get("val_accuracy"), output)).isEqualTo("0.6000");
        assertThat(group(patterns.get("train_seconds"), output)).isEqualTo("0.20");
    }

    static String group(String regex, String text) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        return m.find() ? m.group(1) : null;
    }
}

package dev.helix.core.metric;

import dev.helix.core.spec.Direction;
import dev.helix.core.spec.Spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A Spec built straight from its records, with only what metric extraction looks at varying. */
final class SpecFixture {
    private String primary = "accuracy";
    private Spec.QualityGuard guard;
    private final List<Spec.Constraint> constraints = new ArrayList<>();
    private Spec.OutputFormat format = Spec.OutputFormat.PATTERN;
    private final Map<String, String> patterns = new LinkedHashMap<>();
    private final List<String> recorded = new ArrayList<>();

    static SpecFixture spec(Spec.OutputFormat format) {
        SpecFixture f = new SpecFixture();
        f.format = format;
        return f;
    }

    SpecFixture primary(String name) {
        primary = name;
        return this;
    }

    SpecFixture guard(String name) {
        guard = new Spec.QualityGuard(name, Direction.MINIMIZE, 0.01);
        return this;
    }

    SpecFixture constraint(String name) {
        constraints.add(new Spec.Constraint(name, Optional.of(1.0), Optional.empty()));
        return this;
    }

    SpecFixture record(String name) {
        recorded.add(name);
        return this;
    }

    private Optional<String> metricCommand = Optional.empty();

    SpecFixture metricCommand(String command) {
        metricCommand = Optional.of(command);
        return this;
    }

    SpecFixture pattern(String key, String regex) {
        patterns.put(key, regex);
        return this;
    }

    Spec build() {
        return new Spec("test", "1.0.0", "AI/ML", "A test spec.", Optional.empty(),
                new Spec.Scope(List.of("train.py"), List.of()),
                new Spec.Metrics(new Spec.MetricSpec(primary, Direction.MAXIMIZE), Optional.ofNullable(guard), constraints, recorded),
                new Spec.Evaluate("python evaluate.py", Optional.empty(), 60, format, patterns, Optional.empty(), 1, metricCommand),
                new Spec.JudgeSpec(Spec.JudgeMode.AUTO, Spec.Threshold.ZERO, 0.95, true),
                new Spec.AgentSpec("tune", Optional.empty(), 200, 2, Optional.empty(), 600),
                new Spec.SearchSpec(List.of(), 0, 4),
                new Spec.RunSpec(1, "local", List.of()),
                Map.of(), "helix.yaml");
    }
}

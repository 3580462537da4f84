package dev.helix.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The seed system's layout, where evaluate sits under metrics, reads as the same spec. */
class SeedLayoutTest {

    private static Map<String, Object> doc(Map<String, Object> metrics, Map<String, Object> evaluate) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", "demo");
        root.put("domain", "AI/ML");
        root.put("description", "Lower the loss.");
        root.put("scope", Map.of("editable", List.of("train.py")));
        root.put("metrics", metrics);
        if (evaluate != null) root.put("evaluate", evaluate);
        return root;
    }

    @Test
    void evaluateUnderMetricsIsTheSameSpec() {
        Map<String, Object> evaluate = Map.of("command", "python train.py", "timeout_seconds", 60);
        Spec seed = SpecReader.read(doc(Map.of("primary", Map.of("name", "val_loss"), "evaluate", evaluate), null), "helix.yaml", p -> 0);
        Spec ours = SpecReader.read(doc(Map.of("primary", Map.of("name", "val_loss")), evaluate), "helix.yaml", p -> 0);
        assertThat(seed).isEqualTo(ours);
        assertThat(seed.evaluate().timeoutSeconds()).isEqualTo(60);
    }

    @Test
    void problemsInItAreReportedWhereTheFileHasThem() {
        Map<String, Integer> lines = Map.of("metrics", 5, "metrics.evaluate", 7, "metrics.evaluate.timeout_seconds", 9);
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecReader.read(
                doc(Map.of("primary", Map.of("name", "val_loss"), "evaluate", Map.of("timeout_seconds", "soon")), null),
                "helix.yaml", p -> lines.getOrDefault(p, 0)));
        assertThat(e).isNotNull();
        assertThat(e.problems()).extracting(Problem::path, Problem::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("metrics.evaluate.command", 7),
                        org.assertj.core.groups.Tuple.tuple("metrics.evaluate.timeout_seconds", 9));
    }

    @Test
    void evaluateInBothPlacesIsAProblem() {
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecReader.read(
                doc(Map.of("primary", Map.of("name", "val_loss"), "evaluate", Map.of("command", "b")), Map.of("command", "a")),
                "helix.yaml", p -> 0));
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("metrics.evaluate");
            assertThat(p.message()).isEqualTo("evaluate is given twice: at the top and under metrics");
        });
    }
}

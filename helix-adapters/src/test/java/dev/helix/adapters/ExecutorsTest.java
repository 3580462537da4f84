package dev.helix.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.helix.adapters.process.LocalExecutor;
import dev.helix.adapters.slurm.SlurmExecutor;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.SpecReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which executor runs the evaluations: helix.yaml's run.executor, or the override of helix run --executor. */
class ExecutorsTest {

    private static Spec spec(String executor) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("name", "demo");
        tree.put("domain", "AI/ML");
        tree.put("description", "Lower the loss.");
        tree.put("scope", Map.of("editable", List.of("train.py")));
        tree.put("metrics", Map.of("primary", Map.of("name", "val_loss")));
        tree.put("evaluate", Map.of("command", "python train.py"));
        tree.put("run", Map.of("executor", executor));
        return SpecReader.read(tree, "helix.yaml", p -> 0);
    }

    @Test
    void the_spec_decides_unless_overridden_in_any_case() {
        assertThat(Executors.forSpec(spec("slurm"))).isInstanceOf(SlurmExecutor.class);
        assertThat(Executors.forSpec(spec("local"), Optional.empty())).isInstanceOf(LocalExecutor.class);
        assertThat(Executors.forSpec(spec("local"), Optional.of("Slurm"))).isInstanceOf(SlurmExecutor.class);
        assertThat(Executors.forSpec(spec("slurm"), Optional.of("local"))).isInstanceOf(LocalExecutor.class);
    }

    @Test
    void an_unknown_override_is_refused_with_the_choices() {
        assertThat(Executors.known(" SLURM ")).isTrue();
        assertThat(Executors.known("pbs")).isFalse();
        assertThatThrownBy(() -> Executors.forSpec(spec("local"), Optional.of("pbs")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'pbs'").hasMessageContaining("local or slurm");
    }
}

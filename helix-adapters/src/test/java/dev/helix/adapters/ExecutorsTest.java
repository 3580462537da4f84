package dev.helix.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.adapters.process.LocalExecutor;
import dev.helix.adapters.slurm.SlurmExecutor;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.SpecReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which executor runs the evaluations: run.executor, which helix run --executor overrides by name. */
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
    void the_spec_decides_and_an_override_is_named_in_any_case() {
        assertThat(Executors.forSpec(spec("slurm"))).isInstanceOf(SlurmExecutor.class);
        assertThat(Executors.forSpec(spec("local"))).isInstanceOf(LocalExecutor.class);
        Spec local = spec("local");
        assertThat(Executors.forSpec(local.withRun(local.run().withExecutor(Executors.named("Slurm").orElseThrow()))))
                .isInstanceOf(SlurmExecutor.class);
        Spec slurm = spec("slurm");
        assertThat(Executors.forSpec(slurm.withRun(slurm.run().withExecutor(Executors.named(" LOCAL ").orElseThrow()))))
                .isInstanceOf(LocalExecutor.class);
    }

    @Test
    void an_unknown_name_names_no_executor() {
        assertThat(Executors.named(" SLURM ")).contains("slurm");
        assertThat(Executors.named("pbs")).isEmpty();
        assertThat(Executors.named(null)).isEmpty();
    }
}

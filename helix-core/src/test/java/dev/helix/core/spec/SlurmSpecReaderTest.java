package dev.helix.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** run.slurm in helix.yaml: the job options for run.executor: slurm. */
class SlurmSpecReaderTest {

    private static Map<String, Object> doc(Map<String, Object> run) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", "demo");
        root.put("domain", "AI/ML");
        root.put("description", "Lower the loss.");
        root.put("scope", Map.of("editable", List.of("train.py")));
        root.put("metrics", Map.of("primary", Map.of("name", "val_loss")));
        root.put("evaluate", Map.of("command", "python train.py"));
        if (run != null) root.put("run", run);
        return root;
    }

    private static List<Problem> problems(Map<String, Object> run) {
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecReader.read(doc(run), "helix.yaml", p -> 0));
        assertThat(e).as("expected the spec to be rejected").isNotNull();
        return e.problems();
    }

    @Test
    void withoutRunSlurmTheClusterDefaultsApply() throws Exception {
        Spec spec = SpecReader.read(doc(Map.of("executor", "slurm")), "helix.yaml", p -> 0);

        assertThat(spec.run().executor()).isEqualTo("slurm");
        assertThat(spec.run().slurm()).isEqualTo(Spec.SlurmSpec.DEFAULT);
        assertThat(new Spec.RunSpec(1, "local", List.of()).slurm()).isEqualTo(Spec.SlurmSpec.DEFAULT);
    }

    @Test
    void everyOptionIsRead() throws Exception {
        Spec spec = SpecReader.read(doc(Map.of("executor", "slurm", "slurm", Map.of("partition", "gpu", "cpus", 8,
                "mem", "32G", "gres", "gpu:1", "extra_args", List.of("--account=lab", "--qos=high")))), "helix.yaml", p -> 0);

        assertThat(spec.run().slurm()).isEqualTo(new Spec.SlurmSpec(Optional.of("gpu"), 8, Optional.of("32G"),
                Optional.of("gpu:1"), List.of("--account=lab", "--qos=high")));
    }

    @Test
    void aMemoryInPlainMegabytesIsASlurmSize() throws Exception {
        Spec spec = SpecReader.read(doc(Map.of("slurm", Map.of("mem", 4000))), "helix.yaml", p -> 0);

        assertThat(spec.run().slurm().mem()).contains("4000");
    }

    @Test
    void wrongValuesAreProblemsWithAFix() {
        List<Problem> problems = problems(Map.of("slurm", Map.of("mem", "lots", "cpus", 0, "partition", " ",
                "extra_args", "--qos=high", "gress", "gpu:1")));

        assertThat(problems).extracting(Problem::path).containsExactlyInAnyOrder("run.slurm.mem", "run.slurm.cpus",
                "run.slurm.partition", "run.slurm.extra_args", "run.slurm.gress");
        assertThat(problems).allMatch(p -> !p.suggestion().isBlank());
        assertThat(problems.stream().filter(p -> p.path().equals("run.slurm.gress")).findFirst().orElseThrow().suggestion())
                .contains("gres");
    }
}

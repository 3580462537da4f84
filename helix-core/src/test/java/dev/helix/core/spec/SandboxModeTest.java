package dev.helix.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** run.sandbox as helix.yaml gives it: three words, auto when absent, anything else reported with a fix. */
class SandboxModeTest {

    @Test
    void theReaderTakesTheThreeWordsAndDefaultsToAuto() {
        for (SandboxMode mode : SandboxMode.values()) {
            assertThat(SpecReader.read(doc(Map.of("sandbox", mode.word())), "helix.yaml", p -> 0).run().sandbox()).isEqualTo(mode);
        }
        assertThat(SpecReader.read(doc(Map.of()), "helix.yaml", p -> 0).run().sandbox()).isEqualTo(SandboxMode.AUTO);
    }

    @Test
    void anUnknownWordIsReportedWithItsFieldAndAFix() {
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> SpecReader.read(doc(Map.of("sandbox", "firejail")), "helix.yaml", p -> 0));

        assertThat(e).isNotNull();
        assertThat(e.problems()).extracting(Problem::path).containsExactly("run.sandbox");
        assertThat(e.problems().get(0).suggestion())
                .isEqualTo("use auto (bubblewrap where it works here), bwrap (bubblewrap, or the session does not start) or none");
    }

    @Test
    void aChangedCopyOfTheRunKeepsTheSandbox() {
        Spec.RunSpec run = SpecReader.read(doc(Map.of("sandbox", "none")), "helix.yaml", p -> 0).run();
        assertThat(run.withWorkers(3).withExecutor("slurm").withSlots(List.of("0")).withDirections(List.of("a")).sandbox())
                .isEqualTo(SandboxMode.NONE);
    }

    private static Map<String, Object> doc(Map<String, Object> run) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", "demo");
        root.put("domain", "AI/ML");
        root.put("description", "Lower the loss.");
        root.put("scope", Map.of("editable", List.of("train.py")));
        root.put("metrics", Map.of("primary", Map.of("name", "val_loss")));
        root.put("evaluate", Map.of("command", "python train.py"));
        root.put("run", run);
        return root;
    }
}

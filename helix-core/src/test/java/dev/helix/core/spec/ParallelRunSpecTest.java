package dev.helix.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** run.workers, run.slots, run.on_stale and run.directions: several experiments at once. */
class ParallelRunSpecTest {

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

    @Test
    void slotsAreGpuIdsOrCpuSetsAndDefaultToOnePlainSlotPerWorker() throws Exception {
        Spec spec = SpecReader.read(doc(Map.of("workers", 4, "slots", List.of(0, "1,2", "gpu:3", "cpu:0-3,8"),
                "on_stale", "discard", "directions", List.of(" optimizer ", "data"))), "helix.yaml", p -> 0);

        assertThat(Slot.of(spec.run())).containsExactly(
                new Slot(1, Optional.of("0"), Optional.empty()),
                new Slot(2, Optional.of("1,2"), Optional.empty()),
                new Slot(3, Optional.of("3"), Optional.empty()),
                new Slot(4, Optional.empty(), Optional.of("0-3,8")));
        assertThat(Slot.of(spec.run())).extracting(Slot::label).containsExactly("gpu 0", "gpu 1,2", "gpu 3", "cpu 0-3,8");
        assertThat(spec.run().onStale()).isEqualTo(Spec.OnStale.DISCARD);
        assertThat(spec.run().directions()).containsExactly("optimizer", "data");

        Spec plain = SpecReader.read(doc(Map.of("workers", 3)), "helix.yaml", p -> 0);
        assertThat(Slot.of(plain.run())).extracting(Slot::label).containsExactly("slot 1", "slot 2", "slot 3");
        assertThat(plain.run().onStale()).isEqualTo(Spec.OnStale.REBASE);
    }

    @Test
    void everyBadEntryIsReportedWithItsFieldAndAFix() {
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecReader.read(doc(Map.of(
                "workers", 0, "slots", List.of("cpu:", "gpu:a", "2"), "on_stale", "merge", "directions", List.of("a", " "))),
                "helix.yaml", p -> 0));

        assertThat(e).isNotNull();
        assertThat(e.problems()).extracting(Problem::path)
                .contains("run.workers", "run.slots", "run.on_stale", "run.directions");
        assertThat(e.problems().stream().filter(p -> p.path().equals("run.slots")).map(Problem::message))
                .containsExactly("'cpu:' is not a slot", "'gpu:a' is not a slot");
        assertThat(e.problems().stream().filter(p -> p.path().equals("run.on_stale")).findFirst().orElseThrow().suggestion())
                .contains("rebase").contains("discard");
    }
}

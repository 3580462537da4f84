package dev.helix.core.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Status;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.SpecReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JudgeTest {
    private static final DiffStat EDIT = new DiffStat(1, 3, 3);

    private static Spec spec(Map<String, Object> metrics, Map<String, Object> judge) {
        Map<String, Object> tree = new HashMap<>();
        tree.put("name", "t");
        tree.put("domain", "AI/ML");
        tree.put("description", "test");
        tree.put("scope", Map.of("editable", List.of("train.py")));
        tree.put("metrics", metrics);
        tree.put("evaluate", Map.of("command", "python train.py"));
        tree.put("judge", judge);
        return SpecReader.read(tree, "helix.yaml", path -> 0);
    }

    private static Spec minimizeLoss() {
        return spec(Map.of("primary", Map.of("name", "val_loss", "optimize", "minimize")), Map.of());
    }

    @Test
    void keepsAStrictImprovementInTheMetricsDirection() {
        Verdict v = Judge.judge(Map.of("val_loss", 0.9), Map.of("val_loss", 1.0), EDIT, minimizeLoss());
        assertThat(v.status()).isEqualTo(Status.KEEP);
        assertThat(v.delta()).hasValueSatisfying(d -> assertThat(d).isCloseTo(-0.1, org.assertj.core.data.Offset.offset(1e-12)));
        assertThat(v.deltaPct()).hasValueSatisfying(d -> assertThat(d).isCloseTo(-10, org.assertj.core.data.Offset.offset(1e-9)));
        assertThat(v.reason()).contains("improved").contains("val_loss 1 -> 0.9");
    }

    @Test
    void discardsAWorseOrEqualResult() {
        assertThat(Judge.judge(Map.of("val_loss", 1.1), Map.of("val_loss", 1.0), EDIT, minimizeLoss()).status())
                .isEqualTo(Status.DISCARD);
        Verdict equal = Judge.judge(Map.of("val_loss", 1.0), Map.of("val_loss", 1.0), EDIT, minimizeLoss());
        assertThat(equal.status()).isEqualTo(Status.DISCARD);
        assertThat(equal.reason()).startsWith("no change");
    }

    @Test
    void maximizesWhenAsked() {
        Spec acc = spec(Map.of("primary", Map.of("name", "accuracy", "optimize", "maximize")), Map.of());
        assertThat(Judge.judge(Map.of("accuracy", 0.8), Map.of("accuracy", 0.7), EDIT, acc).status()).isEqualTo(Status.KEEP);
        assertThat(Judge.judge(Map.of("accuracy", 0.6), Map.of("accuracy", 0.7), EDIT, acc).status()).isEqualTo(Status.DISCARD);
    }

    @Test
    void anImprovementMustExceedMinImprovementAbsoluteOrPercent() {
        Spec absolute = spec(Map.of("primary", Map.of("name", "val_loss")), Map.of("min_improvement", 0.05));
        assertThat(Judge.judge(Map.of("val_loss", 0.97), Map.of("val_loss", 1.0), EDIT, absolute).status()).isEqualTo(Status.DISCARD);
        assertThat(Judge.judge(Map.of("val_loss", 0.94), Map.of("val_loss", 1.0), EDIT, absolute).status()).isEqualTo(Status.KEEP);
        Spec percent = spec(Map.of("primary", Map.of("name", "val_loss")), Map.of("min_improvement", "5%"));
        assertThat(Judge.judge(Map.of("val_loss", 1.92), Map.of("val_loss", 2.0), EDIT, percent).status()).isEqualTo(Status.DISCARD);
        assertThat(Judge.judge(Map.of("val_loss", 1.89), Map.of("val_loss", 2.0), EDIT, percent).status()).isEqualTo(Status.KEEP);
    }

    @Test
    void simplicityKeepsAnEqualResultThatDeletesCode() {
        DiffStat deletion = new DiffStat(1, 2, 10);
        Verdict v = Judge.judge(Map.of("val_loss", 1.0), Map.of("val_loss", 1.0), deletion, minimizeLoss());
        assertThat(v.status()).isEqualTo(Status.KEEP);
        assertThat(v.reason()).contains("8 fewer lines");
        Spec off = spec(Map.of("primary", Map.of("name", "val_loss")), Map.of("simplicity", false));
        assertThat(Judge.judge(Map.of("val_loss", 1.0), Map.of("val_loss", 1.0), deletion, off).status()).isEqualTo(Status.DISCARD);
        assertThat(Judge.judge(Map.of("val_loss", 1.01), Map.of("val_loss", 1.0), deletion, minimizeLoss()).status())
                .as("worse, even if shorter").isEqualTo(Status.DISCARD);
    }

    @Test
    void theQualityGuardMayDegradeOnlyByItsRelativeAllowance() {
        Spec guarded = spec(Map.of("primary", Map.of("name", "accuracy", "optimize", "maximize"),
                "quality_guard", Map.of("name", "bpb", "optimize", "minimize", "max_degradation", 0.01)), Map.of());
        Map<String, Double> best = Map.of("accuracy", 0.70, "bpb", 1.000);
        assertThat(Judge.judge(Map.of("accuracy", 0.8, "bpb", 1.009), best, EDIT, guarded).status()).isEqualTo(Status.KEEP);
        Verdict v = Judge.judge(Map.of("accuracy", 0.8, "bpb", 1.02), best, EDIT, guarded);
        assertThat(v.status()).isEqualTo(Status.DISCARD);
        assertThat(v.reason()).contains("quality guard bpb degraded");
        assertThat(Judge.judge(Map.of("accuracy", 0.8), best, EDIT, guarded).reason()).contains("bpb is missing");
    }

    @Test
    void everyConstraintMustHold() {
        Spec constrained = spec(Map.of("primary", Map.of("name", "val_loss"),
                "constraints", List.of(Map.of("name", "peak_vram_mb", "max", 39000), Map.of("name", "val_accuracy", "min", 0.5))), Map.of());
        Map<String, Double> best = Map.of("val_loss", 1.0);
        assertThat(Judge.judge(Map.of("val_loss", 0.5, "peak_vram_mb", 100.0, "val_accuracy", 0.9), best, EDIT, constrained).status())
                .isEqualTo(Status.KEEP);
        Verdict v = Judge.judge(Map.of("val_loss", 0.5, "peak_vram_mb", 40000.0, "val_accuracy", 0.4), best, EDIT, constrained);
        assertThat(v.status()).isEqualTo(Status.DISCARD);
        assertThat(v.reason()).contains("peak_vram_mb 40000 > max 39000").contains("val_accuracy 0.4 < min 0.5");
    }

    @Test
    void aMissingOrNonFinitePrimaryIsACrash() {
        assertThat(Judge.judge(Map.of(), Map.of("val_loss", 1.0), EDIT, minimizeLoss()).status()).isEqualTo(Status.CRASH);
        assertThat(Judge.judge(Map.of("val_loss", Double.NaN), Map.of("val_loss", 1.0), EDIT, minimizeLoss()).reason())
                .isEqualTo("val_loss is NaN");
        assertThat(Judge.judge(Map.of("val_loss", Double.POSITIVE_INFINITY), Map.of("val_loss", 1.0), EDIT, minimizeLoss()).status())
                .isEqualTo(Status.CRASH);
    }
}

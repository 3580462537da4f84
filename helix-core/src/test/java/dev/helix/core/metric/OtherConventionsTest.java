package dev.helix.core.metric;

import static dev.helix.core.metric.SpecFixture.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.helix.core.spec.Spec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The metric conventions of the tools Helix replaces: the autoresearch CLI's last number, and a command that prints the value. */
class OtherConventionsTest {

    private static Extraction lastNumber(String output) {
        return MetricExtractor.extract(spec(Spec.OutputFormat.LAST_NUMBER).primary("val_bpb").build(), output, Optional.empty());
    }

    @Test
    void theMetricsLineCountsWithOrWithoutAColon() {
        assertThat(lastNumber("step 1\nval_bpb 1.05\nelapsed 300 s\n").metrics()).containsExactly(entry("val_bpb", 1.05));
        assertThat(lastNumber("val_bpb: 1.10\nval_bpb: 0.99\ntook 12s\n").metrics()).containsExactly(entry("val_bpb", 0.99));
        assertThat(lastNumber("  val_bpb=2e-1\n").metrics()).containsExactly(entry("val_bpb", 0.2));
    }

    @Test
    void withoutTheMetricsLineTheLastNumberOfTheOutputIsTheValue() {
        assertThat(lastNumber("training...\nresult\n0.997\n").metrics()).containsExactly(entry("val_bpb", 0.997));
        Extraction none = lastNumber("nothing here\n");
        assertThat(none.metrics()).isEmpty();
        assertThat(none.problems()).singleElement().asString().contains("no number in the output");
    }

    @Test
    void otherMetricsStillUseTheirPatterns() {
        Spec s = spec(Spec.OutputFormat.LAST_NUMBER).primary("val_bpb").record("peak_vram_mb")
                .pattern("peak_vram_mb", "^peak_vram_mb:\\s*([\\d.]+)").build();
        Extraction x = MetricExtractor.extract(s, "peak_vram_mb: 4000\nval_bpb 1.2\n", Optional.empty());
        assertThat(x.metrics()).containsEntry("val_bpb", 1.2).containsEntry("peak_vram_mb", 4000.0);
    }

    @Test
    void aMetricCommandGivesThePrimaryFromTheLastNumberItPrints() {
        Spec s = spec(Spec.OutputFormat.PATTERN).primary("accuracy").metricCommand("grep acc: \"$HELIX_LOG\" | tail -1").build();
        Extraction fromOutput = MetricExtractor.extract(s, "acc: 0.9\n", Optional.empty());
        assertThat(fromOutput.problems()).as("the output alone is not asked for the primary").isEmpty();
        assertThat(MetricExtractor.withCommandOutput(s, fromOutput, 0, "acc: 0.91\n").metrics()).containsExactly(entry("accuracy", 0.91));
        assertThat(MetricExtractor.withCommandOutput(s, fromOutput, 0, "").problems()).singleElement().asString()
                .contains("metric_command printed no number");
        assertThat(MetricExtractor.withCommandOutput(s, fromOutput, 1, "grep: run.log: No such file").problems()).singleElement()
                .asString().contains("failed (exit code 1)").contains("No such file");
        assertThat(MetricExtractor.withCommandOutput(s, fromOutput, 0, "nan\n").metrics()).isEmpty();
    }
}

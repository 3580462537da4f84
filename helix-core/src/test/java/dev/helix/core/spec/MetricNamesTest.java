package dev.helix.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"val_loss", "loss", "val_bpb", "p99_latency_ms", "binary_size", "eval_time_s", "wall_time",
            "perplexity", "ppl", "test_error", "val_err", "peak_vram_mb", "ns_per_op", "time_per_step", "trainLoss",
            "valloss", "runtime", "WER", "error_rate", "accuracy_loss"})
    void namesOfCostsAreMinimized(String name) {
        assertThat(MetricNames.direction(name)).contains(Direction.MINIMIZE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"accuracy", "val_acc", "top1_acc", "throughput", "tokens_per_sec", "tokensPerSecond",
            "requests/s", "qps", "throughput_ops_sec", "throughput_mb_s", "ops_per_sec", "mb_s", "tokens_sec", "it_s",
            "queries_per_second", "read_bandwidth_gb_s", "f1", "f1_score", "score", "mean_reward", "speed", "speedup", "ops", "mfu", "pass_rate",
            "testaccuracy"})
    void namesOfGainsAreMaximized(String name) {
        assertThat(MetricNames.direction(name)).contains(Direction.MAXIMIZE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "x", "bananas", "", "  ", "metric_value"})
    void namesThatSayNothingAreUnknown(String name) {
        assertThat(MetricNames.direction(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"VAL_LOSS", "Val_Loss", "valLoss"})
    void caseDoesNotMatter(String name) {
        assertThat(MetricNames.direction(name)).contains(Direction.MINIMIZE);
    }

    @org.junit.jupiter.api.Test
    void nullIsUnknown() {
        assertThat(MetricNames.direction(null)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void anAmbiguousNameSaysWhichDirectionAndWhy() {
        assertThat(MetricNames.why("throughput_ops_sec")).hasValueSatisfying(w -> assertThat(w)
                .contains("maximize").contains("rate (throughput)").contains("'sec'"));
        assertThat(MetricNames.why("accuracy_loss")).hasValueSatisfying(w -> assertThat(w)
                .contains("minimize").contains("'loss'").contains("'accuracy'"));
        assertThat(MetricNames.why("val_loss")).isEmpty();
        assertThat(MetricNames.why("tokens_per_sec")).hasValueSatisfying(w -> assertThat(w).contains("per sec"));
        assertThat(MetricNames.why("bananas")).isEmpty();
    }
}

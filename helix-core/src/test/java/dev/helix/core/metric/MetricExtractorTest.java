package dev.helix.core.metric;

import dev.helix.core.spec.Spec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static dev.helix.core.metric.SpecFixture.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class MetricExtractorTest {

    private static Extraction extract(SpecFixture spec, String output) {
        return MetricExtractor.extract(spec.build(), output, Optional.empty());
    }

    @Nested
    class Patterns {
        final SpecFixture spec = spec(Spec.OutputFormat.PATTERN)
                .primary("accuracy").guard("bpb").constraint("peak_vram_mb")
                .pattern("primary", "^accuracy:\\s+([\\d.]+)")
                .pattern("quality_guard", "^bpb:\\s+([\\d.]+)")
                .pattern("peak_vram_mb", "^peak_vram_mb:\\s+([\\d.]+)");

        @Test
        void reads_primary_guard_and_constraints_in_spec_order() {
            Extraction e = extract(spec, "step 100\naccuracy: 0.91\nbpb: 1.05\npeak_vram_mb: 38000.5\n");

            assertThat(e.metrics()).containsExactly(
                    entry("accuracy", 0.91), entry("bpb", 1.05), entry("peak_vram_mb", 38000.5));
            assertThat(e.problems()).isEmpty();
            assertThat(e.clean()).isTrue();
        }

        @Test
        void the_last_match_wins_because_training_prints_every_epoch() {
            Extraction e = extract(spec, """
                    accuracy: 0.50
                    bpb: 2.0
                    accuracy: 0.70
                    bpb: 1.5
                    peak_vram_mb: 100
                    accuracy: 0.93
                    """);

            assertThat(e.metrics()).containsEntry("accuracy", 0.93).containsEntry("bpb", 1.5);
        }

        @Test
        void patterns_are_multiline_so_anchors_match_line_starts_only() {
            Extraction e = extract(spec, "val accuracy: 0.1\naccuracy: 0.8\nbpb: 1\npeak_vram_mb: 1\n");

            assertThat(e.metrics()).containsEntry("accuracy", 0.8);
        }

        @Test
        void a_metric_may_be_keyed_by_its_own_name() {
            SpecFixture byName = spec(Spec.OutputFormat.PATTERN).primary("val_loss").guard("bpb")
                    .pattern("val_loss", "^val_loss: (\\S+)").pattern("bpb", "^bpb: (\\S+)");

            assertThat(extract(byName, "val_loss: 2.5\nbpb: 0.9").metrics())
                    .containsExactly(entry("val_loss", 2.5), entry("bpb", 0.9));
        }

        @Test
        void a_metric_not_found_names_the_metric_and_the_pattern() {
            SpecFixture s = spec(Spec.OutputFormat.PATTERN).primary("val_loss").pattern("primary", "^val_loss:\\s+(\\S+)");

            Extraction e = extract(s, "Traceback (most recent call last):\n  boom\n");

            assertThat(e.metrics()).isEmpty();
            assertThat(e.problems()).containsExactly(
                    "metric 'val_loss': pattern '^val_loss:\\s+(\\S+)' matched nothing in the output");
        }

        @Test
        void a_metric_without_a_pattern_says_which_key_to_add() {
            SpecFixture s = spec(Spec.OutputFormat.PATTERN).primary("acc").constraint("vram")
                    .pattern("primary", "^acc: (\\S+)");

            Extraction e = extract(s, "acc: 1\n");

            assertThat(e.metrics()).containsExactly(entry("acc", 1.0));
            assertThat(e.problems()).singleElement().asString().contains("vram", "evaluate.patterns.vram");
        }

        @Test
        void a_capture_that_is_not_a_number_is_a_problem_quoting_the_text() {
            SpecFixture s = spec(Spec.OutputFormat.PATTERN).primary("acc").pattern("primary", "^acc: (\\S+)");

            Extraction e = extract(s, "acc: high\n");

            assertThat(e.metrics()).isEmpty();
            assertThat(e.problems()).singleElement().asString().contains("'acc'", "'high'", "not a number");
        }

        @Test
        void nan_and_infinities_in_any_case_are_returned_and_also_reported() {
            SpecFixture s = spec(Spec.OutputFormat.PATTERN).primary("a").guard("b").constraint("c")
                    .pattern("primary", "^a=(\\S+)").pattern("quality_guard", "^b=(\\S+)").pattern("c", "^c=(\\S+)");

            Extraction e = extract(s, "a=NaN\nb=-Inf\nc=INFINITY\n");

            assertThat(e.metrics().get("a")).isNaN();
            assertThat(e.metrics()).containsEntry("b", Double.NEGATIVE_INFINITY)
                    .containsEntry("c", Double.POSITIVE_INFINITY);
            assertThat(e.problems()).hasSize(3).anySatisfy(p -> assertThat(p).contains("'a'", "NaN"));
        }

        @Test
        void a_broken_regex_is_a_problem_not_an_exception() {
            SpecFixture s = spec(Spec.OutputFormat.PATTERN).primary("a").pattern("primary", "^a=([0-9");

            assertThat(extract(s, "a=1").problems()).singleElement().asString().contains("not a valid regex");
        }

        @Test
        void a_regex_without_a_group_is_a_problem() {
            SpecFixture s = spec(Spec.OutputFormat.PATTERN).primary("a").pattern("primary", "^a=[0-9]+");

            assertThat(extract(s, "a=1").problems()).singleElement().asString().contains("no capture group");
        }
    }

    @Nested
    class Json {
        final SpecFixture spec = spec(Spec.OutputFormat.JSON).primary("accuracy").guard("eval.loss").constraint("vram");

        @Test
        void reads_the_last_json_object_line_among_other_output() {
            Extraction e = extract(spec, """
                    loading data...
                    {"accuracy": 0.1, "eval": {"loss": 9}, "vram": 1}
                    epoch 2 {not json}
                    {"accuracy": 0.95, "eval": {"loss": 0.3}, "vram": 1200}
                    [1, 2, 3]
                    done.
                    """);

            assertThat(e.metrics()).containsExactly(
                    entry("accuracy", 0.95), entry("eval.loss", 0.3), entry("vram", 1200.0));
            assertThat(e.problems()).isEmpty();
        }

        @Test
        void a_dotted_key_is_taken_literally_before_it_is_taken_as_a_path() {
            Extraction e = extract(spec, "{\"accuracy\": 1, \"eval.loss\": 2, \"eval\": {\"loss\": 3}, \"vram\": 4}");

            assertThat(e.metrics()).containsEntry("eval.loss", 2.0);
        }

        @Test
        void the_json_file_is_read_instead_of_the_output_and_may_span_lines() {
            String file = """
                    {
                      "accuracy": 0.8,
                      "eval": {"loss": NaN},
                      "vram": "12.5"
                    }
                    """;

            Extraction e = MetricExtractor.extract(spec.build(), "{\"accuracy\": 0.1}", Optional.of(file));

            assertThat(e.metrics()).containsEntry("accuracy", 0.8).containsEntry("vram", 12.5);
            assertThat(e.metrics().get("eval.loss")).isNaN();
            assertThat(e.problems()).containsExactly("metric 'eval.loss' is NaN");
        }

        @Test
        void missing_keys_and_non_numbers_are_problems() {
            Extraction e = extract(spec, "{\"accuracy\": true, \"eval\": {}}");

            assertThat(e.metrics()).isEmpty();
            assertThat(e.problems()).containsExactly(
                    "metric 'accuracy': true in the last JSON line of the output is not a number",
                    "metric 'eval.loss': key 'eval.loss' not found in the last JSON line of the output",
                    "metric 'vram': key 'vram' not found in the last JSON line of the output");
        }

        @Test
        void output_without_any_json_object_is_one_problem() {
            assertThat(extract(spec, "Killed\n").problems())
                    .containsExactly("no line of the output is a JSON object (output_format: json)");
        }
    }

    @Nested
    class MetricLines {
        final SpecFixture spec = spec(Spec.OutputFormat.METRIC_LINES).primary("val_bpb").constraint("vram_gb");

        @Test
        void reads_metric_lines_and_the_last_one_per_name_wins() {
            Extraction e = extract(spec, """
                    METRIC val_bpb=1.20
                    some log METRIC val_bpb=0.1 that is not a metric line
                    METRIC vram_gb=30
                      METRIC val_bpb = 0.99
                    """);

            assertThat(e.metrics()).containsExactly(entry("val_bpb", 0.99), entry("vram_gb", 30.0));
            assertThat(e.problems()).isEmpty();
        }

        @Test
        void a_missing_metric_line_says_what_line_was_expected() {
            Extraction e = extract(spec, "METRIC val_bpb=-inf\n");

            assertThat(e.metrics()).containsEntry("val_bpb", Double.NEGATIVE_INFINITY);
            assertThat(e.problems()).containsExactly(
                    "metric 'val_bpb' is infinite (-Infinity)",
                    "metric 'vram_gb': no line 'METRIC vram_gb=<value>' in the output");
        }

        @Test
        void a_non_numeric_value_is_a_problem() {
            assertThat(extract(spec, "METRIC val_bpb=oops\nMETRIC vram_gb=1e3\n").problems())
                    .containsExactly("metric 'val_bpb': 'oops' from line 'METRIC val_bpb=...' is not a number");
        }
    }

    @Test
    void numbers_are_plain_decimals_or_nan_and_inf_words() {
        assertThat(MetricExtractor.parse(" 1.5e-3 ")).hasValue(0.0015);
        assertThat(MetricExtractor.parse("-.5")).hasValue(-0.5);
        assertThat(MetricExtractor.parse("+Infinity")).hasValue(Double.POSITIVE_INFINITY);
        assertThat(MetricExtractor.parse("nAn").getAsDouble()).isNaN();
        assertThat(MetricExtractor.parse("0x1p3")).isEmpty();
        assertThat(MetricExtractor.parse("1.5d")).isEmpty();
        assertThat(MetricExtractor.parse("")).isEmpty();
    }

    @Nested
    class Recorded {
        @Test
        void recorded_metrics_are_parsed_in_every_format_and_a_missing_one_is_no_problem() {
            SpecFixture pattern = spec(Spec.OutputFormat.PATTERN).primary("loss").record("train_iters").record("tokens")
                    .pattern("primary", "^loss:\\s*(\\S+)").pattern("train_iters", "^train_iters:\\s*(\\S+)")
                    .pattern("tokens", "^tokens:\\s*(\\S+)");
            Extraction p = extract(pattern, "train_iters: 28\nloss: 2.5\n");
            assertThat(p.metrics()).containsExactly(entry("loss", 2.5), entry("train_iters", 28.0));
            assertThat(p.clean()).as("a recorded metric is never judged, so its absence is no crash").isTrue();

            Extraction json = extract(spec(Spec.OutputFormat.JSON).primary("loss").record("train_iters").record("tokens"),
                    "{\"loss\": 2.5, \"train_iters\": 272, \"tokens\": \"many\"}");
            assertThat(json.metrics()).containsExactly(entry("loss", 2.5), entry("train_iters", 272.0));
            assertThat(json.clean()).isTrue();

            Extraction lines = extract(spec(Spec.OutputFormat.METRIC_LINES).primary("loss").record("train_iters"),
                    "METRIC loss=2.5\nMETRIC train_iters=nan\n");
            assertThat(lines.metrics()).as("a value that is not finite is left out").containsExactly(entry("loss", 2.5));
            assertThat(lines.clean()).isTrue();
        }

        @Test
        void a_judged_metric_named_again_for_the_record_is_judged_as_before() {
            Extraction e = extract(spec(Spec.OutputFormat.METRIC_LINES).primary("loss").record("loss"), "nothing\n");
            assertThat(e.clean()).isFalse();
        }
    }
}

package dev.helix.adapters.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Evidence;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Noise;
import dev.helix.core.experiment.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LedgerCodecTest {

    static final Instant START = Instant.parse("2024-11-23T08:15:30.123456789Z");
    static final Instant END = Instant.parse("2024-11-23T08:17:31Z");

    /** A fully populated keep: every Optional a keep carries present. */
    static Experiment full() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", 0.9712);
        metrics.put("bpb", 1.0345);
        metrics.put("peak_vram_mb", 39000.0);
        return new Experiment(7, "nov23", 2, "a".repeat(40), "b".repeat(40), Status.KEEP, metrics,
                Optional.of(0.9712), Optional.of(0.0012), Optional.of(0.1237), "raise lr to 3e-4\tfast",
                Optional.of("a higher lr converges faster"), "improved by 0.0012 (> 0)",
                List.of(0.971, 0.9712, 0.9714), START, END, 118.25, Optional.of(0), false,
                ".helix/logs/nov23/7.log", new DiffStat(2, 10, 3),
                Optional.of(new AgentUsage("claude", Optional.of("opus"), Optional.of(12_000_000_000L),
                        Optional.of(800L), Optional.of(0.42), Optional.of(9), 61.5)),
                List.of(), Optional.empty());
    }

    /** A crash with its log tail, which must survive escaping. */
    static Experiment crashWithTail() {
        Experiment f = full();
        return new Experiment(f.run(), f.tag(), f.worker(), f.parent(), f.commit(), Status.CRASH, Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), f.description(), f.hypothesis(), "exit code 1", List.of(0.97),
                START, END, 3.5, Optional.of(1), false, f.log(), f.diff(), f.agent(), List.of(),
                Optional.of("line 1\nline \"2\"\n"), 1);
    }

    /** A proposal rejected for the files it changed. */
    static Experiment rejected() {
        Experiment f = full();
        return new Experiment(f.run(), f.tag(), f.worker(), f.parent(), "", Status.REJECTED, Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), f.description(), f.hypothesis(), "changed files out of scope",
                List.of(), START, END, 0, Optional.empty(), false, "", DiffStat.NONE, f.agent(),
                List.of("train.py", "src/ü nicode.java"), Optional.empty());
    }

    /** A crash rejected before any commit: every Optional empty. */
    static Experiment sparse() {
        return new Experiment(3, "nov23-2", 0, "c".repeat(40), "", Status.CRASH, Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), "", Optional.empty(), "exit code 1", List.of(), START, END,
                0.0, Optional.empty(), true, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
    }

    @Test
    void aFullRecordSurvivesTheRoundTrip() {
        Experiment e = full();
        String line = LedgerCodec.encode(e);
        assertThat(line).doesNotContain("\n").doesNotContain("\r");
        assertThat(LedgerCodec.decode(line)).isEqualTo(e);
        for (Experiment other : List.of(crashWithTail(), rejected())) {
            assertThat(LedgerCodec.decode(LedgerCodec.encode(other))).isEqualTo(other);
        }
        assertThat(LedgerCodec.encode(crashWithTail())).contains("\"log_tail\":\"line 1\\nline \\\"2\\\"\\n\"");
        assertThat(LedgerCodec.encode(rejected())).contains("\"paths\":[\"train.py\",\"src/ü nicode.java\"]");
    }

    /** A statistical keep: samples on both sides, the judge's evidence; and a baseline with its noise. */
    @Test
    void cachedInputTokensAreWrittenOnlyWhereReportedAndReadBack() {
        String plain = LedgerCodec.encode(full());
        assertThat(plain).doesNotContain("tokens_cached");
        String cached = plain.replace("\"cost_usd\"", "\"tokens_cached\":5000,\"cost_usd\"");
        Experiment e = LedgerCodec.decode(cached);
        assertThat(e.agent().orElseThrow().tokensCached()).contains(5000L);
        assertThat(LedgerCodec.encode(e)).isEqualTo(cached);
        assertThat(plain).doesNotContain("tokens_cache_written");
        String written = plain.replace("\"cost_usd\"", "\"tokens_cached\":5000,\"tokens_cache_written\":700,\"cost_usd\"");
        Experiment w = LedgerCodec.decode(written);
        assertThat(w.agent().orElseThrow().tokensCacheWritten()).contains(700L);
        assertThat(LedgerCodec.encode(w)).isEqualTo(written);
    }

    @Test
    void aSignedLineDecodesToTheSameRecordAndItsMacChecksOnlyUnderItsKey() {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (Experiment e : List.of(full(), crashWithTail(), rejected(), sparse())) {
            String first = LedgerSigner.sign(key, LedgerCodec.encode(e), "");
            String second = LedgerSigner.sign(key, LedgerCodec.encode(e), LedgerSigner.macOf(first));
            assertThat(LedgerCodec.decode(first)).isEqualTo(e);
            assertThat(LedgerCodec.decode(second)).isEqualTo(e);
            LedgerSigner.Verdict v = new LedgerSigner(java.util.Optional.of(key)).verify(second);
            assertThat(v.kind()).isEqualTo(LedgerSigner.Kind.GENUINE);
            assertThat(v.prev()).isEqualTo(LedgerSigner.macOf(first)).hasSize(64);
            byte[] other = key.clone();
            other[0] ^= 1;
            assertThat(new LedgerSigner(java.util.Optional.of(other)).verify(second).kind()).isEqualTo(LedgerSigner.Kind.FORGED);
            assertThat(new LedgerSigner(java.util.Optional.empty()).verify(second).kind()).isEqualTo(LedgerSigner.Kind.UNCHECKED);
            assertThat(new LedgerSigner(java.util.Optional.of(key)).verify(LedgerCodec.encode(e)).kind())
                    .isEqualTo(LedgerSigner.Kind.LEGACY);
        }
    }

    @Test
    void theStatisticalJudgesEvidenceAndTheNoiseSurviveTheRoundTrip() throws Exception {
        Experiment f = full();
        Experiment stat = new Experiment(f.run(), f.tag(), f.worker(), f.parent(), f.commit(), f.status(), f.metrics(),
                f.primary(), f.delta(), f.deltaPct(), f.description(), f.hypothesis(), f.reason(), f.samples(),
                f.startedAt(), f.finishedAt(), f.evalSeconds(), f.exitCode(), f.timedOut(), f.log(), f.diff(), f.agent(),
                f.paths(), f.logTail(), 0, List.of(0.9701, 0.9699),
                Optional.of(new Evidence(0.0012, 0.0004, 0.002, 0.003, 0.0136, 3, 8, 0.97, 0.0004, 12, 5, "a".repeat(40))),
                Optional.empty());
        Experiment baseline = new Experiment(0, f.tag(), f.worker(), f.commit(), f.commit(), Status.BASELINE, f.metrics(),
                f.primary(), Optional.empty(), Optional.empty(), "baseline", Optional.empty(), "the unchanged code",
                f.samples(), f.startedAt(), f.finishedAt(), f.evalSeconds(), f.exitCode(), f.timedOut(), f.log(),
                DiffStat.NONE, Optional.empty(), List.of(), Optional.empty(), 0, List.of(), Optional.empty(),
                Optional.of(new Noise(0.00041, 3, Noise.STATISTICAL)));
        String line = LedgerCodec.encode(stat);
        String baselineLine = LedgerCodec.encode(baseline);
        assertThat(LedgerCodec.decode(line)).isEqualTo(stat);
        assertThat(LedgerCodec.decode(baselineLine)).isEqualTo(baseline);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("stats").get("p_value").doubleValue()).isEqualTo(0.003);
        assertThat(new ObjectMapper().readTree(baselineLine).get("noise").get("mode").textValue()).isEqualTo("statistical");
        assertThat(json.get("incumbent_samples").toString()).isEqualTo("[0.9701,0.9699]");
        assertThat(stat.evaluations()).isEqualTo(5);
    }

    @Test
    void aRecordFromBeforeTheStatisticalJudgeReadsWithoutStatistics() {
        String old = LedgerCodec.encode(full()).replaceAll(",\"incumbent_samples\".*}$", "}");
        assertThat(old).endsWith("\"attempt\":0}");
        Experiment e = LedgerCodec.decode(old);
        assertThat(e.incumbentSamples()).isEmpty();
        assertThat(e.evidence()).isEmpty();
        assertThat(e.noise()).isEmpty();
        assertThat(e.evaluations()).isEqualTo(3);
    }

    @Test
    void emptyOptionalsAreWrittenAsNullAndReadBackEmpty() throws Exception {
        Experiment e = sparse();
        String line = LedgerCodec.encode(e);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("primary").isNull()).isTrue();
        assertThat(json.get("hypothesis").isNull()).isTrue();
        assertThat(json.get("exit_code").isNull()).isTrue();
        assertThat(json.get("agent").isNull()).isTrue();
        assertThat(json.get("log_tail").isNull()).isTrue();
        assertThat(LedgerCodec.decode(line)).isEqualTo(e);
    }

    @Test
    void fieldsAreSnakeCaseInTheDocumentedOrder() throws Exception {
        JsonNode json = new ObjectMapper().readTree(LedgerCodec.encode(full()));
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("run", "tag", "worker", "parent", "commit", "status", "metrics",
                "primary", "delta", "delta_pct", "description", "hypothesis", "reason", "samples", "started_at",
                "finished_at", "eval_seconds", "exit_code", "timed_out", "log", "diff", "agent", "paths", "log_tail", "attempt",
                "incumbent_samples", "stats", "noise");
        assertThat(json.get("status").textValue()).isEqualTo("keep");
        assertThat(json.get("started_at").textValue()).isEqualTo("2024-11-23T08:15:30.123456789Z");
        assertThat(json.get("diff").toString()).isEqualTo("{\"files\":2,\"added\":10,\"removed\":3}");
        List<String> agent = new ArrayList<>();
        json.get("agent").fieldNames().forEachRemaining(agent::add);
        assertThat(agent).containsExactly("backend", "model", "tokens_in", "tokens_out", "cost_usd", "turns", "seconds");
        assertThat(json.get("metrics").toString())
                .isEqualTo("{\"accuracy\":0.9712,\"bpb\":1.0345,\"peak_vram_mb\":39000.0}");
    }

    @Test
    void nonFiniteNumbersAreWrittenAsStringsAndSurviveTheRoundTrip() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", Double.NaN);
        metrics.put("ppl", Double.POSITIVE_INFINITY);
        metrics.put("gain", Double.NEGATIVE_INFINITY);
        metrics.put("zero", -0.0);
        Experiment base = full();
        Experiment e = new Experiment(base.run(), base.tag(), base.worker(), base.parent(), base.commit(),
                Status.DISCARD, metrics, Optional.of(Double.NaN), Optional.of(Double.POSITIVE_INFINITY),
                Optional.of(Double.NEGATIVE_INFINITY), base.description(), base.hypothesis(), base.reason(),
                List.of(Double.NaN, 1.0), base.startedAt(), base.finishedAt(), Double.NaN, base.exitCode(),
                base.timedOut(), base.log(), base.diff(), base.agent(), base.paths(), base.logTail());

        String line = LedgerCodec.encode(e);

        assertThat(line).contains("\"loss\":\"NaN\"", "\"ppl\":\"Infinity\"", "\"gain\":\"-Infinity\"",
                "\"samples\":[\"NaN\",1.0]");
        assertThat(LedgerCodec.decode(line)).isEqualTo(e);
    }

    @Test
    void bareNaNTokensAsPythonWritesThemAreAccepted() {
        String line = LedgerCodec.encode(sparse()).replace("\"metrics\":{}", "\"metrics\":{\"loss\":NaN,\"x\":-Infinity}");
        assertThat(LedgerCodec.decode(line).metrics())
                .containsEntry("loss", Double.NaN).containsEntry("x", Double.NEGATIVE_INFINITY);
    }

    @Test
    void unknownFieldsAreIgnoredForForwardCompatibility() {
        String line = LedgerCodec.encode(full()).replaceFirst("^\\{", "{\"from_the_future\":{\"a\":[1,2]},");
        assertThat(LedgerCodec.decode(line)).isEqualTo(full());
    }

    @Test
    void missingOptionalFieldsTakeTheirEmptyValues() {
        Experiment e = LedgerCodec.decode("{\"run\":0,\"tag\":\"nov23\",\"status\":\"baseline\","
                + "\"started_at\":\"2024-11-23T08:15:30Z\",\"finished_at\":\"2024-11-23T08:16:00Z\"}");
        assertThat(e.run()).isZero();
        assertThat(e.status()).isEqualTo(Status.BASELINE);
        assertThat(e.commit()).isEmpty();
        assertThat(e.metrics()).isEmpty();
        assertThat(e.primary()).isEmpty();
        assertThat(e.samples()).isEmpty();
        assertThat(e.exitCode()).isEmpty();
        assertThat(e.diff()).isEqualTo(DiffStat.NONE);
        assertThat(e.agent()).isEmpty();
        assertThat(e.paths()).isEmpty();
        assertThat(e.logTail()).isEmpty();
    }

    @Test
    void malformedInputIsRejectedWithAMessageSayingWhy() {
        assertThatThrownBy(() -> LedgerCodec.decode(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> LedgerCodec.decode("{\"run\":1,\"tag\":\"nov"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> LedgerCodec.decode("[1,2]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected a JSON object");
        String good = LedgerCodec.encode(sparse());
        // A torn record followed by a whole one must not pass as one record.
        assertThatThrownBy(() -> LedgerCodec.decode(good + good))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> LedgerCodec.decode(good.replace("\"run\":3,", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'run' is missing");
        assertThatThrownBy(() -> LedgerCodec.decode(good.replace("\"run\":3", "\"run\":\"three\"")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'run' must be a whole number");
        assertThatThrownBy(() -> LedgerCodec.decode(good.replace("\"crash\"", "\"exploded\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'status' must be one of baseline, keep, discard");
        assertThatThrownBy(() -> LedgerCodec.decode(good.replace("\"metrics\":{}", "\"metrics\":{\"acc\":\"high\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'metrics.acc' must be a number");
        assertThatThrownBy(() -> LedgerCodec.decode(good.replace("2024-11-23T08:17:31Z", "yesterday")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'finished_at' must be an ISO-8601");
    }

    @Test
    void aRecordThatCouldNotBeReadBackIsNotWritten() {
        Experiment s = sparse();
        Experiment noTag = new Experiment(s.run(), null, s.worker(), s.parent(), s.commit(), s.status(), s.metrics(),
                s.primary(), s.delta(), s.deltaPct(), s.description(), s.hypothesis(), s.reason(), s.samples(),
                s.startedAt(), s.finishedAt(), s.evalSeconds(), s.exitCode(), s.timedOut(), s.log(), s.diff(),
                s.agent(), s.paths(), s.logTail());
        assertThatThrownBy(() -> LedgerCodec.encode(noTag))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag");
    }

    /**
     * Real ledger lines of every status, as sessions, helix record and helix verify write them
     * (statistical keeps and crashes with evidence, a rebased re-evaluation, fix-ups, interrupted
     * evaluations with a log tail): each reads back into the outcome of its status and is written
     * again byte for byte.
     */
    @Test
    void everyKindOfLineAHelixWritesIsWrittenAgainByteForByte() throws Exception {
        List<String> lines;
        try (var in = LedgerCodecTest.class.getResourceAsStream("/ledger/every-status.jsonl")) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        }
        java.util.Set<Status> seen = java.util.EnumSet.noneOf(Status.class);
        for (String line : lines) {
            Experiment e = LedgerCodec.decode(line);
            seen.add(e.status());
            assertThat(e.outcome().status()).isEqualTo(e.status());
            assertThat(LedgerCodec.encode(e)).as("status %s", e.status()).isEqualTo(line);
        }
        assertThat(seen).containsExactlyInAnyOrder(Status.values());
    }

    @Test
    void aTunersParameterValuesSurviveTheRoundTripAndOlderRecordsHaveNone() throws Exception {
        Experiment tuned = full().withParameters(java.util.Map.of("lr", "3.1e-3", "opt", "adam"));
        String line = LedgerCodec.encode(tuned);
        assertThat(new ObjectMapper().readTree(line).get("parameters").get("lr").textValue()).isEqualTo("3.1e-3");
        assertThat(LedgerCodec.decode(line)).isEqualTo(tuned);
        // a record without values (another proposer, or written before they were kept) has no field and reads back empty
        assertThat(LedgerCodec.encode(full())).doesNotContain("\"parameters\"");
        assertThat(LedgerCodec.decode(LedgerCodec.encode(full())).parameters()).isEmpty();
        String wrong = line.replace("\"lr\":\"3.1e-3\"", "\"lr\":0.0031");
        assertThatThrownBy(() -> LedgerCodec.decode(wrong)).hasMessageContaining("parameters.lr").hasMessageContaining("string");
    }

    @Test
    void theHoldoutIsWrittenBesideThePrimaryAndReadBack() throws Exception {
        Experiment kept = full().withHoldout(Optional.of(dev.helix.core.experiment.HoldoutReading.of(List.of(0.5, 0.7))));
        String line = LedgerCodec.encode(kept);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.at("/holdout/value").asDouble()).isEqualTo(0.6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(json.at("/holdout/samples").size()).isEqualTo(2);
        assertThat(LedgerCodec.decode(line)).isEqualTo(kept);

        Experiment failed = full().withHoldout(Optional.of(dev.helix.core.experiment.HoldoutReading.failed("timed out after 9s")));
        assertThat(LedgerCodec.decode(LedgerCodec.encode(failed))).isEqualTo(failed);
        assertThat(new ObjectMapper().readTree(LedgerCodec.encode(failed)).at("/holdout/value").isNull()).isTrue();
    }

    @Test
    void aLedgerWrittenBeforeTheHoldoutReadsWithoutOneAndARecordWithoutOneWritesNoField() {
        String line = LedgerCodec.encode(full());
        assertThat(line).doesNotContain("holdout");
        assertThat(LedgerCodec.decode(line).holdout()).isEmpty();
        assertThat(LedgerCodec.decode(line)).isEqualTo(full());
    }

    @Test
    void aMistypedHoldoutNamesTheField() {
        String line = LedgerCodec.encode(full()).replaceFirst("}$", ",\"holdout\":{\"samples\":\"x\"}}");
        assertThatThrownBy(() -> LedgerCodec.decode(line)).hasMessageContaining("holdout.samples");
    }
}

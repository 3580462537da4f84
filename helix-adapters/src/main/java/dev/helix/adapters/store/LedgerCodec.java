package dev.helix.adapters.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Evidence;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Noise;
import dev.helix.core.experiment.Status;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One ledger record as one line of JSON, and back.
 *
 * <p>Field names are snake_case as in DESIGN.md ("The ledger"). Every field is always written, in
 * the documented order; an empty Optional is written as {@code null} (so a reader with {@code jq}
 * sees the same keys on every line). JSON has no NaN or infinities, so non-finite numbers are
 * written as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 *
 * <p>Decoding is tolerant where that is safe: unknown fields are ignored (a newer Helix may add
 * some), a missing or null non-essential field takes its empty value, and bare {@code NaN} /
 * {@code Infinity} tokens (as Python's json module writes them) are accepted. Only {@code run},
 * {@code tag}, {@code status}, {@code started_at} and {@code finished_at} are required: without
 * them a record means nothing. Records written before {@code incumbent_samples}, {@code stats}
 * and {@code noise} existed decode with those empty. A line is laid out flat; its status chooses
 * the record's {@link dev.helix.core.experiment.Outcome}, and a value that status never carries
 * (a log tail on a keep, say, which no Helix writes) is not kept.
 */
public final class LedgerCodec {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // Two records glued together (a torn line followed by a new one) must not pass as one.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private LedgerCodec() {}

    /** The record as one line of JSON, without a line terminator. */
    public static String encode(Experiment e) {
        // Refuse to write what decode would refuse to read: a ledger line must never be unreadable.
        require(e.tag() != null, "tag");
        require(e.status() != null, "status");
        require(e.startedAt() != null, "started_at");
        require(e.finishedAt() != null, "finished_at");

        ObjectNode o = NODES.objectNode();
        o.put("run", e.run());
        o.put("tag", e.tag());
        o.put("worker", e.worker());
        o.put("parent", e.parent());
        o.put("commit", e.commit());
        o.put("status", e.status().word());
        ObjectNode metrics = o.putObject("metrics");
        e.metrics().forEach((name, value) -> {
            if (value == null) {
                throw new IllegalArgumentException("cannot encode experiment " + e.tag() + "#" + e.run()
                        + ": metric '" + name + "' has no value");
            }
            metrics.set(name, number(value));
        });
        o.set("primary", number(e.primary()));
        o.set("delta", number(e.delta()));
        o.set("delta_pct", number(e.deltaPct()));
        o.put("description", e.description());
        o.put("hypothesis", orNull(e.hypothesis()));
        o.put("reason", e.reason());
        ArrayNode samples = o.putArray("samples");
        e.samples().forEach(s -> samples.add(number(s)));
        o.put("started_at", e.startedAt().toString());
        o.put("finished_at", e.finishedAt().toString());
        o.set("eval_seconds", number(e.evalSeconds()));
        o.set("exit_code", e.exitCode() == null || e.exitCode().isEmpty()
                ? NODES.nullNode() : NODES.numberNode(e.exitCode().get()));
        o.put("timed_out", e.timedOut());
        o.put("log", e.log());
        DiffStat d = e.diff() == null ? DiffStat.NONE : e.diff();
        ObjectNode diff = o.putObject("diff");
        diff.put("files", d.files());
        diff.put("added", d.added());
        diff.put("removed", d.removed());
        if (e.agent() == null || e.agent().isEmpty()) {
            o.putNull("agent");
        } else {
            AgentUsage a = e.agent().get();
            ObjectNode agent = o.putObject("agent");
            agent.put("backend", a.backend());
            agent.put("model", orNull(a.model()));
            agent.set("tokens_in", a.tokensIn() == null || a.tokensIn().isEmpty()
                    ? NODES.nullNode() : NODES.numberNode(a.tokensIn().get()));
            agent.set("tokens_out", a.tokensOut() == null || a.tokensOut().isEmpty()
                    ? NODES.nullNode() : NODES.numberNode(a.tokensOut().get()));
            a.tokensCached().ifPresent(c -> agent.put("tokens_cached", c)); // only where reported: older rows stay as they were
            a.tokensCacheWritten().ifPresent(c -> agent.put("tokens_cache_written", c));
            agent.set("cost_usd", number(a.costUsd()));
            agent.set("turns", a.turns() == null || a.turns().isEmpty()
                    ? NODES.nullNode() : NODES.numberNode(a.turns().get()));
            agent.set("seconds", number(a.seconds()));
        }
        ArrayNode paths = o.putArray("paths");
        e.paths().forEach(paths::add);
        o.put("log_tail", orNull(e.logTail()));
        o.put("attempt", e.attempt());
        // Only in sessions that use them, so a one-worker ledger stays as it was.
        if (e.slot() != null) e.slot().ifPresent(v -> o.put("slot", v));
        if (e.direction() != null) e.direction().ifPresent(v -> o.put("direction", v));
        if (e.rebasedFrom() != null) e.rebasedFrom().ifPresent(v -> o.put("rebased_from", v));
        // Only a tuner's records carry parameter values; older readers ignore the field.
        if (e.parameters() != null && !e.parameters().isEmpty()) {
            ObjectNode parameters = o.putObject("parameters");
            e.parameters().forEach(parameters::put);
        }
        // Only the baseline and keeps of a session with evaluate.holdout carry it; older readers ignore the field.
        if (e.holdout() != null) e.holdout().ifPresent(h -> {
            ObjectNode holdout = o.putObject("holdout");
            holdout.set("value", number(h.value()));
            ArrayNode values = holdout.putArray("samples");
            h.samples().forEach(v -> values.add(number(v)));
            h.failure().ifPresent(w -> holdout.put("failure", w));
        });
        ArrayNode incumbent = o.putArray("incumbent_samples");
        e.incumbentSamples().forEach(v -> incumbent.add(number(v)));
        if (e.evidence() == null || e.evidence().isEmpty()) {
            o.putNull("stats");
        } else {
            Evidence v = e.evidence().get();
            ObjectNode stats = o.putObject("stats");
            stats.set("effect", number(v.effect()));
            stats.set("ci_low", number(v.ciLow()));
            stats.set("ci_high", number(v.ciHigh()));
            stats.set("p_value", number(v.pValue()));
            stats.set("alpha", number(v.alpha()));
            stats.put("n", v.n());
            stats.put("incumbent_n", v.incumbentN());
            stats.set("incumbent_mean", number(v.incumbentMean()));
            stats.set("sd", number(v.sd()));
            stats.put("df", v.df());
            stats.put("evaluations", v.evaluations());
            stats.put("incumbent", v.incumbent());
        }
        if (e.noise() == null || e.noise().isEmpty()) {
            o.putNull("noise");
        } else {
            Noise nz = e.noise().get();
            ObjectNode noise = o.putObject("noise");
            noise.set("sd", number(nz.sd()));
            noise.put("n", nz.n());
            noise.put("mode", nz.mode());
        }
        try {
            // Jackson escapes control characters inside strings, so the result has no raw newline.
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot encode experiment " + e.tag() + "#" + e.run(), ex);
        }
    }

    /**
     * The record a line holds.
     *
     * @throws IllegalArgumentException when the line is not JSON, not an object, or lacks or
     *                                  mistypes a field; the message says which and why
     */
    public static Experiment decode(String line) {
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("not a ledger record: the line is empty");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(line);
        } catch (JacksonException ex) {
            String where = ex.getLocation() == null ? "" : " at column " + ex.getLocation().getColumnNr();
            throw new IllegalArgumentException("not a ledger record: malformed JSON" + where + " ("
                    + firstLine(ex.getOriginalMessage()) + ")", ex);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a ledger record: expected a JSON object, got "
                    + (root == null ? "nothing" : root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        LedgerFields f = new LedgerFields(root, "");
        String statusWord = f.requiredString("status");
        Status status;
        try {
            status = Status.parse(statusWord);
        } catch (IllegalArgumentException ex) {
            throw f.error("status", "must be one of "
                    + Arrays.stream(Status.values()).map(Status::word).collect(Collectors.joining(", "))
                    + ", got \"" + statusWord + "\"");
        }
        return new Experiment(
                f.requiredInt("run"),
                f.requiredString("tag"),
                f.optionalInt("worker").orElse(0),
                f.string("parent"),
                f.string("commit"),
                status,
                f.metrics("metrics"),
                f.optionalDouble("primary"),
                f.optionalDouble("delta"),
                f.optionalDouble("delta_pct"),
                f.string("description"),
                f.optionalString("hypothesis"),
                f.string("reason"),
                f.doubles("samples"),
                f.instant("started_at"),
                f.instant("finished_at"),
                f.optionalDouble("eval_seconds").orElse(0.0),
                f.optionalInt("exit_code"),
                f.bool("timed_out"),
                f.string("log"),
                f.diff("diff"),
                f.agent("agent"),
                f.strings("paths"),
                f.optionalString("log_tail"),
                f.optionalInt("attempt").orElse(0),
                f.doubles("incumbent_samples"),
                f.evidence("stats"),
                f.noise("noise"),
                f.optionalString("slot"),
                f.optionalString("direction"),
                f.optionalString("rebased_from"))
                .withParameters(f.texts("parameters"))
                .withHoldout(f.holdout("holdout"));
    }

    private static void require(boolean ok, String field) {
        if (!ok) {
            throw new IllegalArgumentException("cannot encode an experiment without " + field);
        }
    }

    private static String orNull(Optional<String> s) {
        return s == null ? null : s.orElse(null);
    }

    private static JsonNode number(Optional<Double> d) {
        return d == null || d.isEmpty() ? NODES.nullNode() : number(d.get());
    }

    private static JsonNode number(double d) {
        if (Double.isNaN(d)) {
            return NODES.textNode("NaN");
        }
        if (Double.isInfinite(d)) {
            return NODES.textNode(d > 0 ? "Infinity" : "-Infinity");
        }
        return NODES.numberNode(d);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

package dev.helix.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The table of helix.yaml's keys: the reader reads exactly its keys, with its defaults, in its order. */
class SpecSchemaTest {

    private static Map<String, Object> minimal() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", "demo");
        root.put("domain", "AI/ML");
        root.put("description", "Lower the loss.");
        root.put("scope", new LinkedHashMap<>(Map.of("editable", List.of("train.py"))));
        root.put("metrics", new LinkedHashMap<>(Map.of("primary", Map.of("name", "val_loss"))));
        root.put("evaluate", new LinkedHashMap<>(Map.of("command", "python train.py")));
        return root;
    }

    /** Puts {@code value} at a table path, choosing "x" for * and one item for []. */
    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> root, String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> m = root;
        for (int i = 0; i < parts.length - 1; i++) {
            String part = parts[i].equals("*") ? "x" : parts[i];
            if (part.endsWith("[]")) {
                String key = part.substring(0, part.length() - 2);
                Map<String, Object> item = new LinkedHashMap<>();
                m.put(key, new ArrayList<>(List.of(item)));
                m = item;
            } else {
                Object next = m.get(part);
                Map<String, Object> copy = next instanceof Map<?, ?> map ? new LinkedHashMap<>((Map<String, Object>) map) : new LinkedHashMap<>();
                m.put(part, copy);
                m = copy;
            }
        }
        String last = parts[parts.length - 1];
        m.put(last.equals("*") ? "x" : last, value);
    }

    private static List<Problem> problems(Map<String, Object> root) {
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecReader.read(root, "helix.yaml", p -> 0, HelixNames.KNOWN));
        return e == null ? List.of() : e.problems();
    }

    @Test
    void theReaderKnowsEveryKeyOfTheTable() {
        for (SpecKey k : SpecSchema.KEYS) {
            if (k.isSection()) continue;
            Map<String, Object> root = minimal();
            put(root, k.path(), "x");
            assertThat(problems(root)).as(k.path()).noneMatch(p -> p.message().startsWith("unknown key"));
            for (String other : k.accepted()) {
                Map<String, Object> again = minimal();
                put(again, other.contains(".") ? other : k.section() + "." + other, "x");
                assertThat(problems(again)).as(other).noneMatch(p -> p.message().startsWith("unknown key"));
            }
        }
    }

    @Test
    void theReaderKnowsNoKeyOutsideTheTable() {
        for (SpecKey k : SpecSchema.KEYS) {
            if (k.type() != SpecKey.Type.SECTION) continue;
            Map<String, Object> root = minimal();
            put(root, k.path() + ".not_a_key", "x");
            assertThat(problems(root)).as(k.path()).anyMatch(p -> p.message().startsWith("unknown key 'not_a_key'"));
        }
    }

    @Test
    void eachSectionListsItsKeysInTheOrderMessagesAlwaysHad() {
        assertThat(SpecSchema.keysIn("")).containsExactly("name", "version", "domain", "description", "author",
                "scope", "metrics", "evaluate", "judge", "agent", "search", "run", "requirements");
        assertThat(SpecSchema.keysIn("scope")).containsExactly("editable", "readonly", "hidden", "stray_files");
        assertThat(SpecSchema.keysIn("metrics")).containsExactly("primary", "quality_guard", "constraints", "record");
        assertThat(SpecSchema.keysIn("metrics.primary")).containsExactly("name", "optimize");
        assertThat(SpecSchema.keysIn("metrics.quality_guard")).containsExactly("name", "optimize", "max_degradation");
        assertThat(SpecSchema.keysIn("metrics.constraints[]")).containsExactly("name", "max", "min");
        assertThat(SpecSchema.keysIn("evaluate")).containsExactly("command", "setup", "timeout_seconds", "output_format",
                "patterns", "json_file", "metric_command", "metric_source", "env_passthrough", "holdout", "checks",
                "checks_timeout_seconds", "repeats");
        assertThat(SpecSchema.keysIn("evaluate.holdout")).containsExactly("command", "from_dir", "from_ref", "timeout_seconds", "repeats");
        assertThat(SpecSchema.keysIn("judge")).containsExactly("mode", "min_improvement", "confidence", "simplicity",
                "max_repeats", "remeasure_every");
        assertThat(SpecSchema.keysIn("agent")).containsExactly("backend", "model", "max_turns", "max_fix_attempts",
                "command", "timeout_seconds", "base_url", "api_key_env", "prompt_chars", "history_rows", "max_tokens", "extra_args", "instructions", "mix", "price");
        assertThat(SpecSchema.keysIn("agent.price")).containsExactly("input_per_mtok", "output_per_mtok", "cached_input_per_mtok");
        assertThat(SpecSchema.keysIn("search")).containsExactly("parameters", "seed", "initial_random");
        assertThat(SpecSchema.keysIn("search.parameters.*")).containsExactly("file", "pattern", "type", "range", "log",
                "values", "choices");
        assertThat(SpecSchema.keysIn("run")).containsExactly("tag", "workers", "executor", "slots", "isolation", "sandbox", "fingerprint", "slurm", "on_stale", "directions", "secrets",
                "max_failures", "max_outage_seconds");
        assertThat(SpecSchema.keysIn("run.slurm")).containsExactly("partition", "cpus", "mem", "gres", "extra_args");
    }

    @Test
    void theWordsThatGetADidYouMeanAreTheOnesTheyAlwaysWere() {
        assertThat(SpecSchema.suggestions()).isEqualTo(Map.ofEntries(
                Map.entry("direction", "optimize"), Map.entry("goal", "optimize"), Map.entry("objective", "optimize"),
                Map.entry("cmd", "command"), Map.entry("run", "command"), Map.entry("timeout", "timeout_seconds"),
                Map.entry("files", "editable"), Map.entry("mutable", "editable"), Map.entry("modifiable", "editable"),
                Map.entry("frozen", "readonly"), Map.entry("read_only", "readonly"), Map.entry("guard", "quality_guard"),
                Map.entry("format", "output_format"), Map.entry("regex", "pattern"), Map.entry("bounds", "range"),
                Map.entry("provider", "backend"), Map.entry("proposer", "backend"), Map.entry("params", "parameters"),
                Map.entry("gpus", "slots"), Map.entry("threshold", "min_improvement")));
    }

    @Test
    void theDefaultsOfTheTableAreTheReadersDefaults() {
        Spec s = SpecReader.read(minimal(), "helix.yaml", p -> 0, HelixNames.KNOWN);
        Map<String, Object> rich = minimal();
        put(rich, "metrics.quality_guard.name", "val_bpb");
        put(rich, "metrics.quality_guard.optimize", "minimize");
        put(rich, "search.parameters.lr.file", "train.py");
        put(rich, "search.parameters.lr.pattern", "LR = (.*)");
        put(rich, "search.parameters.lr.range", List.of(0.1, 1));
        Spec r = SpecReader.read(rich, "helix.yaml", p -> 0, HelixNames.KNOWN);
        Map<String, Function<Spec, Object>> read = new LinkedHashMap<>();
        read.put("version", Spec::version);
        read.put("scope.readonly", x -> x.scope().readonly());
        read.put("scope.hidden", x -> x.evaluate().holdout().map(dev.helix.core.spec.Holdout::hidden).orElse(List.of()));
        read.put("scope.stray_files", x -> x.scope().strayFiles().word());
        read.put("metrics.constraints", x -> x.metrics().constraints());
        read.put("metrics.record", x -> x.metrics().record());
        read.put("evaluate.timeout_seconds", x -> x.evaluate().timeoutSeconds());
        read.put("evaluate.output_format", x -> x.evaluate().outputFormat().name().toLowerCase());
        read.put("evaluate.metric_source", x -> x.evaluate().metricSource().name().toLowerCase());
        read.put("judge.mode", x -> x.judge().mode().name().toLowerCase());
        read.put("judge.min_improvement", x -> x.judge().minImprovement().value() == 0 ? "0" : "?");
        read.put("judge.confidence", x -> x.judge().confidence());
        read.put("judge.simplicity", x -> x.judge().simplicity());
        read.put("judge.max_repeats", x -> x.judge().maxRepeats());
        read.put("judge.remeasure_every", x -> x.judge().remeasureEvery());
        read.put("agent.max_turns", x -> x.agent().maxTurns());
        read.put("agent.max_fix_attempts", x -> x.agent().maxFixAttempts());
        read.put("agent.timeout_seconds", x -> x.agent().timeoutSeconds());
        read.put("agent.prompt_chars", x -> x.agent().promptChars());
        read.put("agent.history_rows", x -> x.agent().historyRows());
        read.put("agent.max_tokens", x -> x.agent().maxTokens());
        read.put("agent.extra_args", x -> x.agent().extraArgs());
        read.put("agent.instructions", x -> x.agent().instructions());
        read.put("search.parameters", x -> x.search().parameters().isEmpty() ? "{}" : "?");
        read.put("search.seed", x -> x.search().seed());
        read.put("run.workers", x -> x.run().workers());
        read.put("run.executor", x -> x.run().executor());
        read.put("run.slots", x -> x.run().slots());
        read.put("run.slurm.extra_args", x -> x.run().slurm().extraArgs());
        read.put("run.on_stale", x -> x.run().onStale().word());
        read.put("run.directions", x -> x.run().directions());
        read.put("run.secrets", x -> x.run().secrets());
        read.put("run.isolation", x -> x.run().isolation().word());
        read.put("run.sandbox", x -> x.run().sandbox().word());
        read.put("run.fingerprint", x -> x.run().fingerprint());
        read.put("run.max_failures", x -> x.run().maxFailures());
        read.put("run.max_outage_seconds", x -> x.run().maxOutageSeconds());
        read.put("evaluate.env_passthrough", x -> x.evaluate().envPassthrough());
        read.put("requirements", x -> x.requirements().isEmpty() ? "{}" : "?");
        read.put("metrics.quality_guard.max_degradation", x -> SpecSchemaTest.num(r.metrics().qualityGuard().orElseThrow().maxDegradation()));
        read.put("search.parameters.*.log", x -> r.search().parameters().get(0).log());
        Set<String> plain = new HashSet<>();
        for (SpecKey k : SpecSchema.KEYS) {
            if (k.dflt().isEmpty() || k.dflt().contains(" ")) continue; // required, absent, or explained in words
            plain.add(k.path());
            assertThat(read).as("a check of the default of " + k.path()).containsKey(k.path());
            assertThat(String.valueOf(read.get(k.path()).apply(s))).as(k.path()).isEqualTo(k.dflt());
        }
        assertThat(s.agent().backend()).isEqualTo("claude");
        assertThat(r.agent().backend()).isEqualTo("tune");
        assertThat(s.evaluate().repeats()).isEqualTo(3);
        assertThat(s.search().initialRandom()).isEqualTo(3);
        assertThat(s.run().slurm().cpus()).isZero();
        assertThat(plain).hasSizeGreaterThan(20);
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    @Test
    void everyPathOfAFileFindsItsKey() {
        assertThat(SpecSchema.find("metrics.constraints[2].max")).map(SpecKey::path).contains("metrics.constraints[].max");
        assertThat(SpecSchema.find("search.parameters.lr.range")).map(SpecKey::path).contains("search.parameters.*.range");
        assertThat(SpecSchema.find("evaluate.patterns.primary")).map(SpecKey::path).contains("evaluate.patterns.*");
        assertThat(SpecSchema.find("evaluate.nothing")).isEmpty();
    }
}

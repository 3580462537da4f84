package dev.helix.core.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.spec.Spec.ParamType;
import dev.helix.core.spec.Spec.Parameter;
import dev.helix.core.spec.Spec.SearchSpec;
import dev.helix.core.tune.Tuner.Suggestion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TunerTest {

    static final Parameter LR = new Parameter("lr", "train.py", "LR = (\\S+)", ParamType.FLOAT, 1e-4, 1e-1, true, List.of());
    static final Parameter HIDDEN = new Parameter("hidden", "train.py", "HIDDEN = (\\d+)", ParamType.INT, 8, 256, true, List.of());
    static final Parameter DROPOUT = new Parameter("dropout", "train.py", "DROPOUT = (\\S+)", ParamType.FLOAT, 0, 0.5, false, List.of());
    static final Parameter LAYERS = new Parameter("layers", "train.py", "LAYERS = (\\d+)", ParamType.INT, 1, 4, false, List.of());
    static final Parameter OPT = new Parameter("opt", "train.py", "OPT = '(\\w+)'", ParamType.CATEGORICAL, 0, 0, false,
            List.of("sgd", "adam", "adamw"));
    static final List<Parameter> ALL = List.of(LR, HIDDEN, DROPOUT, LAYERS, OPT);

    static final Map<String, String> CURRENT = ordered("lr", "0.010", "hidden", "64", "dropout", "0.1", "layers", "2", "opt", "adam");

    static Tuner tuner(long seed, int initialRandom, Parameter... params) {
        return new Tuner(new SearchSpec(List.of(params), seed, initialRandom));
    }

    static Tuner tuner(long seed, int initialRandom) {
        return new Tuner(new SearchSpec(ALL, seed, initialRandom));
    }

    static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static Experiment record(int run, Status status, String description) {
        return new Experiment(run, "t", 0, "parent", "commit", status, Map.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), description, Optional.empty(), "", List.of(), Instant.EPOCH, Instant.EPOCH, 0,
                Optional.empty(), false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
    }

    static double num(String text) {
        return Numbers.parse(text).getAsDouble();
    }

    static int changed(Map<String, String> values, Map<String, String> current) {
        int n = 0;
        for (var e : values.entrySet()) if (num2(e.getValue()) != num2(current.get(e.getKey()))) n++;
        return n;
    }

    /** Numeric value or a hash for categoricals, for counting changes. */
    static double num2(String text) {
        var v = Numbers.parse(text);
        return v.isPresent() ? v.getAsDouble() : text.hashCode();
    }

    @Test
    void theSameSeedAndExperimentGiveTheSameSuggestion() {
        for (int n = 1; n <= 12; n++) {
            Suggestion a = tuner(7, 4).suggest(n, CURRENT, List.of());
            Suggestion b = tuner(7, 4).suggest(n, CURRENT, List.of());
            assertThat(a).isEqualTo(b);
        }
    }

    @Test
    void aSuggestionDoesNotDependOnWhatWasAskedBefore() {
        Tuner t = tuner(7, 4);
        Suggestion direct = t.suggest(9, CURRENT, List.of());
        for (int n = 1; n <= 8; n++) t.suggest(n, CURRENT, List.of());
        assertThat(t.suggest(9, CURRENT, List.of())).isEqualTo(direct);
    }

    @Test
    void otherSeedsAndExperimentsGiveOtherSuggestions() {
        Set<Map<String, String>> seen = new HashSet<>();
        for (long seed = 0; seed < 5; seed++) {
            for (int n = 1; n <= 10; n++) seen.add(tuner(seed, 4).suggest(n, CURRENT, List.of()).values());
        }
        assertThat(seen).hasSizeGreaterThan(45);
    }

    @Test
    void recordsOfThisExperimentOrLaterDoNotSteerIt() {
        // a resumed session may hold a leftover record of the experiment being proposed again
        Suggestion fresh = tuner(3, 2).suggest(6, CURRENT, List.of());
        List<Experiment> leftovers = List.of(record(6, Status.STALE, fresh.description()),
                record(7, Status.DISCARD, fresh.description()));
        assertThat(tuner(3, 2).suggest(6, CURRENT, leftovers)).isEqualTo(fresh);
    }

    @Test
    void everyValueStaysInItsRange() {
        for (int n = 1; n <= 600; n++) {
            Suggestion s = tuner(11, 300).suggest(n, CURRENT, List.of());
            assertInRange(s.values());
        }
        // perturbing from the edges of the ranges too
        Map<String, String> edge = ordered("lr", "0.1", "hidden", "8", "dropout", "0.0", "layers", "4", "opt", "sgd");
        for (int n = 1; n <= 300; n++) assertInRange(tuner(11, 0).suggest(n, edge, List.of()).values());
    }

    static void assertInRange(Map<String, String> values) {
        assertThat(values.keySet()).containsExactly("lr", "hidden", "dropout", "layers", "opt");
        assertThat(num(values.get("lr"))).isBetween(1e-4, 1e-1);
        assertThat(values.get("hidden")).matches("\\d+");
        assertThat(Integer.parseInt(values.get("hidden"))).isBetween(8, 256);
        assertThat(num(values.get("dropout"))).isBetween(0.0, 0.5);
        assertThat(values.get("layers")).matches("[1-4]");
        assertThat(values.get("opt")).isIn("sgd", "adam", "adamw");
        assertThat(values.get("lr")).matches(NumbersTest.LITERAL);
    }

    @Test
    void randomSamplesOfALogRangeAreSpreadOverItsDecades() {
        int[] decades = new int[3]; // [1e-4,1e-3), [1e-3,1e-2), [1e-2,1e-1]
        int n = 900;
        for (int i = 1; i <= n; i++) {
            double v = num(tuner(5, n, LR).suggest(i, Map.of("lr", "0.01"), List.of()).values().get("lr"));
            decades[Math.min(2, (int) Math.floor(Math.log10(v) + 4))]++;
        }
        // log-uniform: a third in each decade (uniform would put 90% in the last)
        for (int d : decades) assertThat(d).isBetween(n / 3 - 60, n / 3 + 60);
    }

    @Test
    void randomSamplesOfALinearRangeAreUniform() {
        int below = 0, n = 600;
        for (int i = 1; i <= n; i++) {
            if (num(tuner(5, n, DROPOUT).suggest(i, Map.of("dropout", "0.1"), List.of()).values().get("dropout")) < 0.25) below++;
        }
        assertThat(below).isBetween(n / 2 - 60, n / 2 + 60);
    }

    @Test
    void aPerturbationChangesOneOrTwoParameters() {
        int ones = 0, twos = 0;
        for (int n = 1; n <= 200; n++) {
            Suggestion s = tuner(2, 0).suggest(n, CURRENT, List.of());
            int c = changed(s.values(), CURRENT);
            assertThat(c).isBetween(1, 2);
            if (c == 1) ones++; else twos++;
        }
        assertThat(ones).isGreaterThan(50);
        assertThat(twos).isGreaterThan(50);
    }

    @Test
    void aPerturbationStaysNearTheBest() {
        List<Double> ratios = new ArrayList<>();
        for (int n = 1; n <= 300; n++) {
            double v = num(tuner(4, 0, LR).suggest(n, Map.of("lr", "0.01"), List.of()).values().get("lr"));
            ratios.add(Math.abs(Math.log(v / 0.01)));
        }
        // |N(0, 0.35)|: mean about 0.28, almost never beyond 3 sigma
        assertThat(ratios.stream().mapToDouble(d -> d).average().orElseThrow()).isBetween(0.2, 0.36);
        assertThat(ratios).allSatisfy(r -> assertThat(r).isLessThan(1.4));
    }

    @Test
    void aPerturbedIntAlwaysChanges() {
        Parameter narrow = new Parameter("layers", "f", "L = (\\d+)", ParamType.INT, 1, 3, false, List.of());
        Parameter wide = new Parameter("hidden", "f", "H = (\\d+)", ParamType.INT, 1, 4096, true, List.of());
        for (int n = 1; n <= 200; n++) {
            for (String now : List.of("1", "2", "3")) {
                String v = tuner(n, 0, narrow).suggest(n, Map.of("layers", now), List.of()).values().get("layers");
                assertThat(v).isNotEqualTo(now).matches("[1-3]");
            }
            // on a log scale, small ints round back to themselves unless the tuner insists
            String v = tuner(9, 0, wide).suggest(n, Map.of("hidden", "1"), List.of()).values().get("hidden");
            assertThat(v).isNotEqualTo("1");
        }
    }

    @Test
    void aPerturbedFloatAlwaysChangesEvenAtTheEdgeOfItsRange() {
        for (int n = 1; n <= 200; n++) {
            String v = tuner(1, 0, DROPOUT).suggest(n, Map.of("dropout", "0.5"), List.of()).values().get("dropout");
            assertThat(num(v)).isLessThan(0.5);
        }
    }

    @Test
    void aPerturbedCategoricalPicksAnotherChoice() {
        Set<String> seen = new HashSet<>();
        for (int n = 1; n <= 100; n++) {
            String v = tuner(1, 0, OPT).suggest(n, Map.of("opt", "adam"), List.of()).values().get("opt");
            assertThat(v).isNotEqualTo("adam");
            seen.add(v);
        }
        assertThat(seen).containsExactlyInAnyOrder("sgd", "adamw");
    }

    @Test
    void randomSamplesReachEveryChoiceAndTheEndsOfIntRanges() {
        Set<String> opts = new HashSet<>(), layers = new HashSet<>();
        for (int n = 1; n <= 200; n++) {
            Map<String, String> v = tuner(8, 200).suggest(n, CURRENT, List.of()).values();
            opts.add(v.get("opt"));
            layers.add(v.get("layers"));
        }
        assertThat(opts).containsExactlyInAnyOrder("sgd", "adam", "adamw");
        assertThat(layers).containsExactlyInAnyOrder("1", "2", "3", "4");
    }

    @Test
    void aConfigurationAlreadyTriedIsNotProposedAgain() {
        Tuner t = tuner(1, 0, OPT);
        Map<String, String> now = Map.of("opt", "adam");
        for (int n = 1; n <= 30; n++) {
            String first = t.suggest(n, now, List.of()).values().get("opt");
            String other = first.equals("sgd") ? "adamw" : "sgd";
            Suggestion s = t.suggest(n, now, List.of(record(n - 1, Status.DISCARD, "opt=" + first)));
            assertThat(s.values().get("opt")).isEqualTo(other);
            assertThat(s.description()).isEqualTo("opt=" + other);
        }
    }

    @Test
    void aRepeatedRandomDrawIsDrawnAgain() {
        Suggestion first = tuner(4, 10).suggest(5, CURRENT, List.of());
        Suggestion again = tuner(4, 10).suggest(5, CURRENT, List.of(record(2, Status.CRASH, first.description())));
        assertThat(again.values()).isNotEqualTo(first.values());
    }

    @Test
    void interruptedExperimentsDoNotCountAsTried() {
        Suggestion first = tuner(4, 10).suggest(5, CURRENT, List.of());
        assertThat(tuner(4, 10).suggest(5, CURRENT, List.of(record(2, Status.INTERRUPTED, first.description()))))
                .isEqualTo(first);
    }

    @Test
    void theDescriptionNamesTheChangedParametersInDeclarationOrder() {
        for (int n = 1; n <= 60; n++) {
            Suggestion s = tuner(6, 0).suggest(n, CURRENT, List.of());
            StringBuilder expected = new StringBuilder();
            for (String name : List.of("lr", "hidden", "dropout", "layers", "opt")) {
                String v = s.values().get(name);
                if (num2(v) != num2(CURRENT.get(name))) {
                    if (expected.length() > 0) expected.append(", ");
                    expected.append(name).append('=').append(v);
                }
            }
            assertThat(s.description()).isEqualTo(expected.toString());
        }
    }

    @Test
    void unchangedParametersKeepTheirTextExactly() {
        for (int n = 1; n <= 60; n++) {
            Suggestion s = tuner(6, 0).suggest(n, CURRENT, List.of());
            if (!s.description().contains("lr=")) assertThat(s.values().get("lr")).isEqualTo("0.010");
        }
    }

    @Test
    void describesRandomSamplesToo() {
        Suggestion s = tuner(42, 4).suggest(1, CURRENT, List.of());
        assertThat(s.description()).matches("lr=[^,]+, hidden=\\d+, dropout=[^,]+(, layers=\\d)?(, opt=\\w+)?");
    }

    @Test
    void aSpaceThatCannotChangeNamesItsWholeConfiguration() {
        Parameter fixed = new Parameter("batch", "f", "B = (\\d+)", ParamType.INT, 32, 32, false, List.of());
        Suggestion s = tuner(1, 0, fixed).suggest(3, Map.of("batch", "32"), List.of());
        assertThat(s.values()).containsEntry("batch", "32");
        assertThat(s.description()).isEqualTo("batch=32");
    }

    @Test
    void readsDescriptionsBackIntoAssignments() {
        Parameter lrDecay = new Parameter("lr_decay", "f", "D = (\\S+)", ParamType.FLOAT, 0, 1, false, List.of());
        Tuner t = tuner(1, 0, LR, lrDecay, OPT);
        assertThat(t.assignments("lr_decay=0.5, lr=1e-3, opt=adam")).containsExactly(
                Map.entry("lr_decay", "0.5"), Map.entry("lr", "1e-3"), Map.entry("opt", "adam"));
        assertThat(t.assignments("baseline")).isEmpty();
        assertThat(t.assignments("raise lr=0.1")).isEmpty();
    }

    @Test
    void refusesParametersItCannotSearch() {
        assertThatThrownBy(() -> tuner(1, 0, new Parameter("a", "f", "(x)", ParamType.FLOAT, 0, 1, true, List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("log range must be positive");
        assertThatThrownBy(() -> tuner(1, 0, new Parameter("a", "f", "(x)", ParamType.FLOAT, 2, 1, false, List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("low <= high");
        assertThatThrownBy(() -> tuner(1, 0, new Parameter("a", "f", "(x)", ParamType.INT, 0.2, 0.8, false, List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no integer");
        assertThatThrownBy(() -> tuner(1, 0, new Parameter("a", "f", "(x)", ParamType.CATEGORICAL, 0, 0, false, List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("choices");
        assertThatThrownBy(() -> tuner(1, 0, LR, LR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }

    @Test
    void anUnreadableCurrentValueIsReplacedByASample() {
        Suggestion s = tuner(1, 0, LR).suggest(2, Map.of("lr", "auto"), List.of());
        assertThat(num(s.values().get("lr"))).isBetween(1e-4, 1e-1);
    }
}

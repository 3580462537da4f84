package dev.helix.core.tune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Noise;
import dev.helix.core.experiment.Status;
import dev.helix.core.spec.Direction;
import dev.helix.core.spec.Spec.ParamType;
import dev.helix.core.spec.Spec.Parameter;
import dev.helix.core.spec.Spec.SearchSpec;
import dev.helix.core.tune.Tuner.Suggestion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Whole searches of the tuner on functions of its parameters, the way a session feeds it its ledger. */
class TunerSearchTest {

    static Parameter floatParam(String name, double low, double high, boolean log) {
        return new Parameter(name, "p.txt", name + " = (\\S+)", ParamType.FLOAT, low, high, log, List.of());
    }

    static Parameter intParam(String name, double low, double high, boolean log) {
        return new Parameter(name, "p.txt", name + " = (\\d+)", ParamType.INT, low, high, log, List.of());
    }

    static Parameter choice(String name, String... choices) {
        return new Parameter(name, "p.txt", name + " = (\\w+)", ParamType.CATEGORICAL, 0, 0, false, List.of(choices));
    }

    /** A measured record as the session writes it: the tuner's values, the metric, one sample. */
    static Experiment measured(int run, String commit, String parent, Map<String, String> values, double metric) {
        return new Experiment(run, "t", 0, parent, commit, Status.DISCARD, Map.of("loss", metric), Optional.of(metric),
                Optional.empty(), Optional.empty(), "tuned", Optional.empty(), "", List.of(metric), Instant.EPOCH,
                Instant.EPOCH, 0, Optional.empty(), false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty())
                .withParameters(values);
    }

    /** What a session does: baseline, then each suggestion measured and kept when better. */
    record Search(List<Suggestion> suggestions, List<Map<String, String>> points, double best) {}

    static Search search(Tuner tuner, Map<String, String> start, int experiments, ToDoubleFunction<Map<String, String>> f) {
        return search(tuner, start, experiments, f, false);
    }

    static Search search(Tuner tuner, Map<String, String> start, int experiments, ToDoubleFunction<Map<String, String>> f,
                         boolean maximise) {
        List<Experiment> history = new ArrayList<>();
        double best = f.applyAsDouble(start);
        history.add(measured(0, "c0", "", start, best)); // the session records the baseline's values too
        Map<String, String> current = start;
        String bestCommit = "c0";
        List<Suggestion> suggestions = new ArrayList<>();
        List<Map<String, String>> points = new ArrayList<>(List.of(start));
        for (int n = 1; n <= experiments; n++) {
            Suggestion s = tuner.suggest(n, current, Optional.of(bestCommit), history);
            suggestions.add(s);
            points.add(s.values());
            double v = f.applyAsDouble(s.values());
            history.add(measured(n, "c" + n, bestCommit, s.values(), v));
            if (maximise ? v > best : v < best) {
                best = v;
                current = s.values();
                bestCommit = "c" + n;
            }
        }
        return new Search(suggestions, points, best);
    }

    static double x(Map<String, String> values, String name) {
        return Double.parseDouble(values.get(name));
    }

    static final List<Parameter> PLANE = List.of(floatParam("x", -2, 2, false), floatParam("y", -2, 2, false));

    static double rosenbrock(Map<String, String> v) {
        double a = x(v, "x"), b = x(v, "y");
        return 100 * (b - a * a) * (b - a * a) + (1 - a) * (1 - a);
    }

    @Test
    void aSeededSearchIsTheSameEveryTimeAndAnotherSeedSearchesElsewhere() {
        Map<String, String> start = Map.of("x", "-1.5", "y", "1.5");
        Search a = search(new Tuner(new SearchSpec(PLANE, 7, 3)), start, 20, TunerSearchTest::rosenbrock);
        Search b = search(new Tuner(new SearchSpec(PLANE, 7, 3)), start, 20, TunerSearchTest::rosenbrock);
        Search other = search(new Tuner(new SearchSpec(PLANE, 8, 3)), start, 20, TunerSearchTest::rosenbrock);
        assertThat(a.suggestions()).isEqualTo(b.suggestions());
        assertThat(other.points()).doesNotContainAnyElementsOf(a.points().subList(1, a.points().size()));
        assertThat(a.suggestions().subList(3, 20)).extracting(Suggestion::strategy).allMatch(s -> s.startsWith("TPE"));
    }

    @Test
    void onAFiveByFiveGridTwentyFiveExperimentsMeasureTwentyFiveDistinctPoints() {
        List<Parameter> grid = List.of(intParam("a", 1, 5, false), intParam("b", 1, 5, false));
        ToDoubleFunction<Map<String, String>> bowl = v -> Math.pow(x(v, "a") - 4, 2) + Math.pow(x(v, "b") - 2, 2);
        for (long seed = 0; seed < 5; seed++) {
            Tuner tuner = new Tuner(new SearchSpec(grid, seed, 3));
            Search s = search(tuner, Map.of("a", "1", "b", "1"), 24, bowl);
            Set<List<String>> distinct = new HashSet<>();
            for (Map<String, String> p : s.points()) distinct.add(List.of(p.get("a"), p.get("b")));
            assertThat(distinct).as("seed %d", seed).hasSize(25);
            assertThat(s.suggestions()).allMatch(Suggestion::fresh);
            assertThat(s.best()).isZero();
        }
    }

    @Test
    void aSpaceWithEveryPointTriedSaysSo() {
        List<Parameter> grid = List.of(intParam("a", 1, 2, false), choice("c", "p", "q"));
        Tuner tuner = new Tuner(new SearchSpec(grid, 1, 1));
        Search s = search(tuner, Map.of("a", "1", "c", "p"), 4, v -> x(v, "a"));
        assertThat(s.suggestions().subList(0, 3)).allMatch(Suggestion::fresh);
        assertThat(s.suggestions().get(3).fresh()).isFalse();
    }

    @Test
    void theModelFindsTheBestChoiceAndTheRightDecadeOfALogScale() {
        List<Parameter> mixed = List.of(floatParam("lr", 1e-5, 1, true), intParam("hidden", 4, 1024, true),
                choice("opt", "sgd", "adam", "adamw", "rmsprop"));
        // best at lr = 1e-3, hidden = 64, opt = adam
        ToDoubleFunction<Map<String, String>> loss = v -> Math.pow(Math.log10(x(v, "lr")) + 3, 2)
                + Math.pow(Math.log(x(v, "hidden") / 64.0), 2) + (v.get("opt").equals("adam") ? 0 : 1.5);
        Search s = search(new Tuner(new SearchSpec(mixed, 3, 5)), Map.of("lr", "0.1", "hidden", "8", "opt", "sgd"), 40, loss);
        for (Map<String, String> p : s.points()) {
            assertThat(x(p, "lr")).isBetween(1e-5, 1.0);
            assertThat(p.get("hidden")).matches("\\d+");
            assertThat(Integer.parseInt(p.get("hidden"))).isBetween(4, 1024);
            assertThat(p.get("opt")).isIn("sgd", "adam", "adamw", "rmsprop");
        }
        List<Map<String, String>> late = s.points().subList(21, 41);
        assertThat(late.stream().filter(p -> x(p, "lr") >= 1e-4 && x(p, "lr") <= 1e-2).count()).isGreaterThanOrEqualTo(12);
        Map<String, String> best = s.points().stream().min(Comparator.comparingDouble(loss)).orElseThrow();
        assertThat(best.get("opt")).isEqualTo("adam");
        assertThat(s.points().subList(31, 41).stream().filter(p -> p.get("opt").equals("adam")).count())
                .as("%s", s.points()).isGreaterThanOrEqualTo(6);
        assertThat(s.best()).isLessThan(0.2);
    }

    static final double[] ALPHA = {1.0, 1.2, 3.0, 3.2};
    static final double[][] A = {{10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8},
            {17, 8, 0.05, 10, 0.1, 14}};
    static final double[][] P = {{1312, 1696, 5569, 124, 8283, 5886}, {2329, 4135, 8307, 3736, 1004, 9991},
            {2348, 1451, 3522, 2883, 3047, 6650}, {4047, 8828, 8732, 5743, 1091, 381}};

    static double hartmann6(Map<String, String> v) {
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            double inner = 0;
            for (int j = 0; j < 6; j++) inner += A[i][j] * Math.pow(x(v, "x" + j) - P[i][j] * 1e-4, 2);
            sum -= ALPHA[i] * Math.exp(-inner);
        }
        return sum;
    }

    @Test
    void itBeatsRandomSearchOnHartmannSix() {
        List<Parameter> cube = new ArrayList<>();
        Map<String, String> start = new LinkedHashMap<>();
        for (int j = 0; j < 6; j++) {
            cube.add(floatParam("x" + j, 0, 1, false));
            start.put("x" + j, "0.5");
        }
        int wins = 0;
        List<Double> tuned = new ArrayList<>(), random = new ArrayList<>();
        for (long seed = 0; seed < 5; seed++) {
            double t = search(new Tuner(new SearchSpec(cube, seed, 6)), start, 39, TunerSearchTest::hartmann6).best();
            // a tuner that samples at random throughout: the same draws the first experiments get
            double r = search(new Tuner(new SearchSpec(cube, seed, 1000)), start, 39, TunerSearchTest::hartmann6).best();
            tuned.add(t);
            random.add(r);
            if (t < r) wins++;
        }
        assertThat(wins).as("tuned %s, random %s", tuned, random).isGreaterThanOrEqualTo(4);
        assertThat(tuned.stream().sorted().toList().get(2)).isLessThan(random.stream().sorted().toList().get(2) - 0.5);
    }

    @Test
    void theIncumbentMeasuredAgainIsOnePointWithMoreSamples() {
        Space space = new Space(PLANE);
        Map<String, String> best = Map.of("x", "0.5", "y", "0.25");
        Experiment baseline = measured(0, "c0", "", Map.of(), 3.0);
        Experiment kept = measured(1, "c1", "c0", best, 1.0);
        Experiment beside = new Experiment(2, "t", 0, "c1", "c2", Status.DISCARD, Map.of("loss", 2.0), Optional.of(2.0),
                Optional.empty(), Optional.empty(), "x=1.0", Optional.empty(), "", List.of(2.0, 2.2), Instant.EPOCH,
                Instant.EPOCH, 0, Optional.empty(), false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty(),
                0, List.of(1.2, 0.8), Optional.empty(), Optional.empty())
                .withParameters(Map.of("x", "1.0", "y", "0.25"));
        Trials trials = Trials.of(space, 3, best, Optional.of("c1"), List.of(baseline, kept, beside), false);
        assertThat(trials.points()).hasSize(2);
        assertThat(trials.points().get(0).values()).isEqualTo(best);
        assertThat(trials.points().get(0).scores()).containsExactly(1.0, 1.2, 0.8);
        assertThat(trials.points().get(1).scores()).containsExactly(2.0, 2.2);
    }

    @Test
    void theBaselineIsThePointTheWorktreeHoldsWhileItIsTheBest() {
        Space space = new Space(PLANE);
        Map<String, String> start = Map.of("x", "0.0", "y", "0.0");
        Experiment baseline = new Experiment(0, "t", 0, "", "c0", Status.BASELINE, Map.of("loss", 1.0), Optional.of(1.0),
                Optional.empty(), Optional.empty(), "baseline", Optional.empty(), "", List.of(1.0, 1.1, 0.9), Instant.EPOCH,
                Instant.EPOCH, 0, Optional.empty(), false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty(),
                0, List.of(), Optional.empty(), Optional.of(new Noise(0.1, 3, Noise.STATISTICAL)));
        Trials trials = Trials.of(space, 1, start, Optional.of("c0"), List.of(baseline), true);
        assertThat(trials.points()).singleElement().satisfies(p -> {
            assertThat(p.values()).isEqualTo(start);
            assertThat(p.scores()).containsExactly(-1.0, -1.1, -0.9); // maximised: higher is better
        });
        assertThat(trials.noise()).isEqualTo(0.1);
    }

    @Test
    void pointsComeFromTheRecordedValuesNotFromDescriptions() {
        // the description names only what changed from an older best; the values say where it was measured
        List<Parameter> grid = List.of(intParam("a", 1, 3, false), intParam("b", 1, 3, false));
        Tuner tuner = new Tuner(new SearchSpec(grid, 2, 0));
        List<Experiment> history = new ArrayList<>();
        history.add(measured(0, "c0", "", Map.of(), 9));
        Map<String, String> current = Map.of("a", "1", "b", "1");
        int run = 1;
        for (int a = 1; a <= 3; a++) {
            for (int b = 1; b <= 3; b++) {
                if (a == 1 && b == 1 || a == 3 && b == 3) continue;
                history.add(measured(run, "c" + run, "c0", Map.of("a", "" + a, "b", "" + b), 5).redacted(t -> t));
                run++;
            }
        }
        Suggestion s = tuner.suggest(run, current, Optional.of("c0"), history);
        assertThat(s.values()).isEqualTo(Map.of("a", "3", "b", "3"));
        assertThat(s.fresh()).isTrue();
    }

    @Test
    void aMaximisedMetricIsClimbed() {
        Search s = search(new Tuner(new SearchSpec(PLANE, 5, 3), Direction.MAXIMIZE), Map.of("x", "0.0", "y", "0.0"),
                25, v -> -(Math.pow(x(v, "x") - 1.5, 2) + Math.pow(x(v, "y") + 1, 2)), true);
        assertThat(s.best()).isGreaterThan(-0.05);
        List<Map<String, String>> late = s.points().subList(16, 26);
        assertThat(late.stream().filter(p -> x(p, "x") > 0.5 && x(p, "y") < 0).count()).isGreaterThanOrEqualTo(6);
    }
}

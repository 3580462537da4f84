package dev.helix.core.tune;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.spec.Direction;
import dev.helix.core.spec.Spec.ParamType;
import dev.helix.core.spec.Spec.Parameter;
import dev.helix.core.spec.Spec.SearchSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in search strategy: random samples first, then a tree-structured Parzen estimator
 * (TPE) fitted to every point the session measured.
 *
 * <p>Experiments {@code 1..initialRandom} sample every parameter uniformly in its range
 * (log-uniformly when {@code log}). Later ones split the measured points into the best few and the
 * rest (points within the baseline's noise of the cut count as best: a difference the noise
 * explains is a tie), fit a {@link Parzen} estimator to each, and propose the candidate drawn from
 * the good one that is most likely under it relative to the other. Until two points are measured
 * they perturb one or two parameters of the best instead. The points come from the ledger's records
 * (each tuner experiment records its parameter values), so a point already tried is never proposed
 * again while an untried one can be found. The random source of experiment {@code n} depends only
 * on {@code (seed, n)} and the history, so a resumed session proposes what an uninterrupted one
 * would.
 */
public final class Tuner {

    /** How many times a draw that repeats a tried configuration is drawn again. */
    static final int REDRAWS = 20;
    /** How many candidates are drawn from the good points' estimator per proposal. */
    static final int CANDIDATES = 48;
    /** The share of measured points that counts as good. */
    static final double GAMMA = 0.15;
    /** One model-based step in this many is a pure TPE step; the others refine around the best. */
    static final int TPE_EVERY = 4;
    /** The most points the surrogate is fitted to (the best ones): its cost grows with their cube. */
    static final int SURROGATE_POINTS = 200;
    /** How many measured points the model needs; fewer, and the best is perturbed. */
    static final int MODEL_POINTS = 2;

    /**
     * @param values every parameter's text value, in declaration order; unchanged ones keep their
     *               text exactly as read
     * @param description the changed parameters, e.g. "lr=0.031, hidden=96"
     * @param strategy how it was found: "random sample", "TPE" or "perturb best"
     * @param fresh false when every point of a finite space was tried already, so this one repeats
     */
    public record Suggestion(Map<String, String> values, String description, String strategy, boolean fresh) {
        public Suggestion {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
            Objects.requireNonNull(description);
            Objects.requireNonNull(strategy);
        }
    }

    private final SearchSpec search;
    private final List<Parameter> params;
    private final Space space;
    private final boolean maximise;
    /** Finds "name=" at the start of each assignment in a description, to read back older records. */
    private final Pattern assignment;

    /** A tuner for a metric to minimise. */
    public Tuner(SearchSpec search) {
        this(search, Direction.MINIMIZE);
    }

    public Tuner(SearchSpec search, Direction direction) {
        this.search = Objects.requireNonNull(search);
        this.params = search.parameters();
        this.space = new Space(params);
        this.maximise = direction == Direction.MAXIMIZE;
        Set<String> names = new HashSet<>();
        for (Parameter p : params) {
            validate(p);
            if (!names.add(p.name())) throw new IllegalArgumentException("parameter " + p.name() + " is declared twice");
        }
        List<String> quoted = params.stream().map(p -> Pattern.quote(p.name())).toList();
        this.assignment = Pattern.compile("(?:^|, )(" + String.join("|", quoted) + ")=");
    }

    /** Whether experiment {@code n} is a random sample (else a model-based proposal). */
    public boolean samplesAtRandom(int experiment) {
        return experiment <= search.initialRandom();
    }

    /** The values to try in experiment {@code experiment}, with the best's commit unknown. */
    public Suggestion suggest(int experiment, Map<String, String> current, List<Experiment> history) {
        return suggest(experiment, current, Optional.empty(), history);
    }

    /**
     * The values to try in experiment {@code experiment}.
     *
     * @param current every parameter's text as it is in the worktree (the best so far)
     * @param bestCommit the best's commit: its record measured {@code current} even when it records
     *                   no parameters (the baseline)
     * @param history earlier records of the session: the points they measured are the model's data
     *                and are not proposed again
     */
    public Suggestion suggest(int experiment, Map<String, String> current, Optional<String> bestCommit,
                              List<Experiment> history) {
        SplittableRandom rnd = new SplittableRandom(mix(search.seed(), experiment));
        Trials trials = Trials.of(space, experiment, current, bestCommit, history, maximise);
        Set<List<String>> tried = tried(experiment, current, trials, history);
        String strategy;
        Map<String, String> candidate = null;
        int measured = trials.measured().size();
        if (!samplesAtRandom(experiment) && measured >= MODEL_POINTS) {
            boolean refine = measured % TPE_EVERY != 0;
            strategy = refine ? "TPE + refinement" : "TPE";
            candidate = modelled(rnd, trials, current, tried, refine);
        } else {
            strategy = samplesAtRandom(experiment) ? "random sample" : "perturb best";
            for (int attempt = 0; attempt <= REDRAWS; attempt++) {
                candidate = samplesAtRandom(experiment) ? sample(rnd, current) : perturb(rnd, current);
                if (!tried.contains(space.key(candidate))) break;
            }
        }
        if (candidate == null || tried.contains(space.key(candidate))) {
            Optional<Map<String, String>> untried = untried(rnd, current, tried);
            if (untried.isPresent()) candidate = untried.get();
            else if (candidate == null) candidate = sample(rnd, current);
        }
        return new Suggestion(candidate, describe(candidate, current), strategy, !tried.contains(space.key(candidate)));
    }

    // ---- drawing -------------------------------------------------------------------------------

    /**
     * One model-based proposal, null when every candidate was tried. The measured points split at
     * the {@link #GAMMA} quantile into good and bad (ties within noise join the good side; crashes
     * are bad) and a {@link Parzen} estimator is fitted to each: l to the good, g to the bad. A TPE
     * step proposes the candidate drawn from l with the highest l/g; a refinement step draws from l
     * and around the best ({@link Refinement}) and proposes the candidate of highest expected
     * improvement under a {@link Surrogate} of all measured points.
     */
    private Map<String, String> modelled(SplittableRandom rnd, Trials trials, Map<String, String> current,
                                         Set<List<String>> tried, boolean refine) {
        List<Trials.Point> measured = ranked(trials);
        int good = Math.max(1, (int) Math.ceil(GAMMA * measured.size()));
        double cut = measured.get(good - 1).score();
        while (good < measured.size() && measured.get(good).score() - cut <= trials.noise()) good++;
        List<double[]> goodPoints = new ArrayList<>(), badPoints = new ArrayList<>();
        List<double[]> fitted = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < measured.size(); i++) {
            double[] x = space.coordinates(measured.get(i).values());
            if (x == null) continue;
            (i < good ? goodPoints : badPoints).add(x);
            if (fitted.size() < SURROGATE_POINTS) {
                fitted.add(x);
                scores.add(measured.get(i).score());
            }
        }
        for (Trials.Point p : trials.points()) {
            double[] x = p.crashed() ? space.coordinates(p.values()) : null;
            if (x != null) badPoints.add(x);
        }
        Parzen l = new Parzen(space, goodPoints), g = new Parzen(space, badPoints);
        Refinement near = refine && goodPoints.size() >= 2 ? new Refinement(space, goodPoints) : null;
        Surrogate surrogate = near == null ? null : Surrogate.fit(space, fitted, scores);
        Map<String, String> best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < (near == null ? CANDIDATES : 2 * CANDIDATES); i++) {
            double[] x = i < CANDIDATES ? l.sample(rnd) : near.step(rnd);
            Map<String, String> values = texts(x, current);
            if (tried.contains(space.key(values))) continue;
            double score = surrogate != null ? surrogate.expectedImprovement(x) : l.logDensity(x) - g.logDensity(x);
            if (best == null || score > bestScore) {
                best = values;
                bestScore = score;
            }
        }
        return best;
    }

    /** The measured points, best first; among equals, the earlier first. */
    private static List<Trials.Point> ranked(Trials trials) {
        List<Trials.Point> measured = new ArrayList<>(trials.measured());
        measured.sort(Comparator.comparingDouble(Trials.Point::score));
        return measured;
    }

    /** The texts of a point's coordinates; a value equal to the current one keeps its text. */
    private Map<String, String> texts(double[] x, Map<String, String> current) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int d = 0; d < x.length; d++) {
            Parameter p = params.get(d);
            String now = current.get(p.name());
            String text = space.text(d, x[d], now);
            out.put(p.name(), now != null && Space.same(p, now, text) ? now : text);
        }
        return out;
    }

    /**
     * An untried configuration when draws kept repeating: random draws, then for a space small
     * enough to list, a random one of those never tried. Empty when every point was tried.
     */
    private Optional<Map<String, String>> untried(SplittableRandom rnd, Map<String, String> current,
                                                  Set<List<String>> tried) {
        for (int attempt = 0; attempt < REDRAWS; attempt++) {
            Map<String, String> drawn = sample(rnd, current);
            if (!tried.contains(space.key(drawn))) return Optional.of(drawn);
        }
        long size = space.size();
        if (size == Long.MAX_VALUE) return Optional.empty();
        List<Map<String, String>> left = new ArrayList<>();
        for (long i = 0; i < size; i++) {
            List<String> texts = space.point(i);
            Map<String, String> values = new LinkedHashMap<>();
            for (int d = 0; d < params.size(); d++) {
                String now = current.get(params.get(d).name());
                values.put(params.get(d).name(), now != null && Space.same(params.get(d), now, texts.get(d)) ? now : texts.get(d));
            }
            if (!tried.contains(space.key(values))) left.add(values);
        }
        return left.isEmpty() ? Optional.empty() : Optional.of(left.get(rnd.nextInt(left.size())));
    }

    private Map<String, String> sample(SplittableRandom rnd, Map<String, String> current) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Parameter p : params) {
            String now = current.get(p.name());
            String drawn = Space.uniform(p, rnd, now);
            out.put(p.name(), now != null && Space.same(p, now, drawn) ? now : drawn);
        }
        return out;
    }

    private Map<String, String> perturb(SplittableRandom rnd, Map<String, String> current) {
        List<Parameter> changeable = new ArrayList<>(params.stream().filter(Space::changeable).toList());
        int k = Math.min(changeable.size(), 1 + rnd.nextInt(2));
        // partial Fisher-Yates: the first k are the chosen ones
        for (int i = 0; i < k; i++) Collections.swap(changeable, i, i + rnd.nextInt(changeable.size() - i));
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < k; i++) chosen.add(changeable.get(i).name());

        Map<String, String> out = new LinkedHashMap<>();
        for (Parameter p : params) {
            String now = current.get(p.name());
            if (chosen.contains(p.name())) out.put(p.name(), Space.nudge(p, rnd, now));
            else out.put(p.name(), now != null ? now : Space.uniform(p, rnd, null));
        }
        return out;
    }

    // ---- comparing and describing --------------------------------------------------------------

    private String describe(Map<String, String> values, Map<String, String> current) {
        List<String> parts = new ArrayList<>();
        for (Parameter p : params) {
            String v = values.get(p.name());
            if (!Space.same(p, current.get(p.name()), v)) parts.add(p.name() + "=" + v);
        }
        if (parts.isEmpty()) {
            // nothing could change (all draws repeated or fixed ranges): name the whole configuration
            for (Parameter p : params) parts.add(p.name() + "=" + values.get(p.name()));
        }
        return String.join(", ", parts);
    }

    /**
     * Points already tried: the current one, every point of the trials, and for records written
     * before experiments recorded their parameters, the assignments their descriptions read as,
     * laid over the current values (the best approximation those records allow).
     */
    private Set<List<String>> tried(int experiment, Map<String, String> current, Trials trials, List<Experiment> history) {
        Set<List<String>> tried = new HashSet<>();
        tried.add(space.key(current));
        for (Trials.Point p : trials.points()) tried.add(p.key());
        for (Experiment e : history) {
            // a record of this number or later (a resumed session's leftovers) must not steer the draw
            if (e.run() >= experiment || e.status() == Status.INTERRUPTED || !e.parameters().isEmpty()) continue;
            Map<String, String> assigned = assignments(e.description());
            if (assigned.isEmpty()) continue;
            Map<String, String> values = new LinkedHashMap<>(current);
            values.putAll(assigned);
            tried.add(space.key(values));
        }
        return tried;
    }

    /** "lr=0.031, hidden=96" → {lr=0.031, hidden=96}; empty unless the whole text reads that way. */
    Map<String, String> assignments(String description) {
        Map<String, String> out = new LinkedHashMap<>();
        if (description == null || params.isEmpty()) return out;
        Matcher m = assignment.matcher(description);
        if (!m.find() || m.start() != 0) return out;
        String name = m.group(1);
        int from = m.end();
        while (m.find()) {
            out.put(name, description.substring(from, m.start()));
            name = m.group(1);
            from = m.end();
        }
        out.put(name, description.substring(from));
        return out;
    }

    // ---- ranges --------------------------------------------------------------------------------

    private static void validate(Parameter p) {
        String where = "parameter " + p.name() + ": ";
        if (p.type() == ParamType.CATEGORICAL) {
            if (p.choices().isEmpty()) throw new IllegalArgumentException(where + "a categorical needs choices");
            return;
        }
        if (!Double.isFinite(p.low()) || !Double.isFinite(p.high()) || p.low() > p.high()) {
            throw new IllegalArgumentException(where + "range [" + p.low() + ", " + p.high() + "] must be finite, low <= high");
        }
        if (p.log() && p.low() <= 0) {
            throw new IllegalArgumentException(where + "a log range must be positive, got low " + p.low());
        }
        if (p.type() == ParamType.INT && Space.intLow(p) > Space.intHigh(p)) {
            throw new IllegalArgumentException(where + "range [" + p.low() + ", " + p.high() + "] holds no integer");
        }
    }

    /** SplitMix64's finalizer applied twice: nearby (seed, n) pairs get unrelated streams. */
    static long mix(long seed, int n) {
        return fmix(fmix(seed) + 0x9E3779B97F4A7C15L * n);
    }

    private static long fmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

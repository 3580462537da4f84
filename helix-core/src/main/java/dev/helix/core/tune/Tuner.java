package dev.helix.core.tune;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.spec.Spec.ParamType;
import dev.helix.core.spec.Spec.Parameter;
import dev.helix.core.spec.Spec.SearchSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in search strategy: random samples first, then perturbations of the best.
 *
 * <p>Experiments {@code 1..initialRandom} sample every parameter uniformly in its range
 * (log-uniformly when {@code log}); later ones change one or two parameters of the best so far
 * (the values in the worktree). The random source of experiment {@code n} depends only on
 * {@code (seed, n)} and the history, so a resumed session proposes what an uninterrupted one would.
 */
public final class Tuner {

    /** How many times a draw that repeats a tried configuration is drawn again. */
    static final int REDRAWS = 20;
    /** Spread of a log-scale perturbation: the value is multiplied by exp(N(0, 0.35)). */
    static final double LOG_SIGMA = 0.35;
    /** Spread of a linear perturbation, as a fraction of the range. */
    static final double LINEAR_SIGMA = 0.15;
    /** Attempts at a float perturbation that survives rounding to 4 significant digits. */
    private static final int CHANGE_ATTEMPTS = 10;

    /**
     * @param values every parameter's text value, in declaration order; unchanged ones keep their
     *               text exactly as read
     * @param description the changed parameters, e.g. "lr=0.031, hidden=96"
     */
    public record Suggestion(Map<String, String> values, String description) {
        public Suggestion {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
            Objects.requireNonNull(description);
        }
    }

    private final SearchSpec search;
    private final List<Parameter> params;
    /** Finds "name=" at the start of each assignment in a description, to read back what was tried. */
    private final Pattern assignment;

    public Tuner(SearchSpec search) {
        this.search = Objects.requireNonNull(search);
        this.params = search.parameters();
        Set<String> names = new HashSet<>();
        for (Parameter p : params) {
            validate(p);
            if (!names.add(p.name())) throw new IllegalArgumentException("parameter " + p.name() + " is declared twice");
        }
        List<String> quoted = params.stream().map(p -> Pattern.quote(p.name())).toList();
        this.assignment = Pattern.compile("(?:^|, )(" + String.join("|", quoted) + ")=");
    }

    /** Whether experiment {@code n} is a random sample (else a perturbation of the best). */
    public boolean samplesAtRandom(int experiment) {
        return experiment <= search.initialRandom();
    }

    /**
     * The values to try in experiment {@code experiment}.
     *
     * @param current every parameter's text as it is in the worktree (the best so far)
     * @param history earlier records of the session; configurations found in their descriptions are
     *                not proposed again when another draw can avoid it
     */
    public Suggestion suggest(int experiment, Map<String, String> current, List<Experiment> history) {
        SplittableRandom rnd = new SplittableRandom(mix(search.seed(), experiment));
        Set<List<String>> tried = tried(experiment, current, history);
        Map<String, String> candidate = null;
        for (int attempt = 0; attempt <= REDRAWS; attempt++) {
            candidate = samplesAtRandom(experiment) ? sample(rnd, current) : perturb(rnd, current);
            if (!tried.contains(key(candidate))) break;
        }
        return new Suggestion(candidate, describe(candidate, current));
    }

    // ---- drawing -------------------------------------------------------------------------------

    private Map<String, String> sample(SplittableRandom rnd, Map<String, String> current) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Parameter p : params) {
            String now = current.get(p.name());
            String drawn = uniform(p, rnd, now);
            out.put(p.name(), now != null && same(p, now, drawn) ? now : drawn);
        }
        return out;
    }

    private Map<String, String> perturb(SplittableRandom rnd, Map<String, String> current) {
        List<Parameter> changeable = new ArrayList<>(params.stream().filter(Tuner::changeable).toList());
        int k = Math.min(changeable.size(), 1 + rnd.nextInt(2));
        // partial Fisher-Yates: the first k are the chosen ones
        for (int i = 0; i < k; i++) Collections.swap(changeable, i, i + rnd.nextInt(changeable.size() - i));
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < k; i++) chosen.add(changeable.get(i).name());

        Map<String, String> out = new LinkedHashMap<>();
        for (Parameter p : params) {
            String now = current.get(p.name());
            if (chosen.contains(p.name())) out.put(p.name(), nudge(p, rnd, now));
            else out.put(p.name(), now != null ? now : uniform(p, rnd, null));
        }
        return out;
    }

    /** A uniform draw over the whole range (log-uniform when {@code log}). */
    private static String uniform(Parameter p, SplittableRandom rnd, String now) {
        return switch (p.type()) {
            case CATEGORICAL -> p.choices().get(rnd.nextInt(p.choices().size()));
            case INT -> {
                long lo = intLow(p), hi = intHigh(p);
                long v;
                if (p.log()) {
                    // widen by half a step each side so the end values get their fair share after rounding
                    double a = Math.log(lo - 0.5 > 0 ? lo - 0.5 : lo), b = Math.log(hi + 0.5);
                    v = clamp(Math.round(Math.exp(a + rnd.nextDouble() * (b - a))), lo, hi);
                } else {
                    v = lo + rnd.nextLong(hi - lo + 1);
                }
                yield Long.toString(v);
            }
            case FLOAT -> {
                double v = p.log()
                        ? Math.exp(Math.log(p.low()) + rnd.nextDouble() * (Math.log(p.high()) - Math.log(p.low())))
                        : p.low() + rnd.nextDouble() * (p.high() - p.low());
                yield Numbers.formatFloat(clamp(v, p.low(), p.high()), p.low(), p.high(), now);
            }
        };
    }

    /** A value near {@code now} and different from it when the range allows. */
    private static String nudge(Parameter p, SplittableRandom rnd, String now) {
        OptionalDouble parsed = now == null ? OptionalDouble.empty() : Numbers.parse(now);
        switch (p.type()) {
            case CATEGORICAL -> {
                int n = p.choices().size();
                int at = now == null ? -1 : p.choices().indexOf(now.strip());
                if (at < 0) return p.choices().get(rnd.nextInt(n));
                int j = rnd.nextInt(n - 1);
                return p.choices().get(j >= at ? j + 1 : j);
            }
            case INT -> {
                if (parsed.isEmpty()) return uniform(p, rnd, now);
                long lo = intLow(p), hi = intHigh(p);
                long x = clamp(Math.round(parsed.getAsDouble()), lo, hi);
                double y = step(p, rnd, x);
                long v = clamp(Math.round(y), lo, hi);
                if (v == x) {
                    // rounding ate the change: move one step the way the draw pointed, or back from an edge
                    long dir = y > x ? 1 : y < x ? -1 : (rnd.nextBoolean() ? 1 : -1);
                    v = x + dir;
                    if (v < lo || v > hi) v = x - dir;
                }
                return Long.toString(v);
            }
            default -> {
                if (parsed.isEmpty()) return uniform(p, rnd, now);
                double x = clamp(parsed.getAsDouble(), p.low(), p.high());
                if (p.log() && x <= 0) x = p.low();
                String text = now;
                for (int i = 0; i < CHANGE_ATTEMPTS && same(p, now, text); i++) {
                    double v = clamp(step(p, rnd, x), p.low(), p.high());
                    text = Numbers.formatFloat(v, p.low(), p.high(), now);
                }
                return text;
            }
        }
    }

    private static double step(Parameter p, SplittableRandom rnd, double x) {
        double g = rnd.nextGaussian();
        return p.log() ? x * Math.exp(g * LOG_SIGMA) : x + g * LINEAR_SIGMA * (p.high() - p.low());
    }

    // ---- comparing and describing --------------------------------------------------------------

    /** Whether two texts stand for the same value of {@code p} (numerically for numbers). */
    private static boolean same(Parameter p, String a, String b) {
        if (a == null || b == null) return a == b;
        return canonical(p, a).equals(canonical(p, b));
    }

    private static String canonical(Parameter p, String text) {
        if (text == null) return "\0missing";
        if (p.type() == ParamType.CATEGORICAL) return text.strip();
        OptionalDouble v = Numbers.parse(text);
        if (v.isEmpty()) return "\0" + text;
        return p.type() == ParamType.INT ? Long.toString(Math.round(v.getAsDouble())) : Double.toString(v.getAsDouble());
    }

    private List<String> key(Map<String, String> values) {
        List<String> key = new ArrayList<>(params.size());
        for (Parameter p : params) key.add(canonical(p, values.get(p.name())));
        return key;
    }

    private String describe(Map<String, String> values, Map<String, String> current) {
        List<String> parts = new ArrayList<>();
        for (Parameter p : params) {
            String v = values.get(p.name());
            if (!same(p, current.get(p.name()), v)) parts.add(p.name() + "=" + v);
        }
        if (parts.isEmpty()) {
            // nothing could change (all draws repeated or fixed ranges): name the whole configuration
            for (Parameter p : params) parts.add(p.name() + "=" + values.get(p.name()));
        }
        return String.join(", ", parts);
    }

    /**
     * Configurations already tried: the current one, and each earlier record whose description
     * reads as assignments, laid over the current values. That is exact for experiments that
     * started from the current best and an approximation for older ones, which is all a
     * re-draw needs.
     */
    private Set<List<String>> tried(int experiment, Map<String, String> current, List<Experiment> history) {
        Set<List<String>> tried = new HashSet<>();
        tried.add(key(current));
        for (Experiment e : history) {
            // a record of this number or later (a resumed session's leftovers) must not steer the draw
            if (e.run() >= experiment || e.status() == Status.INTERRUPTED) continue;
            Map<String, String> assigned = assignments(e.description());
            if (assigned.isEmpty()) continue;
            Map<String, String> values = new LinkedHashMap<>(current);
            values.putAll(assigned);
            tried.add(key(values));
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

    private static boolean changeable(Parameter p) {
        return switch (p.type()) {
            case CATEGORICAL -> new HashSet<>(p.choices()).size() > 1;
            case INT -> intHigh(p) > intLow(p);
            case FLOAT -> p.high() > p.low();
        };
    }

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
        if (p.type() == ParamType.INT && intLow(p) > intHigh(p)) {
            throw new IllegalArgumentException(where + "range [" + p.low() + ", " + p.high() + "] holds no integer");
        }
    }

    private static long intLow(Parameter p) {
        return (long) Math.ceil(p.low());
    }

    private static long intHigh(Parameter p) {
        return (long) Math.floor(p.high());
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static double clamp(double v, double lo, double hi) {
        if (Double.isNaN(v)) return lo;
        return Math.max(lo, Math.min(hi, v));
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

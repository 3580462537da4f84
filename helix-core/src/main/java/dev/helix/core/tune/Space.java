package dev.helix.core.tune;

import dev.helix.core.spec.Spec.ParamType;
import dev.helix.core.spec.Spec.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * The search space of the tuned parameters: each parameter's values as a coordinate the model
 * works on (the value, or its log on a log scale; the index of the choice for a categorical), and
 * back to the text written into the files.
 */
final class Space {

    /** Spread of a log-scale perturbation: the value is multiplied by exp(N(0, 0.35)). */
    static final double LOG_SIGMA = 0.35;
    /** Spread of a linear perturbation, as a fraction of the range. */
    static final double LINEAR_SIGMA = 0.15;
    /** Attempts at a float perturbation that survives rounding to 4 significant digits. */
    private static final int CHANGE_ATTEMPTS = 10;
    /** Spaces with at most this many points are listed when random draws keep hitting tried points. */
    static final long LISTABLE = 200_000;

    final List<Parameter> params;

    Space(List<Parameter> params) {
        this.params = List.copyOf(params);
    }

    int dimensions() {
        return params.size();
    }

    boolean categorical(int d) {
        return params.get(d).type() == ParamType.CATEGORICAL;
    }

    int choices(int d) {
        return params.get(d).choices().size();
    }

    /** The lower bound of coordinate {@code d} (an int's range reaches half a step beyond its ends). */
    double low(int d) {
        Parameter p = params.get(d);
        return switch (p.type()) {
            case CATEGORICAL -> 0;
            case INT -> p.log() ? Math.log(intLow(p) - 0.5 > 0 ? intLow(p) - 0.5 : intLow(p)) : intLow(p) - 0.5;
            case FLOAT -> p.log() ? Math.log(p.low()) : p.low();
        };
    }

    double high(int d) {
        Parameter p = params.get(d);
        return switch (p.type()) {
            case CATEGORICAL -> p.choices().size() - 1;
            case INT -> p.log() ? Math.log(intHigh(p) + 0.5) : intHigh(p) + 0.5;
            case FLOAT -> p.log() ? Math.log(p.high()) : p.high();
        };
    }

    /** The coordinate of a value's text; empty when it does not read as a value of the parameter. */
    OptionalDouble coordinate(int d, String text) {
        Parameter p = params.get(d);
        if (text == null) return OptionalDouble.empty();
        if (p.type() == ParamType.CATEGORICAL) {
            int at = p.choices().indexOf(text.strip());
            return at < 0 ? OptionalDouble.empty() : OptionalDouble.of(at);
        }
        OptionalDouble v = Numbers.parse(text);
        if (v.isEmpty()) return v;
        double x = v.getAsDouble();
        if (p.log()) return x > 0 ? OptionalDouble.of(Math.log(x)) : OptionalDouble.empty();
        return OptionalDouble.of(x);
    }

    /** Every coordinate of a configuration; null when one does not read. */
    double[] coordinates(Map<String, String> values) {
        double[] out = new double[params.size()];
        for (int d = 0; d < out.length; d++) {
            OptionalDouble c = coordinate(d, values.get(params.get(d).name()));
            if (c.isEmpty()) return null;
            out[d] = c.getAsDouble();
        }
        return out;
    }

    /** The text of coordinate {@code u} of parameter {@code d}, in its range; {@code now} keeps its notation. */
    String text(int d, double u, String now) {
        Parameter p = params.get(d);
        return switch (p.type()) {
            case CATEGORICAL -> p.choices().get((int) clamp(Math.round(u), 0, p.choices().size() - 1));
            case INT -> Long.toString(clamp(Math.round(p.log() ? Math.exp(u) : u), intLow(p), intHigh(p)));
            case FLOAT -> Numbers.formatFloat(clamp(p.log() ? Math.exp(u) : u, p.low(), p.high()), p.low(), p.high(), now);
        };
    }

    /** How many distinct configurations there are; {@link Long#MAX_VALUE} with a float or beyond {@link #LISTABLE}. */
    long size() {
        long n = 1;
        for (Parameter p : params) {
            long k = switch (p.type()) {
                case CATEGORICAL -> new HashSet<>(p.choices()).size();
                case INT -> intHigh(p) - intLow(p) + 1;
                case FLOAT -> p.high() > p.low() ? Long.MAX_VALUE : 1;
            };
            if (k == Long.MAX_VALUE || n > LISTABLE / Math.max(1, k)) return Long.MAX_VALUE;
            n *= k;
        }
        return n;
    }

    /** The {@code i}-th configuration of a listable space (see {@link #size()}), as texts. */
    List<String> point(long i) {
        List<String> out = new ArrayList<>(params.size());
        for (Parameter p : params) {
            switch (p.type()) {
                case CATEGORICAL -> {
                    List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(p.choices()));
                    out.add(distinct.get((int) (i % distinct.size())));
                    i /= distinct.size();
                }
                case INT -> {
                    long k = intHigh(p) - intLow(p) + 1;
                    out.add(Long.toString(intLow(p) + i % k));
                    i /= k;
                }
                case FLOAT -> out.add(Numbers.formatFloat(p.low(), p.low(), p.high(), null));
            }
        }
        return out;
    }

    // ---- keys: which texts stand for the same point ---------------------------------------------

    /** Whether two texts stand for the same value of {@code p} (numerically for numbers). */
    static boolean same(Parameter p, String a, String b) {
        if (a == null || b == null) return a == b;
        return canonical(p, a).equals(canonical(p, b));
    }

    static String canonical(Parameter p, String text) {
        if (text == null) return "\0missing";
        if (p.type() == ParamType.CATEGORICAL) return text.strip();
        OptionalDouble v = Numbers.parse(text);
        if (v.isEmpty()) return "\0" + text;
        return p.type() == ParamType.INT ? Long.toString(Math.round(v.getAsDouble())) : Double.toString(v.getAsDouble());
    }

    /** The point a configuration stands for: one canonical text per parameter, in declaration order. */
    List<String> key(Map<String, String> values) {
        List<String> key = new ArrayList<>(params.size());
        for (Parameter p : params) key.add(canonical(p, values.get(p.name())));
        return key;
    }

    // ---- random draws ---------------------------------------------------------------------------

    /** A uniform draw over the whole range (log-uniform when {@code log}). */
    static String uniform(Parameter p, SplittableRandom rnd, String now) {
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
    static String nudge(Parameter p, SplittableRandom rnd, String now) {
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

    // ---- ranges ---------------------------------------------------------------------------------

    static boolean changeable(Parameter p) {
        return switch (p.type()) {
            case CATEGORICAL -> new HashSet<>(p.choices()).size() > 1;
            case INT -> intHigh(p) > intLow(p);
            case FLOAT -> p.high() > p.low();
        };
    }

    static long intLow(Parameter p) {
        return (long) Math.ceil(p.low());
    }

    static long intHigh(Parameter p) {
        return (long) Math.floor(p.high());
    }

    static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    static double clamp(double v, double lo, double hi) {
        if (Double.isNaN(v)) return lo;
        return Math.max(lo, Math.min(hi, v));
    }
}

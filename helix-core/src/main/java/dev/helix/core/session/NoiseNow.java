package dev.helix.core.session;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Judge;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How noisy the metric is now, not when the session started: the pooled sd of a block's difference
 * (candidate minus incumbent) over the recent experiments measured in blocks, against what the
 * baseline's repeats predict for a difference (its sd times the square root of two), and against the
 * same spread over the experiments before (its trend). A machine that got busy shows as a ratio of several.
 *
 * @param sdDifference the pooled sd of one block's difference, within each experiment (so the effects themselves do not count)
 * @param df its degrees of freedom
 * @param experiments how many recent experiments it pools
 * @param ratio sdDifference over the baseline's prediction
 * @param earlier the same spread over the {@value #RECENT} experiments before those (NaN when they give none)
 */
public record NoiseNow(double sdDifference, int df, int experiments, double ratio, double earlier) {

    /** How many recent experiments with at least two blocks are pooled. */
    static final int RECENT = 5;
    /** From this ratio on, the noise has grown several-fold and status says so. */
    public static final double GROWN = 3;
    /** A trend this far from 1 (either way) is rising or falling rather than steady. */
    static final double MOVED = 1.5;

    /** Empty for a strict session, or before two recent experiments' blocks give a spread. */
    public static Optional<NoiseNow> of(List<Experiment> records) {
        double baselineSd = Records.baseline(records).flatMap(Experiment::noise).filter(n -> n.statistical())
                .map(n -> n.sd()).orElse(0.0);
        if (!(baselineSd > 0)) return Optional.empty();
        List<List<Double>> blocks = new ArrayList<>();
        for (int i = records.size() - 1; i >= 0 && blocks.size() < 2 * RECENT; i--) {
            Experiment e = records.get(i);
            int n = e.samples().size();
            if (e.run() == 0 || e.evidence().isEmpty() || n < 2 || e.incumbentSamples().size() != n) continue;
            List<Double> d = new ArrayList<>();
            for (int k = 0; k < n; k++) d.add(e.samples().get(k) - e.incumbentSamples().get(k));
            if (d.stream().allMatch(Double::isFinite)) blocks.add(d);
        }
        List<List<Double>> recent = blocks.subList(0, Math.min(RECENT, blocks.size()));
        double[] now = pooled(recent);
        if (now[1] < 2) return Optional.empty();
        double[] before = pooled(blocks.subList(recent.size(), blocks.size()));
        double sd = now[0];
        return Optional.of(new NoiseNow(sd, (int) now[1], recent.size(), sd / (baselineSd * Math.sqrt(2)),
                before[1] < 2 ? Double.NaN : before[0]));
    }

    /** {sd, df}: the within-experiment spread pooled over {@code groups}. */
    private static double[] pooled(List<List<Double>> groups) {
        double ss = 0;
        int df = 0;
        for (List<Double> d : groups) {
            double mean = d.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            for (double x : d) ss += (x - mean) * (x - mean);
            df += d.size() - 1;
        }
        return new double[] {df == 0 ? Double.NaN : Math.sqrt(ss / df), df};
    }

    /** The spread now over the spread before (NaN when there is no before). */
    public double trend() {
        return sdDifference / earlier;
    }

    /** Several-fold louder than the baseline predicts, or than the experiments just before. */
    public boolean grown() {
        return ratio >= GROWN || trend() >= GROWN;
    }

    /** "rising", "falling" or "steady" against the experiments before; empty without them. */
    public Optional<String> direction() {
        double t = trend();
        if (!Double.isFinite(t)) return Optional.empty();
        return Optional.of(t >= MOVED ? "rising" : t <= 1 / MOVED ? "falling" : "steady");
    }

    /**
     * "noise now: sd of a difference 0.71 over the last 5 experiments, 1.0× what the baseline predicts;
     * steady (0.69 over the 5 before)", and when it grew several-fold, a sentence saying so.
     */
    public String render() {
        String line = "noise now: sd of a difference " + Judge.fmt(sdDifference) + " over the last " + experiments
                + " experiment" + (experiments == 1 ? "" : "s") + String.format(Locale.ROOT, ", %.1f× what the baseline predicts", ratio)
                + direction().map(d -> "; " + d + " (" + Judge.fmt(earlier) + " over the " + RECENT + " before)").orElse("");
        return grown() ? line + " — the noise has grown several-fold during the session (a busier machine?);"
                + " keeps need more evaluations now" : line;
    }
}

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
 * baseline's repeats predict for a difference (its sd times the square root of two). A machine that
 * got busy shows as a ratio of several.
 *
 * @param sdDifference the pooled sd of one block's difference, within each experiment (so the effects themselves do not count)
 * @param df its degrees of freedom
 * @param experiments how many recent experiments it pools
 * @param ratio sdDifference over the baseline's prediction
 */
public record NoiseNow(double sdDifference, int df, int experiments, double ratio) {

    /** How many recent experiments with at least two blocks are pooled. */
    static final int RECENT = 5;
    /** From this ratio on, the noise has grown several-fold and status says so. */
    public static final double GROWN = 3;

    /** Empty for a strict session, or before two recent experiments' blocks give a spread. */
    public static Optional<NoiseNow> of(List<Experiment> records) {
        double baselineSd = Records.baseline(records).flatMap(Experiment::noise).filter(n -> n.statistical())
                .map(n -> n.sd()).orElse(0.0);
        if (!(baselineSd > 0)) return Optional.empty();
        List<List<Double>> recent = new ArrayList<>();
        for (int i = records.size() - 1; i >= 0 && recent.size() < RECENT; i--) {
            Experiment e = records.get(i);
            int n = e.samples().size();
            if (e.run() == 0 || e.evidence().isEmpty() || n < 2 || e.incumbentSamples().size() != n) continue;
            List<Double> d = new ArrayList<>();
            for (int k = 0; k < n; k++) d.add(e.samples().get(k) - e.incumbentSamples().get(k));
            if (d.stream().allMatch(Double::isFinite)) recent.add(d);
        }
        double ss = 0;
        int df = 0;
        for (List<Double> d : recent) {
            double mean = d.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            for (double x : d) ss += (x - mean) * (x - mean);
            df += d.size() - 1;
        }
        if (df < 2) return Optional.empty();
        double sd = Math.sqrt(ss / df);
        return Optional.of(new NoiseNow(sd, df, recent.size(), sd / (baselineSd * Math.sqrt(2))));
    }

    public boolean grown() {
        return ratio >= GROWN;
    }

    /** "noise now: sd of a difference 0.71 over the last 5 experiments, 1.0× what the baseline predicts". */
    public String render() {
        String line = "noise now: sd of a difference " + Judge.fmt(sdDifference) + " over the last " + experiments
                + " experiment" + (experiments == 1 ? "" : "s") + String.format(Locale.ROOT, ", %.1f× what the baseline predicts", ratio);
        return grown() ? line + " — the noise has grown several-fold since the baseline (a busier machine?);"
                + " keeps need more evaluations now" : line;
    }
}

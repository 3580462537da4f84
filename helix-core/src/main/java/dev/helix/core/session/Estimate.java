package dev.helix.core.session;

import dev.helix.core.experiment.Noise;
import dev.helix.core.judge.Judge;
import dev.helix.core.judge.StudentT;
import java.util.List;

/**
 * A commit's level estimated from every measurement of it in a session, with a 95% confidence
 * interval (t-based). A kept run's own samples are biased upwards by selection (it was kept because
 * they looked good); its later re-measures as the incumbent are not, so the pooled mean is the
 * honest figure.
 *
 * @param mean the mean of every sample
 * @param ciLow lower end of the 95% interval of the mean (NaN for fewer than two samples)
 * @param ciHigh upper end of the same
 * @param n how many samples
 * @param sd their sample standard deviation (0 for fewer than two)
 */
public record Estimate(double mean, double ciLow, double ciHigh, int n, double sd) {

    static final double LEVEL = 0.95;

    /** The estimate from {@code samples}; at least one. */
    public static Estimate of(List<Double> samples) {
        if (samples.isEmpty()) throw new IllegalArgumentException("no samples");
        int n = samples.size();
        double mean = Noise.mean(samples);
        double sd = Noise.sd(samples);
        double half = n < 2 ? Double.NaN : StudentT.quantile(1 - (1 - LEVEL) / 2, n - 1) * sd / Math.sqrt(n);
        return new Estimate(mean, mean - half, mean + half, n, sd);
    }

    /** "1.05 (95% CI 1.03 to 1.07, 9 measurements)". */
    public String render() {
        String ci = Double.isFinite(ciLow) ? "95% CI " + Judge.fmt(ciLow) + " to " + Judge.fmt(ciHigh) + ", " : "";
        return Judge.fmt(mean) + " (" + ci + n + " measurement" + (n == 1 ? "" : "s") + ")";
    }

    /**
     * The session's gain: the best's estimate minus the baseline's, with a 95% interval (Welch).
     *
     * @param delta best minus baseline, in the metric's units (signed as the metric moved)
     * @param pct the same in percent of the baseline's mean (NaN when that is 0)
     */
    public record Gain(double delta, double ciLow, double ciHigh, double pct) {

        public static Gain between(Estimate baseline, Estimate best) {
            double delta = best.mean() - baseline.mean();
            double vb = baseline.sd() * baseline.sd() / baseline.n();
            double vk = best.sd() * best.sd() / best.n();
            double half = Double.NaN;
            if (baseline.n() >= 2 && best.n() >= 2 && vb + vk > 0) {
                double df = (vb + vk) * (vb + vk)
                        / (vb * vb / (baseline.n() - 1) + vk * vk / (best.n() - 1));
                half = StudentT.quantile(1 - (1 - LEVEL) / 2, df) * Math.sqrt(vb + vk);
            } else if (baseline.n() >= 2 && best.n() >= 2) {
                half = 0;
            }
            double pct = baseline.mean() == 0 ? Double.NaN : delta / Math.abs(baseline.mean()) * 100;
            return new Gain(delta, delta - half, delta + half, pct);
        }

        /** "-0.04 (-3.67%; 95% CI -0.06 to -0.02)". */
        public String render() {
            String p = Double.isFinite(pct) ? Judge.percent(pct) : "";
            String ci = Double.isFinite(ciLow) ? "95% CI " + Judge.signed(ciLow) + " to " + Judge.signed(ciHigh) : "";
            String inner = p.isEmpty() || ci.isEmpty() ? p + ci : p + "; " + ci;
            return Judge.signed(delta) + (inner.isEmpty() ? "" : " (" + inner + ")");
        }
    }

    /**
     * What a session's headline says: the baseline's and the best's estimates from all their
     * measurements and the gain between them.
     *
     * @param bestRun the best's run number (0 when the best is still the baseline)
     */
    public record Headline(Estimate baseline, Estimate best, Gain gain, int bestRun) {

        /** "#3 1.05 (95% CI ..., 9 measurements) against baseline 1.09 (...): -0.04 (-3.67%; 95% CI ...)". */
        public String render() {
            return "#" + bestRun + " " + best.render() + " against baseline " + baseline.render() + ": " + gain.render();
        }
    }
}

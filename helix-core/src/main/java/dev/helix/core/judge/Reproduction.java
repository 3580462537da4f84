package dev.helix.core.judge;

import java.util.List;

/**
 * Whether re-measuring an experiment reproduces its recorded result: the recorded value lies
 * within the new samples' confidence interval, or within a relative tolerance of their mean (for
 * deterministic metrics, one sample and a tolerance of zero ask for the same value exactly).
 *
 * @param mean the new samples' mean
 * @param low the interval's lower end (the mean itself with one sample or no spread)
 * @param high its upper end
 */
public record Reproduction(boolean reproduces, double recorded, double mean, double low, double high, int n, String reason) {

    public static Reproduction check(double recorded, List<Double> samples, double tolerance, double confidence) {
        int n = samples.size();
        if (n == 0) throw new IllegalArgumentException("no samples");
        double mean = dev.helix.core.experiment.Noise.mean(samples);
        double sd = 0;
        if (n > 1) {
            double ss = samples.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
            sd = Math.sqrt(ss / (n - 1));
        }
        double half = n > 1 && sd > 0 ? StudentT.quantile(1 - (1 - confidence) / 2, n - 1) * sd / Math.sqrt(n) : 0;
        double low = mean - half;
        double high = mean + half;
        double allowed = Math.abs(recorded) * tolerance;
        boolean inInterval = recorded >= low - allowed && recorded <= high + allowed;
        String interval = half > 0
                ? Judge.fmt(confidence * 100) + "% CI " + Judge.fmt(low) + ".." + Judge.fmt(high)
                : "no spread";
        String reason = (inInterval ? "reproduces" : "does not reproduce") + ": recorded " + Judge.fmt(recorded)
                + ", re-measured " + Judge.fmt(mean) + " over " + n + " run" + (n == 1 ? "" : "s") + " (" + interval
                + (tolerance > 0 ? ", tolerance " + Judge.fmt(tolerance * 100) + "%" : "") + ")";
        return new Reproduction(inInterval, recorded, mean, low, high, n, reason);
    }
}

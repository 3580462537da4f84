package dev.helix.core.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Guesses which way a metric gets better from its name, so a helix.yaml may leave out
 * {@code optimize} for the obvious cases ("val_loss", "p99_latency_ms", "accuracy").
 */
public final class MetricNames {

    private static final Set<String> TIME_UNITS = Set.of(
            "s", "sec", "secs", "second", "seconds", "ms", "msec", "us", "usec", "ns", "nsec",
            "min", "mins", "minute", "minutes", "h", "hr", "hrs", "hour", "hours");

    private static final Set<String> LOWER_IS_BETTER = Set.of(
            "loss", "losses", "error", "errors", "err", "latency", "time", "times", "duration",
            "runtime", "walltime", "elapsed", "size", "bytes", "kb", "mb", "gb", "bpb", "bpc",
            "perplexity", "ppl", "nll", "mse", "mae", "rmse", "wer", "cer", "memory", "mem", "vram",
            "cost", "regret", "penalty", "violations", "failures", "crashes", "misses", "stalls",
            "cycles", "instructions", "allocs", "allocations");

    private static final Set<String> HIGHER_IS_BETTER = Set.of(
            "accuracy", "acc", "throughput", "speed", "speedup", "score", "f1", "reward", "rewards",
            "qps", "rps", "tps", "ops", "fps", "iops", "auc", "auroc", "precision", "recall", "bleu",
            "rouge", "ndcg", "mrr", "iou", "map", "mfu", "flops", "tflops", "gflops", "hits",
            "hit", "pass", "passed", "win", "wins", "winrate", "elo", "return", "returns",
            "utilization", "efficiency", "coverage", "r2");

    /** Words that make a name a rate, which is better when higher whatever time unit follows ("throughput_ops_sec"). */
    private static final Set<String> RATES = Set.of(
            "throughput", "qps", "rps", "tps", "ops", "fps", "iops", "flops", "tflops", "gflops", "bandwidth");

    /** Amounts that, followed by a time unit at the end of a name, make a rate ("mb_s", "tokens_sec", "it_s"). */
    private static final Set<String> AMOUNTS = Set.of(
            "b", "kb", "mb", "gb", "bytes", "ops", "op", "tokens", "tok", "samples", "items", "requests", "req", "reqs",
            "images", "img", "frames", "rows", "records", "queries", "steps", "iters", "it", "msgs", "messages",
            "events", "tx", "files", "lines", "chars", "calls");

    private MetricNames() {}

    /**
     * The direction a metric named {@code metricName} improves in, when its name says so.
     * Word parts are matched (split at non-letters and camelCase), the last telling part wins
     * ("accuracy_loss" minimizes); a rate maximizes whatever time word it has ("tokens_per_sec",
     * "throughput_ops_sec", "throughput_mb_s", "requests/s").
     */
    public static Optional<Direction> direction(String metricName) {
        if (metricName == null || metricName.isBlank()) return Optional.empty();
        List<String> words = words(metricName);
        if (rate(words).isPresent()) return Optional.of(Direction.MAXIMIZE);
        for (int i = words.size() - 1; i >= 0; i--) {
            Optional<Direction> d = word(words.get(i));
            if (d.isPresent()) return d;
        }
        // "trainloss", "valacc": glued words still carry a long keyword inside them.
        String glued = String.join("", words);
        Direction found = null;
        int at = -1;
        for (String w : LOWER_IS_BETTER) {
            int i = glued.lastIndexOf(w);
            if (w.length() >= 4 && i > at) { at = i; found = Direction.MINIMIZE; }
        }
        for (String w : HIGHER_IS_BETTER) {
            int i = glued.lastIndexOf(w);
            if (w.length() >= 5 && i > at) { at = i; found = Direction.MAXIMIZE; }
        }
        return Optional.ofNullable(found);
    }

    /**
     * For a name whose words point both ways ("throughput_ops_sec", "accuracy_loss"): which direction
     * {@link #direction} chose, and why; empty when the name is plain or says nothing.
     */
    public static Optional<String> why(String metricName) {
        Optional<Direction> d = direction(metricName);
        if (d.isEmpty()) return Optional.empty();
        List<String> words = words(metricName);
        List<String> down = words.stream().filter(w -> LOWER_IS_BETTER.contains(w) || TIME_UNITS.contains(w)).toList();
        List<String> up = words.stream().filter(w -> HIGHER_IS_BETTER.contains(w) || RATES.contains(w)).toList();
        Optional<String> rate = rate(words);
        if (rate.isPresent() && !down.isEmpty()) {
            return Optional.of(metricName + ": maximize, because it is a rate (" + rate.get() + "), which outweighs '"
                    + String.join("', '", down) + "'; add `optimize: minimize` if lower is better");
        }
        if (up.isEmpty() || down.isEmpty()) return Optional.empty();
        String last = words.stream().filter(w -> up.contains(w) || down.contains(w)).reduce((a, b) -> b).orElseThrow();
        return Optional.of(metricName + ": " + d.get().word() + ", because the last telling word '" + last
                + "' decides over '" + String.join("', '", (up.contains(last) ? down : up)) + "'; add `optimize: "
                + (d.get() == Direction.MINIMIZE ? "maximize" : "minimize") + "` if that is wrong");
    }

    /** What makes the words a rate (a rate word, "per" a time unit, an amount per time unit), if anything. */
    private static Optional<String> rate(List<String> words) {
        int per = words.indexOf("per");
        if (per >= 0 && per + 1 < words.size() && TIME_UNITS.contains(words.get(per + 1))) {
            return Optional.of("per " + words.get(per + 1));
        }
        Optional<String> word = words.stream().filter(RATES::contains).findFirst();
        if (word.isPresent()) return word;
        int n = words.size();
        if (n >= 2 && TIME_UNITS.contains(words.get(n - 1)) && AMOUNTS.contains(words.get(n - 2))) {
            return Optional.of(words.get(n - 2) + "/" + words.get(n - 1));
        }
        return Optional.empty();
    }

    private static Optional<Direction> word(String w) {
        if (LOWER_IS_BETTER.contains(w) || TIME_UNITS.contains(w)) return Optional.of(Direction.MINIMIZE);
        if (HIGHER_IS_BETTER.contains(w)) return Optional.of(Direction.MAXIMIZE);
        return Optional.empty();
    }

    /** "p99LatencyMs" → [p99, latency, ms]; "tokens/sec" → [tokens, sec]. */
    static List<String> words(String name) {
        String spaced = name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (String w : spaced.split("[^a-z0-9]+")) {
            if (!w.isEmpty()) out.add(w);
        }
        // "tokens/sec" reads as a rate just like "tokens_per_sec"
        if (name.contains("/") && out.size() >= 2 && TIME_UNITS.contains(out.get(out.size() - 1))) {
            out.add(out.size() - 1, "per");
        }
        return out;
    }
}

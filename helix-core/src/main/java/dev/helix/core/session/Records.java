package dev.helix.core.session;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.SequentialJudge;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Questions asked of a session's records: the baseline, the best, counts. */
public final class Records {
    private Records() {}

    public static Optional<Experiment> baseline(List<Experiment> records) {
        return records.stream().filter(e -> e.status() == Status.BASELINE).findFirst();
    }

    /** The last experiment the branch advanced to: the latest keep, else the baseline. */
    public static Optional<Experiment> best(List<Experiment> records) {
        Experiment best = null;
        for (Experiment e : records) {
            if (e.status().advances()) best = e;
        }
        return Optional.ofNullable(best);
    }

    /**
     * Every measured value of the primary, by commit: each record's own samples, plus the
     * incumbent's samples it measured beside them (statistical mode). The judge compares within
     * blocks only; these pools give a commit's level (for a relative min_improvement).
     */
    public static java.util.Map<String, List<Double>> pools(List<Experiment> records) {
        java.util.Map<String, List<Double>> pools = new java.util.LinkedHashMap<>();
        for (Experiment e : records) {
            if (!e.commit().isEmpty() && !e.samples().isEmpty()) {
                pools.computeIfAbsent(e.commit(), c -> new java.util.ArrayList<>()).addAll(e.samples());
            }
            e.evidence().map(dev.helix.core.experiment.Evidence::incumbent).filter(c -> !c.isEmpty())
                    .filter(c -> !e.incumbentSamples().isEmpty())
                    .ifPresent(c -> pools.computeIfAbsent(c, k -> new java.util.ArrayList<>()).addAll(e.incumbentSamples()));
        }
        return pools;
    }

    /**
     * The estimate of {@code commit} from every measurement of it in the session ({@link #pools}):
     * its own run's samples, every re-measure as an incumbent, every helix verify of it.
     */
    public static Optional<Estimate> estimate(List<Experiment> records, String commit) {
        List<Double> pool = pools(records).getOrDefault(commit, List.of());
        List<Double> finite = pool.stream().filter(Double::isFinite).toList();
        return finite.isEmpty() ? Optional.empty() : Optional.of(Estimate.of(finite));
    }

    /**
     * The headline of a session judged statistically: the baseline's and the best's estimates from
     * all their measurements and the gain between them; empty for a deterministic (strict) session,
     * whose single measurements are exact, and before the baseline is measured.
     */
    public static Optional<Estimate.Headline> headline(List<Experiment> records) {
        Optional<Experiment> baseline = baseline(records);
        Optional<Experiment> best = best(records);
        if (baseline.isEmpty() || best.isEmpty() || !baseline.get().noise().map(n -> n.statistical()).orElse(false)) {
            return Optional.empty();
        }
        Optional<Estimate> base = estimate(records, baseline.get().commit());
        Optional<Estimate> top = estimate(records, best.get().commit());
        if (base.isEmpty() || top.isEmpty()) return Optional.empty();
        return Optional.of(new Estimate.Headline(base.get(), top.get(), Estimate.Gain.between(base.get(), top.get()),
                best.get().run()));
    }

    /**
     * The noise prior of the statistical judge: the sd of a block's difference (candidate minus
     * incumbent) over the session's recent experiments measured in blocks, plus the baseline's
     * repeats ({@link SequentialJudge.Prior#ofSession}). Only spreads are taken from the past, never
     * a mean: every comparison happens inside its own blocks.
     */
    public static SequentialJudge.Prior differencePrior(List<Experiment> records) {
        List<List<Double>> differences = new ArrayList<>();
        for (Experiment e : records) {
            int n = e.samples().size();
            if (e.evidence().isEmpty() || e.incumbentSamples().size() != n) continue;
            List<Double> d = new ArrayList<>();
            for (int i = 0; i < n; i++) d.add(e.samples().get(i) - e.incumbentSamples().get(i));
            differences.add(d);
        }
        return SequentialJudge.Prior.ofSession(differences, baseline(records).map(Experiment::samples).orElse(List.of()));
    }

    /**
     * For {@code helix status}: the baseline's noise and the judge it chose, e.g.
     * "noise: sd 0.0123 (1.2% of 1.02) over 3 baseline runs -> statistical judge"; empty for a
     * session recorded before Helix measured noise.
     */
    public static Optional<String> noise(List<Experiment> records) {
        return baseline(records).flatMap(b -> b.noise().map(n -> n.render(b.primary().orElse(Double.NaN))));
    }

    /** Mean evaluations per experiment after the baseline (candidate and incumbent runs), for summaries. */
    public static double evaluationsPerExperiment(List<Experiment> records) {
        return records.stream().filter(e -> e.run() > 0 && e.status() != Status.REJECTED && e.status() != Status.INTERRUPTED
                        && e.status() != Status.VERIFY)
                .mapToInt(Experiment::evaluations).average().orElse(0);
    }

    /** The tokens the proposers reported, in and out. */
    public static long tokens(List<Experiment> records) {
        return records.stream().flatMap(e -> e.agent().stream())
                .mapToLong(a -> a.tokensIn().orElse(0L) + a.tokensOut().orElse(0L)).sum();
    }

    /** What the proposers reported spending, in USD. */
    public static double cost(List<Experiment> records) {
        return records.stream().flatMap(e -> e.agent().stream()).flatMap(a -> a.costUsd().stream())
                .mapToDouble(Double::doubleValue).sum();
    }

    /**
     * Experiments that ended stale: their last attempt is a stale record (one that was re-applied
     * on the new best and judged again ends with that judgement instead).
     */
    public static long stale(List<Experiment> records) {
        return lastAttempts(records).values().stream().filter(e -> e.status() == Status.STALE).count();
    }

    public static long count(List<Experiment> records, Status status) {
        return records.stream().filter(e -> e.status() == status).count();
    }

    /**
     * The session's counts: experiments (run numbers after the baseline) and attempts (the records
     * under them: an experiment, its fix-ups after a crash, its re-evaluations after a rebase). Each
     * experiment is counted once, by its last attempt, so kept + discarded + crashed + rejected +
     * stale + interrupted = experiments.
     */
    public static Event.Summary summary(List<Experiment> records) {
        java.util.Map<Integer, Experiment> last = lastAttempts(records);
        java.util.function.ToIntFunction<Status> ended = s -> (int) last.values().stream().filter(e -> e.status() == s).count();
        int attempts = (int) records.stream().filter(e -> e.run() > 0 && e.status() != Status.VERIFY).count();
        return new Event.Summary(last.size(), attempts, ended.applyAsInt(Status.KEEP), ended.applyAsInt(Status.DISCARD),
                ended.applyAsInt(Status.CRASH), ended.applyAsInt(Status.REJECTED), ended.applyAsInt(Status.STALE),
                ended.applyAsInt(Status.INTERRUPTED), baseline(records).orElse(null), best(records).orElse(null),
                evaluationsPerExperiment(records));
    }

    /** Each experiment after the baseline by run number, as its last attempt left it (re-measures by helix verify aside). */
    static java.util.Map<Integer, Experiment> lastAttempts(List<Experiment> records) {
        java.util.Map<Integer, Experiment> last = new java.util.LinkedHashMap<>();
        for (Experiment e : records) {
            if (e.status() == Status.VERIFY || e.run() == 0) continue;
            last.merge(e.run(), e, (a, b) -> b.attempt() >= a.attempt() ? b : a);
        }
        return last;
    }
}

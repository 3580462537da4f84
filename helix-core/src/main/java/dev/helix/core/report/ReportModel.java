package dev.helix.core.report;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Power;
import dev.helix.core.session.Estimate;
import dev.helix.core.session.Records;
import dev.helix.core.spec.Direction;
import dev.helix.core.spec.Spec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a research report says about one session, computed from its ledger records: the summary,
 * one chart point per record with the best so far, the kept changes with their diffs, the themes
 * of crashes, discards and rejections, repeated ideas, and the signals a person should look at.
 *
 * @param goal the spec's description of what the session is after
 * @param metric the primary metric's name
 * @param direction which way the metric improves
 * @param improvementPct best against baseline in percent of the baseline (signed, as the metric moved), from
 *                       the kept run's own measurement
 * @param headline on a noisy metric, the baseline's and the best's estimates from every measurement and the
 *                 gain between them, which a kept run's own measurement overstates
 * @param counts experiments and attempts, each experiment counted by its last attempt
 * @param span first start to last finish
 * @param evalSeconds every evaluation's time, summed
 * @param agentSeconds every proposal's time as the proposers reported it, summed
 * @param falseKeeps on a noisy metric judged statistically: how many of its keeps the judge's error rate explains
 */
public record ReportModel(
        String tag,
        String goal,
        String metric,
        Direction direction,
        Optional<Experiment> baseline,
        Optional<Experiment> best,
        Optional<Double> improvementPct,
        Optional<Estimate.Headline> headline,
        Event.Summary counts,
        double evaluationsPerExperiment,
        Optional<String> noise,
        Instant startedAt,
        Instant finishedAt,
        Duration span,
        double evalSeconds,
        double agentSeconds,
        double costUsd,
        long tokensIn,
        long tokensOut,
        List<Point> points,
        List<KeptChange> keptChanges,
        List<Theme> crashThemes,
        List<Theme> discardThemes,
        List<Theme> rejectThemes,
        List<Repeat> repeatedDescriptions,
        List<String> signals,
        List<Experiment> records,
        Optional<FalseKeeps> falseKeeps,
        Optional<Finalized> finalized) {

    /**
     * What {@code helix finalize} last wrote of the session, as Markdown and as an HTML section
     * (rendered, and escaped, when it ran), and its counts when its final.json could be read.
     */
    public record Finalized(String markdown, String html, Optional<FinalTally> tally) {}

    /** This model with the finalize summary shown in the report. */
    public ReportModel withFinalized(Finalized finalized) {
        return new ReportModel(tag, goal, metric, direction, baseline, best, improvementPct, headline, counts, evaluationsPerExperiment,
                noise, startedAt, finishedAt, span, evalSeconds, agentSeconds, costUsd, tokensIn, tokensOut, points, keptChanges,
                crashThemes, discardThemes, rejectThemes, repeatedDescriptions, signals, records, falseKeeps,
                Optional.of(finalized));
    }

    /** Experiments after the baseline, each counted once by its last attempt. */
    public int experiments() {
        return counts.experiments();
    }

    public int kept() {
        return counts.kept();
    }

    public int discarded() {
        return counts.discarded();
    }

    public int crashed() {
        return counts.crashed();
    }

    public int rejected() {
        return counts.rejected();
    }

    /** What the records do not say: the spec's goal, metric name and direction, and its judge (when the spec is at hand). */
    public record Setting(String goal, String metric, Direction direction, Optional<Spec.JudgeSpec> judge) {
        public Setting(String goal, String metric, Direction direction) {
            this(goal, metric, direction, Optional.empty());
        }
    }

    /**
     * The false keeps a session should expect: each of the {@code judged} statistical judgements of a
     * change with no real effect keeps it with probability at most {@code rate} (the judge's rule,
     * see {@link Power#keep}), so at most {@code expected} of the {@code kept} keeps are noise.
     */
    public record FalseKeeps(int judged, double rate, double expected, int kept, double confidence, int blocks) {
        static Optional<FalseKeeps> of(List<Experiment> records, Optional<Spec.JudgeSpec> judge) {
            List<Experiment> judged = records.stream().filter(e -> e.evidence().isPresent()
                    && (e.status() == Status.KEEP || e.status() == Status.DISCARD || e.status() == Status.STALE)).toList();
            if (judged.isEmpty() || judge.isEmpty()) return Optional.empty();
            Spec.JudgeSpec j = judge.get();
            double rate = Power.keep(0, j.maxRepeats(), j.confidence());
            int kept = (int) judged.stream().filter(e -> e.status() == Status.KEEP).count();
            return Optional.of(new FalseKeeps(judged.size(), rate, judged.size() * rate, kept, j.confidence(), j.maxRepeats()));
        }
    }

    /**
     * One record on the chart.
     *
     * @param value the primary metric; empty for a crash or a rejection
     * @param bestSoFar the session's best after this record (NaN before the baseline is measured)
     * @param low lower end of the error bar (the statistical judge's confidence interval of the
     *            effect, placed around this value); empty without statistics
     * @param high upper end of the same
     */
    public record Point(int run, int attempt, Status status, Optional<Double> value, double bestSoFar,
                        Optional<Double> low, Optional<Double> high, String description) {}

    /** A kept experiment: what it changed and by how much, and its diff against the best before it. */
    public record KeptChange(int run, String commit, String parent, Optional<Double> value, Optional<Double> delta,
                             Optional<Double> deltaPct, String description, Optional<String> hypothesis, String reason,
                             DiffStat stat, String diff) {}

    /** A group of failures with the same kind of reason, e.g. "exit code 3" or "worse". */
    public record Theme(String theme, int count, List<Integer> runs, String example) {}

    /** The same description proposed more than once. */
    public record Repeat(String description, int count, List<Integer> runs) {}

    /**
     * Builds the model.
     *
     * @param diffOf the unified diff of a kept experiment against its parent (the best before it)
     */
    public static ReportModel of(String tag, Setting setting, List<Experiment> records, Function<Experiment, String> diffOf) {
        if (records.isEmpty()) throw new IllegalArgumentException("session " + tag + " has no records");
        var summary = Records.summary(records);
        Optional<Experiment> baseline = Records.baseline(records);
        Optional<Experiment> best = Records.best(records);
        Optional<Double> base = baseline.flatMap(Experiment::primary);
        Optional<Double> pct = base.filter(b -> b != 0).flatMap(b -> best.flatMap(Experiment::primary)
                .map(v -> (v - b) / Math.abs(b) * 100));
        Instant start = records.stream().map(Experiment::startedAt).min(Instant::compareTo).orElseThrow();
        Instant end = records.stream().map(Experiment::finishedAt).max(Instant::compareTo).orElseThrow();
        List<AgentUsage> usage = records.stream().flatMap(e -> e.agent().stream()).toList();
        List<KeptChange> kept = records.stream().filter(e -> e.status() == Status.KEEP)
                .map(e -> new KeptChange(e.run(), e.commit(), e.parent(), e.primary(), e.delta(), e.deltaPct(),
                        e.description(), e.hypothesis(), e.reason(), e.diff(), diffOf.apply(e)))
                .toList();
        return new ReportModel(tag, setting.goal(), setting.metric(), setting.direction(), baseline, best, pct,
                Records.headline(records),
                summary,
                Records.evaluationsPerExperiment(records), Records.noise(records), start, end, Duration.between(start, end),
                records.stream().mapToDouble(Experiment::evalSeconds).sum(),
                usage.stream().mapToDouble(AgentUsage::seconds).sum(), Records.cost(records),
                usage.stream().flatMap(a -> a.tokensIn().stream()).mapToLong(Long::longValue).sum(),
                usage.stream().flatMap(a -> a.tokensOut().stream()).mapToLong(Long::longValue).sum(),
                points(records), kept,
                Themes.of(records, Status.CRASH), Themes.of(records, Status.DISCARD), Themes.of(records, Status.REJECTED),
                Themes.repeats(records), dev.helix.core.session.Hints.of(records), List.copyOf(records),
                FalseKeeps.of(records, setting.judge()), Optional.empty());
    }

    /** One point per record, in ledger order, each with the best after it and its error bar. */
    static List<Point> points(List<Experiment> records) {
        List<Point> points = new ArrayList<>();
        double best = Double.NaN;
        for (Experiment e : records) {
            if (e.status().advances() && e.primary().isPresent()) best = e.primary().get();
            // The interval is of the effect (candidate minus incumbent); placed around the value it
            // shows where the candidate's mean plausibly lies.
            Optional<Double> low = e.evidence().flatMap(ev -> e.primary().map(v -> v + ev.ciLow() - ev.effect()))
                    .filter(Double::isFinite);
            Optional<Double> high = e.evidence().flatMap(ev -> e.primary().map(v -> v + ev.ciHigh() - ev.effect()))
                    .filter(Double::isFinite);
            points.add(new Point(e.run(), e.attempt(), e.status(), e.primary().filter(Double::isFinite), best,
                    low, high, e.description()));
        }
        return points;
    }
}

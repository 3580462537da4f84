package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.core.cost.Spend;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.report.ProposerShare;
import dev.helix.core.session.Dashboard;
import dev.helix.core.session.Hints;
import dev.helix.core.session.NoiseNow;
import dev.helix.core.session.Records;
import java.time.Instant;
import dev.helix.core.judge.Overfitting;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a session stands, as {@code helix status} shows it; absent values are left out of the JSON.
 * {@code experiments} are run numbers, each counted once by its last attempt (kept, discarded, ...
 * add up to it); {@code attempts} counts the records under them, fix-ups and re-evaluations included.
 * {@code best} is the kept run's own measurement; on a noisy metric {@code best_estimate},
 * {@code baseline_estimate} and {@code gain} are from every measurement of the two commits.
 * {@code holdout} (with evaluate.holdout), or {@code holdout_failure} when the baseline's hold-out failed,
 * is left out of an agent-driven session's status unless
 * asked for with --holdout: the agent is not to see it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record StatusView(
        String tag,
        String branch,
        boolean running,
        Long pid,
        List<Worker> workers,
        int experiments,
        int attempts,
        int kept,
        int discarded,
        int crashed,
        int rejected,
        int stale,
        int interrupted,
        Double baseline,
        Double best,
        @JsonProperty("best_run") Integer bestRun,
        @JsonProperty("cost_usd") double costUsd,
        NoiseJson noise,
        @JsonProperty("evaluations_per_experiment") double evaluationsPerExperiment,
        JsonNode last,
        List<String> warnings,
        @JsonProperty("best_estimate") EstimateJson bestEstimate,
        @JsonProperty("baseline_estimate") EstimateJson baselineEstimate,
        EstimateJson.Gain gain,
        @JsonProperty("noise_now") NoiseNowJson noiseNow,
        List<ProposerShare> proposers,
        HoldoutJson holdout,
        SpendJson spend,
        @JsonProperty("holdout_failure") String holdoutFailure) {

    /** The baseline's noise: the judge it chose ({@code strict} or {@code statistical}), the sd of its repeats and how many there were. */
    record NoiseJson(String kind, double sd, int samples) {
        static NoiseJson of(dev.helix.core.experiment.Noise n) {
            return new NoiseJson(n.mode(), n.sd(), n.n());
        }
    }

    /** One worker of the running loop, with how long it has been in its phase at the time of asking. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Worker(int worker, int run, String phase, String where, String direction, String since, long seconds,
                  @JsonProperty("budget_seconds") Integer budgetSeconds) {
        static Worker of(Dashboard.WorkerLine w, Instant now) {
            return new Worker(w.worker(), w.run(), w.phase(), w.where(), w.direction(), w.since().toString(), w.seconds(now),
                    w.budgetSeconds().isPresent() ? w.budgetSeconds().getAsInt() : null);
        }
    }

    /** Before the first experiment: no session, nothing counted. */
    static final StatusView EMPTY = new StatusView(null, null, false, null, null, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, 0,
            null, 0, null, List.of(), null, null, null, null, null, null, null, null);

    /** The view and its hints. */
    record Answer(StatusView view, List<String> hints) {
    }

    /**
     * A kept answer and everything it was computed from: the records, the spec as read (the hold-out's
     * comparison goes by its direction), the warnings and what was asked.
     */
    private record Still(List<Experiment> records, Optional<dev.helix.core.spec.Spec> spec, String tag, List<String> warnings,
                         boolean revealHoldout, Answer answer) {
    }

    /** The answers a resident Helix gave on sessions that do not run, while what they were computed from is unchanged. */
    private static final List<Still> STILL = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The view of session {@code s} and its hints; of a session that does not run, they depend on its records alone. */
    static Answer answer(SessionRecords s, List<Dashboard.WorkerLine> workers, Instant now) {
        boolean still = s.runningPid().isEmpty() && dev.helix.adapters.process.CallerEnvironment.override().isPresent();
        Optional<dev.helix.core.spec.Spec> spec = still ? s.spec() : Optional.empty();
        if (still) {
            for (Still k : STILL) {
                if (k.records() == s.records() && k.spec().equals(spec) && k.tag().equals(s.tag()) && k.warnings().equals(s.warnings())
                        && k.revealHoldout() == s.revealHoldout()) {
                    return k.answer();
                }
            }
        }
        StatusView view = of(s, workers, now);
        Answer answer = new Answer(view, view.hints(s));
        if (still) {
            if (STILL.size() >= 8) STILL.clear();
            STILL.add(new Still(s.records(), spec, s.tag(), s.warnings(), s.revealHoldout(), answer));
        }
        return answer;
    }

    /** The view of session {@code s}; {@code workers} are those of its running loop (empty when none runs). */
    static StatusView of(SessionRecords s, List<Dashboard.WorkerLine> workers, Instant now) {
        List<Experiment> records = s.records();
        var summary = Records.summary(records);
        var best = Records.best(records);
        boolean running = s.runningPid().isPresent();
        var headline = Records.headline(records);
        return new StatusView(s.tag(), "helix/" + s.tag(), running, s.runningPid().orElse(null),
                running ? workers.stream().map(w -> Worker.of(w, now)).toList() : null,
                summary.experiments(), summary.attempts(), summary.kept(), summary.discarded(), summary.crashed(),
                summary.rejected(), summary.stale(), summary.interrupted(),
                Records.baseline(records).flatMap(Experiment::primary).orElse(null),
                best.flatMap(Experiment::primary).orElse(null), best.map(Experiment::run).orElse(null),
                Records.cost(records), Records.baseline(records).flatMap(Experiment::noise).map(NoiseJson::of).orElse(null), Records.evaluationsPerExperiment(records),
                SessionRecords.json(records.get(records.size() - 1)), s.warnings(),
                headline.map(h -> EstimateJson.of(h.best())).orElse(null), headline.map(h -> EstimateJson.of(h.baseline())).orElse(null),
                headline.map(h -> EstimateJson.Gain.of(h.gain())).orElse(null), NoiseNow.of(records).map(NoiseNowJson::of).orElse(null),
                ProposerShare.of(records).isEmpty() ? null : ProposerShare.of(records),
                s.holdout().map(HoldoutJson::of).orElse(null), SpendJson.of(Spend.of(records)),
                s.holdoutUnmeasured().orElse(null));
    }

    /** The lines for people: state, workers, counts, noise, spend, the last experiment and the hints. */
    static String text(SessionRecords s, StatusView v, List<Dashboard.WorkerLine> workers, Instant now) {
        List<String> lines = new ArrayList<>();
        lines.add("Session " + v.tag() + " (branch " + v.branch() + "): "
                + (v.pid() == null ? "not running" : "running, pid " + v.pid()));
        if (!workers.isEmpty()) {
            lines.add("Workers: " + Dashboard.busy(workers) + " of " + workers.size() + " busy");
            workers.forEach(w -> lines.add("  " + Dashboard.worker(w, now)));
        }
        lines.add(ConsoleRenderer.summary(Records.summary(s.records())));
        Records.headline(s.records()).ifPresent(h -> lines.add("Best from every measurement: " + h.render()));
        Records.noise(s.records()).ifPresent(n -> lines.add(n.substring(0, 1).toUpperCase(Locale.ROOT) + n.substring(1)));
        NoiseNow.of(s.records()).map(NoiseNow::render).ifPresent(n -> lines.add(n.substring(0, 1).toUpperCase(Locale.ROOT) + n.substring(1)));
        lines.add(String.format(Locale.ROOT, "Evaluations per experiment: %.2f", v.evaluationsPerExperiment()));
        if (v.proposers() != null) lines.add("Proposers: " + ProposerShare.render(v.proposers()));
        s.holdout().map(Overfitting::render).or(s::holdoutUnmeasured).ifPresent(o -> lines.add("Hold-out: " + o));
        Spend spend = Spend.of(s.records());
        if (spend.any()) lines.add("Spent: " + spend.render());
        lines.add("Last: " + ConsoleRenderer.row(s.shown(s.records().get(s.records().size() - 1))));
        Hints.of(s.records()).forEach(h -> lines.add("hint: " + h));
        return String.join("\n", lines);
    }

    /** The session's own hints, then what to do next. */
    @JsonIgnore
    List<String> hints(SessionRecords s) {
        List<String> hints = new ArrayList<>(Hints.of(s.records()));
        hints.addAll(running ? List.of("watch it: helix watch")
                : List.of(s.driver().next(tag), "see the best: helix best"));
        return hints;
    }
}

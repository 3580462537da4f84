package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.helix.app.run.RunSession;
import dev.helix.core.cost.Spend;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.session.Estimate;
import dev.helix.core.session.NoiseNow;
import dev.helix.core.session.Records;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How a session run ended, for people (text) and programs (the JSON envelope's data). */
record SessionReport(
        String tag,
        String branch,
        @JsonProperty("stop_reason") String stopReason,
        String detail,
        int experiments,
        int attempts,
        int kept,
        int discarded,
        int crashed,
        int rejected,
        int stale,
        int interrupted,
        @JsonProperty("baseline") Double baseline,
        @JsonProperty("best") Double best,
        @JsonProperty("best_run") Integer bestRun,
        @JsonProperty("improvement_pct") Double improvementPct,
        @JsonProperty("kept_changes") List<String> keptChanges,
        String ledger,
        @JsonProperty("ledger_commit") String ledgerCommit,
        String worktree,
        String metric,
        @JsonProperty("best_estimate") @JsonInclude(JsonInclude.Include.NON_NULL) EstimateJson bestEstimate,
        @JsonProperty("baseline_estimate") @JsonInclude(JsonInclude.Include.NON_NULL) EstimateJson baselineEstimate,
        @JsonInclude(JsonInclude.Include.NON_NULL) EstimateJson.Gain gain,
        @JsonProperty("noise_now") @JsonInclude(JsonInclude.Include.NON_NULL) NoiseNowJson noiseNow,
        SpendJson spend,
        @JsonIgnore Spend spent,
        @JsonIgnore Optional<Estimate.Headline> headline,
        @JsonIgnore Optional<NoiseNow> noise) {

    static SessionReport of(RunSession.Finished f) {
        List<Experiment> records = f.outcome().experiments();
        var summary = Records.summary(records);
        Double base = f.outcome().baseline().flatMap(Experiment::primary).orElse(null);
        Experiment bestRecord = f.outcome().best().orElse(null);
        Double best = bestRecord == null ? null : bestRecord.primary().orElse(null);
        Double pct = base == null || best == null || base == 0 ? null : (best - base) / Math.abs(base) * 100;
        List<String> keptChanges = new ArrayList<>();
        for (Experiment e : records) {
            if (e.status() == Status.KEEP) {
                keptChanges.add("#" + e.run() + " " + e.primary().map(Judge::fmt).orElse("?")
                        + e.delta().map(d -> " (" + Judge.signed(d) + ")").orElse("") + "  " + e.description());
            }
        }
        RunSession.Prepared p = f.prepared();
        Optional<Estimate.Headline> headline = Records.headline(records);
        Optional<NoiseNow> noise = NoiseNow.of(records);
        return new SessionReport(p.tag(), "helix/" + p.tag(), f.outcome().reason().text, f.outcome().detail(),
                summary.experiments(), summary.attempts(), summary.kept(), summary.discarded(), summary.crashed(),
                summary.rejected(), summary.stale(), summary.interrupted(), base, best, bestRecord == null ? null : bestRecord.run(), pct, keptChanges,
                p.helixDir().resolve("experiments.jsonl").toString(), f.ledgerCommit(), p.worktree().toString(),
                p.spec().metrics().primary().name(), headline.map(h -> EstimateJson.of(h.best())).orElse(null),
                headline.map(h -> EstimateJson.of(h.baseline())).orElse(null), headline.map(h -> EstimateJson.Gain.of(h.gain())).orElse(null),
                noise.map(NoiseNowJson::of).orElse(null), SpendJson.of(Spend.of(records)), Spend.of(records), headline, noise);
    }

    /**
     * Prints how {@code f} ended: the text for people, and the envelope, which says error (with the
     * stop's details still in data) when the session stopped on something that needs a fix; returns the exit code.
     */
    static int render(Output output, RunSession.Finished f) {
        SessionReport report = of(f);
        output.text(report.text());
        int code = exitCode(f);
        if (code == ExitCodes.FAILURE) {
            output.failure(f.outcome().reason().name().toLowerCase(java.util.Locale.ROOT), report.stopReason
                    + (report.detail.isBlank() ? "" : ": " + report.detail), "fix the cause, then continue: helix run --resume --tag "
                    + report.tag, report, report.hints());
        } else {
            output.result(report.interruptedRun() ? "interrupted" : "success", report, report.hints());
        }
        return code;
    }

    /** 130 when interrupted; 1 when the session could not start, its baseline crashed or its proposer keeps failing; else 0. */
    static int exitCode(RunSession.Finished f) {
        return switch (f.outcome().reason()) {
            case INTERRUPTED -> ExitCodes.INTERRUPTED;
            case SETUP_FAILED, BASELINE_CRASHED, PROPOSER_FAILING, OUTAGE, CAP_BLIND -> ExitCodes.FAILURE;
            default -> ExitCodes.OK;
        };
    }

    /** Whether the run itself was stopped by Ctrl-C or a signal (then the envelope's status says "interrupted"). */
    @JsonIgnore
    boolean interruptedRun() {
        return stopReason.equals(dev.helix.core.session.StopReason.INTERRUPTED.text);
    }

    @JsonIgnore
    List<String> hints() {
        List<String> hints = new ArrayList<>();
        hints.add("see the kept changes: git log --oneline " + branch);
        hints.add("continue this session: helix run --resume --tag " + tag);
        return hints;
    }

    @JsonIgnore
    String text() {
        StringBuilder b = new StringBuilder();
        b.append('\n').append("Session ").append(tag).append(" stopped: ").append(stopReason);
        if (!detail.isBlank()) b.append("\n  ").append(detail.replace("\n", "\n  "));
        b.append('\n').append(String.format("%d experiments after the baseline%s: %d kept, %d discarded, %d crashed, %d rejected",
                experiments, attempts > experiments ? " (" + attempts + " attempts, each experiment counted by its last)" : "",
                kept, discarded, crashed, rejected));
        if (stale > 0) b.append(", ").append(stale).append(" stale (another worker's keep came first)");
        if (interrupted > 0) b.append(", ").append(interrupted).append(" interrupted");
        if (best != null && baseline != null) {
            b.append('\n').append("Best:     ").append(metric).append(' ').append(Judge.fmt(best)).append(" (#").append(bestRun)
                    .append(") against baseline ").append(Judge.fmt(baseline));
            if (improvementPct != null) b.append(", ").append(Judge.percent(improvementPct));
            // The kept run's own samples are biased upwards by selection: the honest figure is from every measurement.
            headline.ifPresent(h -> b.append(" (as first measured)\n          from every measurement: ").append(h.render()));
        }
        noise.ifPresent(n -> b.append('\n').append("Noise now: ").append(n.render().replaceFirst("^noise now: ", "")));
        if (spent.any()) b.append('\n').append("Spent:    ").append(spent.render());
        if (!keptChanges.isEmpty()) {
            b.append('\n').append("Kept:");
            keptChanges.forEach(k -> b.append("\n  ").append(k));
        }
        b.append('\n').append("Branch:   ").append(branch).append("   (git log ").append(branch).append(")");
        b.append('\n').append("Ledger:   ").append(ledger).append("   (also experiments.tsv on the branch)");
        b.append('\n').append("Worktree: ").append(worktree);
        if (interruptedRun()) b.append('\n').append("Resume:   helix run --resume --tag ").append(tag);
        return b.toString();
    }
}

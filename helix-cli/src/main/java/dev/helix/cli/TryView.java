package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.app.trying.TrySession;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.session.Hints;
import dev.helix.core.session.Records;
import java.util.ArrayList;
import java.util.List;

/** The verdict on the agent's edit, as {@code helix try} answers it; absent values are left out of the JSON. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TryView(
        String tag,
        int run,
        String status,
        Double metric,
        Double delta,
        @JsonProperty("delta_pct") Double deltaPct,
        Double best,
        Double baseline,
        @JsonProperty("delta_vs_baseline") Double deltaVsBaseline,
        String reason,
        boolean kept,
        String commit,
        String log,
        @JsonProperty("log_tail") String logTail,
        JsonNode record,
        /** Untracked files outside scope.editable that changed since the last try: never committed, never removed. */
        @JsonProperty("left_alone") List<String> leftAlone,
        /** On a session's first try: the machine and the earlier sessions' baseline and best to beat. */
        String briefing) {

    static TryView of(TrySession.Outcome o) {
        Experiment verdict = verdict(o);
        Experiment best = Records.best(o.session()).orElseThrow();
        Experiment baseline = Records.baseline(o.session()).orElseThrow();
        Double vsBaseline = verdict.primary().isPresent() && baseline.primary().isPresent()
                ? verdict.primary().get() - baseline.primary().get() : null;
        return new TryView(o.tag(), verdict.run(), verdict.status().word(), verdict.primary().orElse(null),
                verdict.delta().orElse(null), verdict.deltaPct().orElse(null), best.primary().orElse(null),
                baseline.primary().orElse(null), vsBaseline, verdict.reason(), verdict.status() == Status.KEEP,
                verdict.commit(), verdict.log(), verdict.logTail().orElse(null), SessionRecords.json(verdict),
                o.leftAlone(), o.briefing().orElse(null));
    }

    /** The lines for people: every record appended, the verdict, the best against the baseline, and the hints. */
    static String text(TrySession.Outcome o, List<String> hints) {
        List<String> lines = new ArrayList<>();
        o.briefing().ifPresent(b -> lines.add(b.strip() + "\n"));
        o.appended().forEach(e -> lines.add(ConsoleRenderer.row(e)));
        Experiment verdict = verdict(o);
        Experiment best = Records.best(o.session()).orElseThrow();
        Experiment baseline = Records.baseline(o.session()).orElseThrow();
        lines.add(verdict.status().word() + ": " + verdict.reason());
        lines.add("best: #" + best.run() + " " + best.primary().map(Judge::fmt).orElse("-") + " (baseline "
                + baseline.primary().map(Judge::fmt).orElse("-") + ")");
        // Only a crash, a stop, or a keep whose evaluate.checks failed carries a tail.
        verdict.logTail().ifPresent(t -> lines.add("log tail:\n" + t));
        if (!o.leftAlone().isEmpty()) {
            lines.add("left alone (untracked, outside scope.editable: not committed, not removed): " + String.join(", ", o.leftAlone()));
        }
        hints.forEach(h -> lines.add("hint: " + h));
        return String.join("\n", lines);
    }

    /** The record that decided this try: the last one it appended. */
    static Experiment verdict(TrySession.Outcome o) {
        return o.appended().get(o.appended().size() - 1);
    }

    /** What the agent should do next, from how the session is going. */
    static List<String> hints(Experiment verdict, List<Experiment> records) {
        List<String> hints = new ArrayList<>();
        switch (verdict.status()) {
            case KEEP -> hints.add("kept: build on it");
            case DISCARD -> {
                if (verdict.logTail().isEmpty()) {
                    hints.add("reverted: your edit is gone from the working tree; try another idea");
                } else {
                    hints.add("better, but evaluate.checks failed and it was reverted: read the log tail, then try a fixed version");
                    hints.add("get your edit back: helix show " + verdict.run() + " --patch | git apply");
                }
            }
            case CRASH -> {
                hints.add("crashed and reverted: read the log tail, then try a fixed version");
                if (!verdict.commit().isEmpty()) hints.add("get your edit back: helix show " + verdict.run() + " --patch | git apply");
            }
            case REJECTED -> hints.add("rejected and reverted: edit only the files in scope.editable");
            default -> { }
        }
        hints.addAll(Hints.of(records));
        return hints;
    }
}

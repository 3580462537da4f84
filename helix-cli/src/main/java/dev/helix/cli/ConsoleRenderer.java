package dev.helix.cli;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.port.Events;
import dev.helix.core.session.Dashboard;
import java.io.PrintWriter;
import java.time.Duration;

/** Renders session events as the lines a person watches: one per experiment, a summary every 10. */
final class ConsoleRenderer implements Events {
    private final PrintWriter out;

    ConsoleRenderer(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void emit(Event event) {
        switch (event) {
            case Event.SessionStarted s -> line(s.resumed()
                    ? "Resuming session " + s.tag() + " at experiment " + s.nextRun() + " (branch " + s.branch() + ")"
                    : "Session " + s.tag() + " on branch " + s.branch() + ", worktree " + s.worktree());
            case Event.SetupFinished s -> line("setup finished with exit code " + s.exitCode() + " in " + seconds(s.seconds()));
            case Event.ExperimentFinished f -> line(row(f.experiment()));
            case Event.Summary s -> line(summary(s));
            case Event.Notice n -> line("note: " + n.message());
            case Event.SessionFinished f -> line("Stopped: " + f.stopReason());
            case Event.ExperimentStarted ignored -> { }
            case Event.Proposed ignored -> { }
            case Event.Evaluating ignored -> { }
            case Event.WorkerBusy ignored -> { }
        }
    }

    /** "#3   keep     val_loss 0.4123   -0.0311 (-7.02%)  lr=0.031  4.2s" */
    static String row(Experiment e) {
        return row(e, description(e));
    }

    /**
     * What the experiment did, with why it ended so when it was neither kept nor discarded, or was
     * discarded though the judge would keep it (evaluate.checks failed: such a discard keeps a log tail).
     */
    private static String description(Experiment e) {
        boolean plain = e.status() == Status.KEEP || e.status() == Status.BASELINE
                || e.status() == Status.DISCARD && e.logTail().isEmpty();
        return plain ? e.description() : e.description() + " [" + e.reason() + "]";
    }

    private static String row(Experiment e, String text) {
        String metric = e.primary().map(Judge::fmt).orElse("-");
        String delta = e.delta().map(d -> Judge.signed(d) + e.deltaPct().map(p -> " (" + Judge.percent(p) + ")").orElse(""))
                .orElse("");
        double secs = Duration.between(e.startedAt(), e.finishedAt()).toMillis() / 1000.0;
        String evals = e.evaluations() > 1 ? " (" + e.evaluations() + " evaluations)" : "";
        // Sessions with several workers or slots say where each experiment ran.
        String where = e.slot().map(slot -> "  [worker " + e.worker() + ", " + slot + "]").orElse("");
        return String.format("#%-4d %-11s %-12s %-22s %s  %s%s%s%s", e.run(), e.status().word(), metric, delta, text,
                seconds(secs), evals, where, Dashboard.holdout(e));
    }

    /** The row, naming the proposer that made it when {@code proposer} (a session of several proposers, agent.mix). */
    static String row(Experiment e, boolean proposer) {
        String by = proposer ? e.agent().map(a -> "  [by " + a.backend() + "]").orElse("") : "";
        return row(e) + by;
    }

    /**
     * The row in at most {@code width} columns (when it can be): the description, the one column of
     * free length, is cut short with an ellipsis so a terminal does not wrap it. Zero or less: as it is.
     */
    static String row(Experiment e, boolean proposer, int width) {
        String full = row(e, proposer);
        int over = full.length() - width;
        if (width <= 0 || over <= 0) return full;
        String text = description(e);
        String by = full.substring(row(e).length());
        return row(e, text.substring(0, Math.max(1, text.length() - over - 1)) + "…") + by;
    }

    static String summary(Event.Summary s) {
        StringBuilder b = new StringBuilder("-- ").append(s.counts());
        if (s.baseline() != null && s.best() != null && s.baseline().primary().isPresent() && s.best().primary().isPresent()) {
            double base = s.baseline().primary().get();
            double best = s.best().primary().get();
            b.append("; best ").append(Judge.fmt(best)).append(" (#").append(s.best().run()).append(") vs baseline ")
                    .append(Judge.fmt(base));
            if (base != 0) b.append(", ").append(Judge.percent((best - base) / Math.abs(base) * 100));
        }
        if (s.evaluationsPerExperiment() > 1.005) {
            b.append(String.format(java.util.Locale.ROOT, "; %.2f evaluations per experiment", s.evaluationsPerExperiment()));
        }
        return b.toString();
    }

    private static String seconds(double s) {
        return String.format(java.util.Locale.ROOT, "%.1fs", s);
    }

    private void line(String text) {
        out.println(text);
        out.flush();
    }
}

package dev.helix.core.session;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The screen of {@code helix watch} as lines of text, from a session's records and the moment it
 * is drawn: pure, so a terminal only has to draw it and a test can compare it with a golden file.
 */
public final class Dashboard {
    /** How many experiments the screen lists. */
    public static final int LAST = 15;
    private static final String BARS = "▁▂▃▄▅▆▇█";

    private Dashboard() {}

    public enum Phase {
        PROPOSING, EVALUATING;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The experiment a running loop is on (the ledger holds only finished ones).
     *
     * @param since when the phase began
     * @param budgetSeconds how long the phase may take (the agent's or the evaluation's timeout)
     */
    public record InProgress(int run, Phase phase, Instant since, OptionalInt budgetSeconds) {}

    /**
     * What one worker of a running session does (helix run --workers W).
     *
     * @param run the experiment it works on, 0 when it has none (starting, idle)
     * @param phase starting, proposing, fixing a crash, waiting for a slot, evaluating,
     *              re-evaluating or idle
     * @param where the slot of its evaluation ("gpu 1", "cpu 0-3", "slot 2"), empty when none
     * @param direction what it explores, empty when none was given
     * @param since when the phase began
     * @param budgetSeconds how long the phase may take, when it has a budget
     */
    public record WorkerLine(int worker, int run, String phase, String where, String direction, Instant since,
                             OptionalInt budgetSeconds) {
        /** Working on an experiment (neither starting nor idle). */
        public boolean busy() {
            return run > 0 && !phase.equals("idle") && !phase.equals("starting");
        }

        /** How long it has been in its phase at {@code now}, in whole seconds (never negative). */
        public long seconds(Instant now) {
            return Math.max(0, Duration.between(since, now).toSeconds());
        }
    }

    /**
     * What the screen shows.
     *
     * @param metric the primary metric's name
     * @param runningPid the pid holding the session's lock, when a loop runs
     * @param current the experiment in progress as inferred for a one-worker session
     * @param workers every worker of the running loop as it reports them (empty when unknown); with
     *                more than one they replace {@code current} on the screen
     */
    public record View(String tag, String metric, List<Experiment> records, Optional<Long> runningPid,
                       Optional<InProgress> current, List<WorkerLine> workers) {
        public View {
            records = List.copyOf(records);
            workers = List.copyOf(workers);
        }

        /** A view without worker lines: a one-worker session, or one not running. */
        public View(String tag, String metric, List<Experiment> records, Optional<Long> runningPid,
                    Optional<InProgress> current) {
            this(tag, metric, records, runningPid, current, List.of());
        }

        /** Whether the screen shows a line per worker rather than one "Now:". */
        boolean manyWorkers() {
            return runningPid.isPresent() && workers.size() > 1;
        }
    }

    /** The whole screen, each line at most {@code width} characters. */
    public static List<String> screen(View v, Instant now, int width) {
        List<String> lines = new ArrayList<>();
        lines.add("helix watch · session " + v.tag() + " (branch helix/" + v.tag() + ") · "
                + v.runningPid().map(p -> "running, pid " + p).orElse("not running"));
        if (v.manyWorkers()) {
            lines.add("Now:  " + busy(v.workers()) + " of " + v.workers().size() + " workers busy");
            v.workers().forEach(w -> lines.add("  " + worker(w, now)));
        } else {
            lines.add("Now:  " + v.current().filter(c -> v.runningPid().isPresent()).map(c -> now(c, now))
                    .orElse(v.runningPid().isPresent() ? "starting" : "-"));
        }
        Event.Summary s = Records.summary(v.records());
        lines.add("Experiments: " + s.experiments() + " · kept " + s.kept() + " · discarded " + s.discarded()
                + " · crashed " + s.crashed() + " · rejected " + s.rejected() + (s.stale() > 0 ? " · stale " + s.stale() : "")
                + (s.interrupted() > 0 ? " · interrupted " + s.interrupted() : "")
                + (s.attempts() > s.experiments() ? " · " + s.attempts() + " attempts" : ""));
        lines.add(v.metric() + ": " + progress(s, v.records()));
        List<Double> best = bestSoFar(v.records());
        String label = "Best so far: ";
        lines.add(label + sparkline(best, Math.max(1, width - label.length())));
        Hints.of(v.records()).forEach(h -> lines.add("hint: " + h));
        lines.add("");
        List<Experiment> rows = v.records().subList(Math.max(0, v.records().size() - LAST), v.records().size());
        lines.add("Last " + rows.size() + ":");
        rows.forEach(e -> lines.add(row(e)));
        lines.add("");
        lines.add("q quits");
        return lines.stream().map(l -> clip(l, width)).toList();
    }

    /**
     * One line for a log when nobody watches a terminal: it changes only when the session does
     * (no clock in it), so a caller prints it only when it differs from the last.
     */
    public static String line(View v) {
        Event.Summary s = Records.summary(v.records());
        StringBuilder b = new StringBuilder(v.tag()).append(": ")
                .append(v.runningPid().map(p -> "running").orElse("not running"));
        if (v.manyWorkers()) {
            List<WorkerLine> busy = v.workers().stream().filter(WorkerLine::busy).toList();
            b.append(", ").append(busy.size()).append(" of ").append(v.workers().size()).append(" workers busy");
            if (!busy.isEmpty()) {
                b.append(busy.stream().map(w -> "#" + w.run() + " " + w.phase())
                        .collect(java.util.stream.Collectors.joining(", ", " (", ")")));
            }
        } else {
            v.current().filter(c -> v.runningPid().isPresent())
                    .ifPresent(c -> b.append(", #").append(c.run()).append(' ').append(c.phase().word()));
        }
        b.append(" | ").append(s.counts());
        b.append(" | ").append(v.metric()).append(' ').append(progress(s, v.records()));
        if (!v.records().isEmpty()) {
            Experiment last = v.records().get(v.records().size() - 1);
            b.append(" | last #").append(last.run()).append(' ').append(last.status().word())
                    .append(' ').append(last.primary().map(Judge::fmt).orElse("-")).append(holdout(last));
        }
        return b.toString();
    }

    /** The best value after each experiment, from the baseline on. */
    public static List<Double> bestSoFar(List<Experiment> records) {
        List<Double> values = new ArrayList<>();
        Double best = null;
        for (Experiment e : records) {
            if (e.status().advances() && e.primary().isPresent()) best = e.primary().get();
            if (best != null && e.attempt() == 0) values.add(best);
        }
        return values;
    }

    /** Values as a line of block characters, lowest ▁ to highest █; the latest {@code width} of them. */
    public static String sparkline(List<Double> values, int width) {
        List<Double> shown = values.subList(Math.max(0, values.size() - width), values.size());
        double lo = shown.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double hi = shown.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        StringBuilder b = new StringBuilder();
        for (double v : shown) {
            int level = hi > lo ? (int) Math.round((v - lo) / (hi - lo) * (BARS.length() - 1)) : 0;
            b.append(BARS.charAt(level));
        }
        return b.toString();
    }

    /**
     * One worker as a line: "w2 #17  evaluating          1m05s of 5m   gpu 1     · optimizer"
     * (an idle worker shows no time; a phase without a budget shows only its time).
     */
    public static String worker(WorkerLine w, Instant now) {
        String time = w.phase().equals("idle") ? ""
                : span(w.seconds(now)) + (w.budgetSeconds().isPresent() ? " of " + span(w.budgetSeconds().getAsInt()) : "");
        return String.format(Locale.ROOT, "w%-2d %-5s %-18s  %-12s  %-8s  %s", w.worker(), w.run() > 0 ? "#" + w.run() : "",
                w.phase(), time, w.where(), w.direction().isBlank() ? "" : "· " + w.direction()).stripTrailing();
    }

    /** How many of the workers work on an experiment. */
    public static long busy(List<WorkerLine> workers) {
        return workers.stream().filter(WorkerLine::busy).count();
    }

    /** A duration as "12s", "1m05s", "5m", "1h02m". */
    static String span(long seconds) {
        if (seconds < 60) return seconds + "s";
        if (seconds < 3600) return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : String.format(Locale.ROOT, "%02ds", seconds % 60));
        return seconds / 3600 + "h" + String.format(Locale.ROOT, "%02dm", seconds / 60 % 60);
    }

    private static String now(InProgress c, Instant now) {
        long elapsed = Math.max(0, Duration.between(c.since(), now).toSeconds());
        String budget = c.budgetSeconds().isPresent() ? " of its " + clock(c.budgetSeconds().getAsInt()) + " budget" : "";
        return "#" + c.run() + " " + c.phase().word() + " for " + clock(elapsed) + budget;
    }

    /**
     * Baseline to best: on a noisy metric the estimates from every measurement and the session's gain
     * ({@link Records#headline}), as best and status show them; else the recorded values.
     */
    private static String progress(Event.Summary s, List<Experiment> records) {
        Optional<Estimate.Headline> headline = Records.headline(records);
        if (headline.isPresent()) return "best " + headline.get().render();
        if (s.baseline() == null || s.baseline().primary().isEmpty()) return "no baseline yet";
        double base = s.baseline().primary().get();
        if (s.best() == null || s.best().primary().isEmpty()) return "baseline " + Judge.fmt(base);
        double best = s.best().primary().get();
        return "baseline " + Judge.fmt(base) + " → best " + Judge.fmt(best) + " (#" + s.best().run() + ")"
                + (base == 0 ? "" : ", " + Judge.percent((best - base) / Math.abs(base) * 100));
    }

    /** "#3   keep      0.4123      -0.0311 (-7.02%)  lr=0.031". */
    static String row(Experiment e) {
        String delta = e.delta().map(d -> Judge.signed(d) + e.deltaPct().map(p -> " (" + Judge.percent(p) + ")").orElse(""))
                .orElse("");
        String text = e.status() == Status.KEEP || e.status() == Status.DISCARD || e.status() == Status.BASELINE
                ? e.description() : e.description() + " [" + e.reason() + "]";
        String run = e.attempt() == 0 ? "#" + e.run() : "#" + e.run() + "." + e.attempt();
        return String.format(Locale.ROOT, "%-6s %-11s %-11s %-20s %s%s", run, e.status().word(),
                e.primary().map(Judge::fmt).orElse("-"), delta, text.replace('\n', ' '), holdout(e)).stripTrailing();
    }

    /**
     * "  [hold-out 1.44]" after a record that carries its hold-out reading ("[hold-out failed: why]"),
     * else nothing: for the user's views only, which get records with the reading put back.
     */
    public static String holdout(Experiment e) {
        return e.holdout().map(h -> h.value().map(v -> "  [hold-out " + Judge.fmt(v) + "]")
                .orElse("  [hold-out failed: " + h.failure().orElse("no value") + "]")).orElse("");
    }

    private static String clock(long seconds) {
        return seconds < 60 ? seconds + "s"
                : seconds < 3600 ? String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    private static String clip(String line, int width) {
        return line.length() <= width ? line : line.substring(0, Math.max(0, width - 1)) + "…";
    }
}

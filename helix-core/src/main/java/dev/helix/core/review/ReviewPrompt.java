package dev.helix.core.review;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.session.Dashboard;
import dev.helix.core.session.Estimate;
import dev.helix.core.session.Hints;
import dev.helix.core.session.NoiseNow;
import dev.helix.core.session.Records;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The prompt asking a second model to review a session: what happened, where it is stuck, what
 * failed again and again, which gains look too good, and the questions to answer. Pure: records
 * in, Markdown out.
 */
public final class ReviewPrompt {
    private static final Pattern NUMBER = Pattern.compile("[-+]?\\d+(\\.\\d+)?([eE][-+]?\\d+)?%?");
    /** Most themes shown. */
    static final int THEMES = 8;

    private ReviewPrompt() {}

    /**
     * What the session was about.
     *
     * @param goal the spec's description (what "better" means), may be blank
     * @param metric the primary metric's name and direction, e.g. "loss (minimize)"
     * @param program program.md, may be blank
     */
    public record Context(String tag, String goal, String metric, String program) {}

    /** A repeated reason for not keeping, with the experiments it covers. */
    public record Theme(String reason, List<Integer> runs) {}

    public static String build(Context c, List<Experiment> records) {
        Event.Summary s = Records.summary(records);
        StringBuilder b = new StringBuilder();
        b.append("# Review of Helix session ").append(c.tag()).append("\n\n");
        b.append("You are reviewing an autonomous experiment loop. An agent changed the editable files of a repository "
                + "one hypothesis at a time; Helix evaluated each change, kept it when the metric improved and "
                + "reverted it otherwise. Judge the session as a skeptical colleague: the numbers below are all you "
                + "have besides the repository itself.\n\n");
        b.append("## Summary\n\n");
        if (!c.goal().isBlank()) b.append("- Goal: ").append(c.goal().strip()).append('\n');
        b.append("- Metric: ").append(c.metric()).append('\n');
        b.append("- Experiments: ").append(s.experiments()).append(" (").append(s.kept()).append(" kept, ")
                .append(s.discarded()).append(" discarded, ").append(s.crashed()).append(" crashed, ")
                .append(s.rejected()).append(" rejected")
                .append(s.stale() > 0 ? ", " + s.stale() + " stale" : "")
                .append(s.interrupted() > 0 ? ", " + s.interrupted() + " interrupted" : "").append(')')
                .append(s.attempts() > s.experiments() ? "; " + s.attempts() + " attempts, each experiment counted by its last" : "")
                .append('\n');
        b.append("- Rates: ").append(rate(s.kept(), s.experiments())).append(" kept, ")
                .append(rate(s.discarded(), s.experiments())).append(" discarded, ")
                .append(rate(s.crashed() + s.rejected(), s.experiments())).append(" crashed or rejected\n");
        Optional<Estimate.Headline> headline = Records.headline(records);
        // The kept run's own samples are biased upwards by selection: the honest figure is from every measurement.
        b.append("- Baseline → best: ").append(progress(s)).append(headline.isPresent() ? " (as first measured)" : "").append('\n');
        headline.ifPresent(h -> b.append("- Best from every measurement: ").append(h.render()).append('\n'));
        List<Double> best = Dashboard.bestSoFar(records);
        if (!best.isEmpty()) b.append("- Best so far, experiment by experiment: ").append(Dashboard.sparkline(best, 80)).append('\n');
        Records.noise(records).ifPresent(n -> b.append("- ").append(n.substring(0, 1).toUpperCase(Locale.ROOT))
                .append(n.substring(1)).append('\n'));
        NoiseNow.of(records).ifPresent(n -> b.append("- N").append(n.render().substring(1)).append('\n'));

        b.append("\n## Stuck?\n\n");
        int streak = Hints.discardStreak(records);
        b.append("- Discards in a row at the end: ").append(streak).append('\n');
        Hints.streakAdvice(streak).ifPresent(h -> b.append("- ").append(h).append('\n'));
        Hints.plateau(records, Hints.PLATEAU).ifPresent(h -> b.append("- ").append(h).append('\n'));
        if (streak < 3 && Hints.plateau(records, Hints.PLATEAU).isEmpty()) b.append("- No sign of being stuck.\n");

        b.append("\n## Repeated failure themes\n\n");
        List<Theme> themes = themes(records);
        List<FailedWords.Word> words = FailedWords.of(records);
        if (themes.isEmpty() && words.isEmpty()) {
            b.append("None: no reason for a discard, crash or rejection came up twice, and no word was shared by two failed ideas.\n");
        }
        themes.forEach(t -> b.append("- ").append(t.runs().size()).append("x ").append(t.reason()).append(" (")
                .append(runs(t.runs())).append(")\n"));
        words.forEach(w -> b.append("- ").append(w.runs().size()).append("x the idea \"").append(w.word())
                .append("\" in the description of a failed experiment (").append(runs(w.runs())).append(")")
                .append(w.kept() == 0 ? "; never in a kept one" : "; also in " + w.kept() + " kept").append('\n'));

        b.append("\n## Suspicious jumps\n\n");
        List<Hints.Jump> jumps = Hints.jumps(records);
        if (jumps.isEmpty()) b.append("None: no kept step gained more than 10x all earlier gains, and no metric moved 100x.\n");
        jumps.forEach(j -> b.append("- #").append(j.run()).append(": ").append(j.why()).append('\n'));

        b.append("\n## Kept changes\n\n");
        List<Experiment> kept = records.stream().filter(e -> e.status() == Status.KEEP).toList();
        if (kept.isEmpty()) b.append("None: nothing beat the baseline.\n");
        else {
            b.append("| # | value | delta | change | hypothesis |\n|---|---|---|---|---|\n");
            kept.forEach(e -> b.append("| ").append(e.run()).append(" | ").append(e.primary().map(Judge::fmt).orElse("-"))
                    .append(" | ").append(e.delta().map(Judge::signed).orElse("")).append(e.deltaPct().map(p -> " (" + Judge.percent(p) + ")").orElse(""))
                    .append(" | ").append(cell(e.description())).append(" | ").append(cell(e.hypothesis().orElse("")))
                    .append(" |\n"));
        }

        b.append("\n## All experiments\n\n```\n");
        records.forEach(e -> b.append(row(e)).append('\n'));
        b.append("```\n");

        if (!c.program().isBlank()) {
            b.append("\n## program.md (the instructions the agent followed)\n\n```markdown\n").append(c.program().strip())
                    .append("\n```\n");
        }

        b.append("\n## Questions to answer\n\n");
        b.append("1. Are the gains real, or noise or gaming of the evaluation? Name the experiments you doubt and why; "
                + "say which to re-run with `helix verify N`.\n");
        b.append("2. Which directions are exhausted? Group the discarded and crashed ideas and say which not to try again.\n");
        b.append("3. What should the next experiments try? Give three concrete hypotheses, most promising first.\n");
        b.append("4. Does anything in the evaluation look exploitable (a metric that can improve without the goal "
                + "improving, a check that can be skipped, output that can be faked)? Say how to close it.\n");
        b.append("\nAnswer in Markdown with one section per question; be specific and cite experiment numbers.\n");
        return b.toString();
    }

    /**
     * The reasons for discards, crashes and rejections that came up at least twice, most frequent
     * first; numbers are blanked so "worse: loss 0.5 -> 0.6" and "worse: loss 0.4 -> 0.7" group.
     */
    public static List<Theme> themes(List<Experiment> records) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (Experiment e : records) {
            if (e.status() != Status.DISCARD && e.status() != Status.CRASH && e.status() != Status.REJECTED) continue;
            groups.computeIfAbsent(e.status().word() + ": " + theme(e.reason()), k -> new ArrayList<>()).add(e.run());
        }
        return groups.entrySet().stream().filter(g -> g.getValue().size() >= 2)
                .sorted((x, y) -> Integer.compare(y.getValue().size(), x.getValue().size()))
                .limit(THEMES).map(g -> new Theme(g.getKey(), List.copyOf(g.getValue()))).toList();
    }

    /** A reason without its numbers, and without the detail after "->" that differs every time. */
    static String theme(String reason) {
        String r = reason.strip().replace('\n', ' ');
        int move = r.indexOf(" -> ");
        if (move >= 0) {
            int colon = r.lastIndexOf(": ", move);
            r = colon >= 0 ? r.substring(0, colon) : r.substring(0, move);
        }
        r = NUMBER.matcher(r).replaceAll("N");
        return r.length() > 120 ? r.substring(0, 119) + "…" : r.isBlank() ? "(no reason given)" : r;
    }

    private static String row(Experiment e) {
        String run = e.attempt() == 0 ? "#" + e.run() : "#" + e.run() + "." + e.attempt();
        return String.format(Locale.ROOT, "%-6s %-11s %-11s %s — %s", run, e.status().word(),
                e.primary().map(Judge::fmt).orElse("-"), e.description().replace('\n', ' '), e.reason().replace('\n', ' '));
    }

    private static String progress(Event.Summary s) {
        Optional<Double> base = Optional.ofNullable(s.baseline()).flatMap(Experiment::primary);
        Optional<Double> best = Optional.ofNullable(s.best()).flatMap(Experiment::primary);
        if (base.isEmpty()) return "no baseline measured";
        if (best.isEmpty()) return Judge.fmt(base.get());
        return Judge.fmt(base.get()) + " → " + Judge.fmt(best.get()) + " (#" + s.best().run() + ")"
                + (base.get() == 0 ? "" : ", " + Judge.percent((best.get() - base.get()) / Math.abs(base.get()) * 100));
    }

    private static String rate(int n, int of) {
        return of == 0 ? "0%" : String.format(Locale.ROOT, "%.0f%%", 100.0 * n / of);
    }

    private static String runs(List<Integer> runs) {
        return runs.stream().map(r -> "#" + r).reduce((x, y) -> x + ", " + y).orElse("");
    }

    private static String cell(String text) {
        return text.replace('\n', ' ').replace("|", "\\|");
    }
}

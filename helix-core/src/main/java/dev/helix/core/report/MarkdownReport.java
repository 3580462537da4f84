package dev.helix.core.report;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Judge;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The report as Markdown: summary table, the chart (an image reference the caller chooses: a file
 * next to the report or a data URI), signals, kept changes with their diffs, failure themes, and
 * every experiment. Text from the ledger is escaped so it can neither break a table nor inject HTML.
 */
public final class MarkdownReport {
    private MarkdownReport() {}

    /** @param chart the image source of the chart, e.g. "report.svg" or a data: URI */
    public static String render(ReportModel m, String chart) {
        StringBuilder b = new StringBuilder();
        b.append("# Helix report: session ").append(inline(m.tag())).append("\n\n");
        if (!m.goal().isBlank()) b.append(inline(m.goal())).append("\n\n");
        b.append("| | |\n|---|---|\n");
        for (String[] row : summary(m)) b.append("| ").append(row[0]).append(" | ").append(cell(row[1])).append(" |\n");
        b.append("\n![").append(inline(m.metric())).append(" per experiment, with the best so far](").append(chart).append(")\n\n");
        if (!m.signals().isEmpty()) {
            b.append("## Signals\n\n");
            m.signals().forEach(s -> b.append("- ").append(inline(s)).append('\n'));
            b.append('\n');
        }
        // One level down: the summary's own title becomes a section of this report.
        m.finalized().ifPresent(f -> b.append(f.markdown().replaceAll("(?m)^#", "##")).append('\n'));
        b.append(HoldoutSection.markdown(m));
        b.append("## Kept changes\n\n");
        if (m.keptChanges().isEmpty()) b.append("No change was kept: the best is the baseline.\n\n");
        for (ReportModel.KeptChange k : m.keptChanges()) {
            b.append("### #").append(k.run()).append(' ').append(inline(k.description())).append("\n\n");
            b.append(inline(m.metric())).append(' ').append(k.value().map(Judge::fmt).orElse("-"));
            k.delta().ifPresent(d -> b.append(" (").append(Judge.signed(d))
                    .append(k.deltaPct().map(p -> ", " + Judge.percent(p)).orElse("")).append(")"));
            b.append(", commit `").append(shortCommit(k.commit())).append("` on `").append(shortCommit(k.parent())).append("`, ")
                    .append(stat(k.stat())).append("\n\n");
            k.hypothesis().ifPresent(h -> b.append("Hypothesis: ").append(inline(h)).append("\n\n"));
            b.append("Judge: ").append(inline(k.reason())).append("\n\n");
            String fence = fence(k.diff());
            b.append(fence).append("diff\n").append(k.diff().endsWith("\n") || k.diff().isEmpty() ? k.diff() : k.diff() + "\n")
                    .append(fence).append("\n\n");
        }
        b.append("## Crashes, discards and rejections\n\n");
        themes(b, "Crashes", m.crashThemes());
        themes(b, "Discards", m.discardThemes());
        themes(b, "Rejections", m.rejectThemes());
        if (m.crashThemes().isEmpty() && m.discardThemes().isEmpty() && m.rejectThemes().isEmpty()) b.append("None.\n\n");
        if (!m.repeatedDescriptions().isEmpty()) {
            b.append("### Repeated ideas\n\n| description | times | runs |\n|---|---|---|\n");
            m.repeatedDescriptions().forEach(r -> b.append("| ").append(cell(r.description())).append(" | ").append(r.count())
                    .append(" | ").append(runs(r.runs())).append(" |\n"));
            b.append('\n');
        }
        b.append("## All experiments\n\n| # | status | ").append(cell(m.metric()))
                .append(" | delta | description | reason | seconds |\n|---|---|---|---|---|---|---|\n");
        boolean mixed = !ProposerShare.of(m.records()).isEmpty();
        for (Experiment e : m.records()) {
            String by = mixed ? e.agent().map(a -> " (by " + a.backend() + ")").orElse("") : "";
            b.append("| ").append(run(e)).append(" | ").append(e.status().word()).append(" | ")
                    .append(e.primary().map(Judge::fmt).orElse("-")).append(" | ").append(delta(e)).append(" | ")
                    .append(cell(e.description() + by)).append(" | ").append(cell(e.reason())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", e.evalSeconds())).append(" |\n");
        }
        return b.toString();
    }

    /** The summary rows, label and value, shared with the HTML report. */
    static List<String[]> summary(ReportModel m) {
        List<String[]> rows = new java.util.ArrayList<>();
        rows.add(new String[] {"Metric", m.metric() + " (" + m.direction().word() + ")"});
        String base = m.baseline().flatMap(Experiment::primary).map(Judge::fmt).orElse("not measured");
        String best = m.best().flatMap(Experiment::primary).map(Judge::fmt).orElse("-");
        String bestRun = m.best().map(e -> " (#" + e.run() + ")").orElse("");
        rows.add(new String[] {"Baseline → best", base + " → " + best + bestRun
                + m.improvementPct().map(p -> ", " + Judge.percent(p)).orElse("")
                + (m.headline().isPresent() ? " (as first measured)" : "")});
        m.headline().ifPresent(h -> rows.add(new String[] {"Best from every measurement", h.render()}));
        rows.add(new String[] {"Experiments", m.counts().counts().replaceFirst(" experiments", "")});
        List<ProposerShare> shares = ProposerShare.of(m.records());
        if (!shares.isEmpty()) rows.add(new String[] {"Proposers", ProposerShare.render(shares)});
        rows.add(new String[] {"Evaluations per experiment", String.format(Locale.ROOT, "%.2f", m.evaluationsPerExperiment())});
        m.noise().ifPresent(n -> rows.add(new String[] {"Noise", n.replaceFirst("^noise: ", "")}));
        dev.helix.core.session.NoiseNow.of(m.records())
                .ifPresent(n -> rows.add(new String[] {"Noise now", n.render().replaceFirst("^noise now: ", "")}));
        m.falseKeeps().ifPresent(f -> rows.add(new String[] {"False keeps expected", falseKeeps(f,
                m.finalized().flatMap(ReportModel.Finalized::tally))}));
        rows.add(new String[] {"Time", seconds(m.startedAt()) + " → " + seconds(m.finishedAt()) + " (" + duration(m.span()) + "); evaluating "
                + duration(seconds(m.evalSeconds())) + ", proposing " + duration(seconds(m.agentSeconds()))});
        dev.helix.core.cost.Spend spend = dev.helix.core.cost.Spend.of(m.records());
        rows.add(new String[] {"Cost", spend.any() ? spend.render() : "none reported"});
        return rows;
    }

    /** The false keeps the judge's error rate explains, beside what finalize found of the keeps when it ran. */
    static String falseKeeps(ReportModel.FalseKeeps f, Optional<FinalTally> tally) {
        String rate = String.format(Locale.ROOT, "%d judgements × %.1f%%, the judge's rate of keeping a change with no real effect "
                + "at confidence %s with up to %d blocks", f.judged(), f.rate() * 100, Judge.fmt(f.confidence()), f.blocks());
        return tally.map(t -> String.format(Locale.ROOT, "expected about %.2f of %d kept (%s); %s", f.expected(), f.kept(), rate, t.render()))
                .orElse(String.format(Locale.ROOT, "at most %.2f of %d kept (%s)", f.expected(), f.kept(), rate));
    }

    private static void themes(StringBuilder b, String title, List<ReportModel.Theme> themes) {
        if (themes.isEmpty()) return;
        b.append("### ").append(title).append("\n\n| theme | count | runs | example |\n|---|---|---|---|\n");
        themes.forEach(t -> b.append("| ").append(cell(t.theme())).append(" | ").append(t.count()).append(" | ")
                .append(runs(t.runs())).append(" | ").append(cell(t.example())).append(" |\n"));
        b.append('\n');
    }

    static String run(Experiment e) {
        return e.run() + (e.attempt() > 0 ? "." + e.attempt() : "");
    }

    static String delta(Experiment e) {
        return e.delta().map(d -> Judge.signed(d) + e.deltaPct().map(p -> " (" + Judge.percent(p) + ")").orElse("")).orElse("");
    }

    static String runs(List<Integer> runs) {
        List<Integer> distinct = runs.stream().distinct().toList();
        String shown = distinct.stream().limit(12).map(r -> "#" + r).collect(Collectors.joining(", "));
        return distinct.size() > 12 ? shown + ", ..." : shown;
    }

    static String stat(DiffStat d) {
        return d.files() + (d.files() == 1 ? " file" : " files") + ", +" + d.added() + " -" + d.removed();
    }

    static String shortCommit(String commit) {
        return commit == null || commit.isEmpty() ? "-" : commit.length() > 7 ? commit.substring(0, 7) : commit;
    }

    static String seconds(java.time.Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }

    /** "12.3s", "4m 05s", "2h 03m". */
    static String duration(Duration d) {
        long s = d.toSeconds();
        if (s < 60) return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        if (s < 3600) return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }

    /** Text on one line with Markdown's and HTML's active characters neutralised. */
    static String inline(String text) {
        return Optional.ofNullable(text).orElse("").replaceAll("\\s+", " ").strip()
                .replace("\\", "\\\\").replace("`", "\\`").replace("*", "\\*").replace("_", "\\_")
                .replace("[", "\\[").replace("]", "\\]").replace("<", "&lt;");
    }

    /** Like {@link #inline}, and a pipe cannot end the cell. */
    public static String cell(String text) {
        return inline(text).replace("|", "\\|");
    }

    /** A code fence longer than any run of backticks inside the text. */
    static String fence(String text) {
        int longest = 0;
        int run = 0;
        for (char c : text.toCharArray()) {
            run = c == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return "`".repeat(Math.max(3, longest + 1));
    }
}

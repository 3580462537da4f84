package dev.helix.core.prompt;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import dev.helix.core.tune.MixSchedule;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The prompt every agent gets for one experiment: the goal, the rules, program.md, the results so
 * far (the last rows and every kept change, so dead ends are not repeated), the last crash, and
 * how to answer. It fits {@code agent.prompt_chars}: the history is cut oldest first.
 */
public final class PromptBuilder {
    /** How the agent changes files. */
    public enum Mode {
        /** A coding agent that edits files in the worktree itself (claude, codex, gemini, opencode). */
        EDIT_FILES,
        /** A model behind an API: Helix shows the files and applies the SEARCH/REPLACE blocks it answers with. */
        SEARCH_REPLACE
    }

    /** The most tuner experiments the prompt of a mixed session lists. */
    static final int TUNER_ROWS = 8;

    private PromptBuilder() {}

    /**
     * @param files for {@link Mode#SEARCH_REPLACE}: the editable files' current text by path (ignored otherwise)
     */
    public static String build(Proposer.Request request, Mode mode, Map<String, String> files) {
        Spec spec = request.spec();
        Spec.MetricSpec primary = spec.metrics().primary();
        List<String> readonly = spec.scope().readonly().stream().filter(g -> !g.equals(spec.source())).toList();
        StringBuilder head = new StringBuilder();
        head.append("# Helix experiment ").append(request.experiment()).append(" of session ").append(request.tag()).append("\n\n");
        head.append("You propose ONE experiment in an automated research loop. Change the code to test one idea.\n")
                .append("Helix, not you, then runs the evaluation, keeps the change if ").append(primary.name())
                .append(" improved and reverts it otherwise.\n\n");
        head.append("## Goal\n").append(spec.description().strip()).append("\n")
                .append("Metric: ").append(primary.name()).append(" (").append(primary.optimize().word()).append(")");
        spec.metrics().qualityGuard().ifPresent(g -> head.append("; quality guard ").append(g.name()).append(" may get worse by at most ")
                .append(Judge.fmt(g.maxDegradation() * 100)).append("%"));
        for (Spec.Constraint c : spec.metrics().constraints()) {
            head.append("; ").append(c.name());
            c.min().ifPresent(v -> head.append(" >= ").append(Judge.fmt(v)));
            c.max().ifPresent(v -> head.append(" <= ").append(Judge.fmt(v)));
        }
        head.append("\n\n## Rules\n")
                .append("- Edit only these files (globs from the repository root): ").append(String.join(", ", spec.scope().editable())).append("\n")
                .append("- Never edit ").append(spec.source()).append(", the evaluation's files, lock files")
                .append(readonly.isEmpty() ? "" : ", or " + String.join(", ", readonly))
                .append(": such a change is rejected.\n")
                .append("- Do not run the evaluation (`").append(spec.evaluate().command()).append("`), do not use git, do not ask questions.\n")
                .append("- Each evaluation has ").append(spec.evaluate().timeoutSeconds()).append(" seconds; a slower run is a crash.\n")
                .append("- An equal result with less code is kept: deleting code is welcome.\n");

        StringBuilder program = new StringBuilder();
        if (!request.program().isBlank()) program.append("\n## program.md (the person's instructions)\n").append(request.program().strip()).append("\n");
        if (!spec.agent().instructions().isEmpty()) {
            program.append("\n## Also keep to these (from ").append(spec.source()).append(")\n");
            spec.agent().instructions().forEach(i -> program.append("- ").append(i.strip()).append("\n"));
        }
        if (!request.briefing().isBlank()) program.append("\n").append(request.briefing().strip()).append("\n");
        request.direction().ifPresent(d -> program.append("\n## Your direction\n")
                .append("Other workers explore other directions at the same time. Explore this one:\n").append(d.strip()).append("\n"));

        StringBuilder results = new StringBuilder("\n## Results so far\n");
        results.append("Baseline (#0): ").append(metric(request.baseline())).append("\n");
        results.append("Best: #").append(request.best().run()).append(" ").append(metric(request.best()));
        if (request.best().run() != request.baseline().run()) results.append(" — ").append(request.best().description());
        results.append("\n");
        results.append(tuned(request));

        StringBuilder crash = new StringBuilder();
        request.crashLogTail().ifPresent(tail -> crash.append("\n## The last experiment crashed: fix it\n")
                .append("This is fix-up attempt ").append(Math.max(1, request.fix())).append(" of experiment ")
                .append(request.experiment()).append(request.crashSummary().map(c -> " (the evaluation ended: " + c + ")").orElse(""))
                .append(". Your change is already applied: do not make it again, fix what crashed.\n")
                .append("The code in the worktree is the crashed version. Its log ends with:\n```\n").append(tail.strip()).append("\n```\n"));

        StringBuilder fileText = new StringBuilder();
        if (mode == Mode.SEARCH_REPLACE && !files.isEmpty()) {
            fileText.append("\n## The editable files\n");
            files.forEach((path, text) -> fileText.append("\n").append(path).append("\n```\n").append(text)
                    .append(text.endsWith("\n") ? "" : "\n").append("```\n"));
        }
        String answer = mode == Mode.EDIT_FILES ? """

                ## Your answer
                Make the change now by editing the files. Then end with a short final message:
                the first line is a one-line description of the change (it becomes the commit message),
                the second line starts with "Hypothesis:" and says why it should improve the metric.
                """ : """

                ## Your answer
                First line: a one-line description of the change. Second line: "Hypothesis: " and why it should help.
                Then the edits, as SEARCH/REPLACE blocks. Each block names the file on its own line, then:
                <<<<<<< SEARCH
                exact lines from the file, including indentation
                =======
                the lines to put there instead
                >>>>>>> REPLACE
                The SEARCH part must match the file exactly once. Use several small blocks rather than one large one.
                To create a file, use an empty SEARCH part.
                """;

        int budget = spec.agent().promptChars();
        int fixed = head.length() + program.length() + results.length() + crash.length() + fileText.length() + answer.length();
        String history = history(request, Math.max(0, budget - fixed - 200));
        return head.toString() + program + results + history + crash + fileText + answer;
    }

    /**
     * Every kept change and the last {@code agent.history_rows} experiments, newest kept when the
     * budget runs out (the oldest lines are dropped first).
     */
    private static String history(Proposer.Request request, int budget) {
        List<Experiment> rows = request.history().stream().filter(e -> e.run() > 0).toList();
        int recentFrom = Math.max(0, rows.size() - request.spec().agent().historyRows());
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Experiment e = rows.get(i);
            if (i >= recentFrom || e.status() == Status.KEEP) lines.add(row(e));
        }
        Deque<String> kept = new ArrayDeque<>();
        int used = 0;
        int dropped = 0;
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            if (used + line.length() + 1 > budget) {
                dropped = i + 1;
                break;
            }
            kept.addFirst(line);
            used += line.length() + 1;
        }
        if (kept.isEmpty()) return dropped > 0 ? "(" + dropped + " earlier experiments not shown)\n" : "";
        StringBuilder b = new StringBuilder("Experiments (every kept one, and the latest; do not repeat what failed):\n");
        if (dropped > 0) b.append("(").append(dropped).append(" earlier experiments not shown)\n");
        kept.forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    /** In a session mixing the agent with the tuner: the knobs' values at the best and what the tuner found on it. */
    static String tuned(Proposer.Request request) {
        Spec spec = request.spec();
        if (spec.agent().mix().isEmpty() || spec.search().parameters().isEmpty()) return "";
        StringBuilder b = new StringBuilder("\n## What the tuner found\n");
        b.append("After each change of yours that is kept, Helix's tuner tries up to ").append(spec.agent().mix().get().tune())
                .append(" settings of these values on it: ")
                .append(String.join(", ", spec.search().parameters().stream().map(Spec.Parameter::name).toList()))
                .append(". Change the code's structure; leave fine-tuning them to the tuner.\n");
        Map<String, String> values = request.best().parameters();
        if (!values.isEmpty()) {
            b.append("Values at the best (#").append(request.best().run()).append("): ").append(assignments(values)).append("\n");
        }
        List<Experiment> found = MixSchedule.tunerResults(request.experiment(), request.history(), TUNER_ROWS);
        if (!found.isEmpty()) {
            b.append("The tuner's latest experiments on the code you kept last:\n");
            found.forEach(e -> b.append(row(e)).append("\n"));
        }
        return b.toString();
    }

    private static String assignments(Map<String, String> values) {
        List<String> parts = new ArrayList<>();
        values.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }

    private static String row(Experiment e) {
        StringBuilder b = new StringBuilder("#").append(e.run());
        if (e.attempt() > 0) b.append(" (fix ").append(e.attempt()).append(")");
        b.append(" ").append(e.status().word()).append(" ").append(e.primary().map(Judge::fmt).orElse("-"));
        e.delta().ifPresent(d -> b.append(" (").append(Judge.signed(d)).append(")"));
        b.append(" ").append(e.description());
        if (e.status() != Status.KEEP && e.status() != Status.DISCARD && !e.reason().isBlank()) {
            b.append(" [").append(oneLine(e.reason())).append("]");
        }
        return b.toString();
    }

    private static String metric(Experiment e) {
        return e.primary().map(Judge::fmt).orElse("no value");
    }

    private static String oneLine(String s) {
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}

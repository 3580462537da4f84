package dev.helix.core.report;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Groups why experiments failed into themes a person can scan: crashes by "timed out" or exit code,
 * every reason by its leading words with the numbers taken out ("worse", "the proposer failed: ...").
 */
public final class Themes {
    private static final Pattern NUMBER = Pattern.compile("[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?");
    /** The statistical judge's reasons start with the move, e.g. "loss N -> N, ". */
    private static final Pattern MOVE = Pattern.compile("^\\S+ N -> N,?\\s*");
    private static final Pattern PARENTHESES = Pattern.compile("\\s*\\([^()]*\\)");
    private static final int MAX_WORDS = 8;

    private Themes() {}

    /** The themes of the records with {@code status}, most frequent first (ties: first seen first). */
    public static List<ReportModel.Theme> of(List<Experiment> records, Status status) {
        Map<String, List<Experiment>> groups = new LinkedHashMap<>();
        for (Experiment e : records) {
            if (e.status() == status) groups.computeIfAbsent(theme(e), k -> new ArrayList<>()).add(e);
        }
        return groups.entrySet().stream()
                .map(g -> new ReportModel.Theme(g.getKey(), g.getValue().size(),
                        g.getValue().stream().map(Experiment::run).toList(), example(g.getValue().get(0))))
                .sorted(Comparator.comparingInt(ReportModel.Theme::count).reversed())
                .toList();
    }

    /** A record's reason, and for a crash the last line its log said (usually the error). */
    static String example(Experiment e) {
        String last = e.logTail().map(t -> t.strip().lines().reduce((a, b) -> b).orElse("")).orElse("").strip();
        return e.status() == Status.CRASH && !last.isEmpty() ? e.reason() + ": " + last : e.reason();
    }

    /** The theme of one record's reason. */
    public static String theme(Experiment e) {
        if (e.status() == Status.CRASH) {
            if (e.timedOut() || e.reason().startsWith("timed out")) return "timed out";
            if (e.reason().startsWith("exit code")) return e.reason().strip();
        }
        return generalize(e.reason());
    }

    /**
     * A reason without its particulars: numbers become N, parentheses go, and only the leading
     * clauses that do not describe a move or a comparison stay, at most {@value MAX_WORDS} words.
     */
    static String generalize(String reason) {
        String text = NUMBER.matcher(reason.strip().replaceAll("\\s+", " ")).replaceAll("N");
        text = PARENTHESES.matcher(MOVE.matcher(text).replaceFirst("")).replaceAll("");
        List<String> kept = new ArrayList<>();
        for (String clause : text.split(": ")) {
            if (kept.size() == 2 || clause.contains("->") || clause.contains("<") || clause.contains(">")) break;
            kept.add(clause.strip());
        }
        String theme = kept.isEmpty() ? text : String.join(": ", kept);
        String[] words = theme.split(" ");
        if (words.length > MAX_WORDS) theme = String.join(" ", java.util.Arrays.copyOf(words, MAX_WORDS)) + " ...";
        theme = theme.replaceAll("[;,.]+$", "").strip();
        return theme.isEmpty() ? "(no reason given)" : theme;
    }

    /** Descriptions proposed more than once (compared case- and space-insensitively), most repeated first. */
    public static List<ReportModel.Repeat> repeats(List<Experiment> records) {
        Map<String, List<Experiment>> groups = new LinkedHashMap<>();
        for (Experiment e : records) {
            if (e.run() == 0 || e.attempt() > 0 || e.description().isBlank()) continue;
            groups.computeIfAbsent(e.description().strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>()).add(e);
        }
        return groups.values().stream().filter(g -> g.size() > 1)
                .map(g -> new ReportModel.Repeat(g.get(0).description().strip(), g.size(), g.stream().map(Experiment::run).toList()))
                .sorted(Comparator.comparingInt(ReportModel.Repeat::count).reversed())
                .toList();
    }
}

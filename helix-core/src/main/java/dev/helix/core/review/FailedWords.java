package dev.helix.core.review;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The words the descriptions of failed experiments share ("dropout" in eight discarded ideas):
 * what the agent keeps trying although it does not work. A description is split into words at
 * anything that is not a letter ("dropout=0.3", "attention-dropout", "Dropout:" all give
 * "dropout"), words are folded to a stem ("dropouts" as "dropout"), and the verbs and function
 * words every description has ("increase", "the", "to") are left out.
 */
public final class FailedWords {
    private static final Pattern NOT_LETTER = Pattern.compile("[^\\p{L}]+");
    /** Most words shown. */
    static final int MAX = 5;
    /** A word must come up in at least this many failed descriptions. */
    static final int MIN = 2;
    private static final Set<String> STOP = Set.of(
            "a", "an", "the", "and", "or", "but", "not", "no", "of", "in", "on", "at", "to", "for", "from", "by", "with",
            "without", "into", "onto", "via", "per", "as", "is", "are", "be", "it", "its", "this", "that", "these",
            "those", "than", "then", "instead", "all", "each", "every", "some", "only", "also", "again", "back", "up",
            "down", "out", "off", "over", "after", "before", "between", "more", "less", "most", "least", "much", "very",
            "new", "old", "same", "other", "another", "one", "two", "three", "half", "twice", "x",
            "add", "adds", "added", "adding", "use", "using", "used", "uses", "try", "tried", "trying", "set", "sets",
            "setting", "change", "changed", "changes", "changing", "increase", "increased", "increasing", "decrease",
            "decreased", "decreasing", "reduce", "reduced", "reducing", "raise", "raised", "lower", "lowered", "higher",
            "high", "low", "bigger", "big", "smaller", "small", "larger", "large", "double", "doubled", "halve", "halved",
            "remove", "removed", "removing", "replace", "replaced", "enable", "enabled", "disable", "disabled",
            "switch", "switched", "tune", "tuned", "make", "made", "keep", "drop", "bump", "bumped", "move", "moved",
            "scale", "scaled", "value", "values");

    private FailedWords() {}

    /** A word of failed descriptions, the failed experiments whose description has it, and how many kept ones do. */
    public record Word(String word, List<Integer> runs, int kept) {}

    /**
     * The words shared by at least {@value MIN} descriptions of discarded, crashed or rejected
     * experiments, most shared first (ties: fewer kept experiments with it first, then first seen).
     */
    public static List<Word> of(List<Experiment> records) {
        Map<String, List<Integer>> failed = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> forms = new HashMap<>();
        Map<String, Integer> kept = new HashMap<>();
        for (Experiment e : records) {
            if (e.run() == 0 || e.attempt() > 0) continue;
            boolean fail = e.status() == Status.DISCARD || e.status() == Status.CRASH || e.status() == Status.REJECTED;
            if (!fail && e.status() != Status.KEEP) continue;
            Map<String, String> stems = stems(e.description());
            for (var w : stems.entrySet()) {
                if (fail) {
                    failed.computeIfAbsent(w.getKey(), k -> new ArrayList<>()).add(e.run());
                    forms.computeIfAbsent(w.getKey(), k -> new LinkedHashMap<>()).merge(w.getValue(), 1, Integer::sum);
                } else {
                    kept.merge(w.getKey(), 1, Integer::sum);
                }
            }
        }
        return failed.entrySet().stream().filter(f -> f.getValue().size() >= MIN)
                .map(f -> new Word(commonest(forms.get(f.getKey())), List.copyOf(f.getValue()), kept.getOrDefault(f.getKey(), 0)))
                .sorted(Comparator.comparingInt((Word w) -> -w.runs().size()).thenComparingInt(Word::kept))
                .limit(MAX).toList();
    }

    /** Each distinct stem of a description, with the form it was written in. */
    static Map<String, String> stems(String description) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String raw : NOT_LETTER.split(description.toLowerCase(Locale.ROOT))) {
            if (raw.length() < 3 || STOP.contains(raw)) continue;
            String stem = stem(raw);
            if (stem.length() < 3 || STOP.contains(stem)) continue;
            out.putIfAbsent(stem, raw);
        }
        return out;
    }

    /** A light English stem: plurals and the common verb endings, enough to group "dropouts" with "dropout". */
    static String stem(String w) {
        if (w.endsWith("ies") && w.length() > 4) return w.substring(0, w.length() - 3) + "y";
        if (w.endsWith("sses") || w.endsWith("ches") || w.endsWith("shes") || w.endsWith("xes")) return w.substring(0, w.length() - 2);
        if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is") && w.length() > 3) {
            return w.substring(0, w.length() - 1);
        }
        if (w.endsWith("ing") && w.length() > 5) return w.substring(0, w.length() - 3);
        if (w.endsWith("ed") && w.length() > 4) return w.substring(0, w.length() - 2);
        return w;
    }

    /** The form written most often; ties go to the first written. */
    private static String commonest(Map<String, Integer> forms) {
        String best = "";
        int most = 0;
        for (var f : forms.entrySet()) {
            if (f.getValue() > most) {
                best = f.getKey();
                most = f.getValue();
            }
        }
        return best;
    }
}

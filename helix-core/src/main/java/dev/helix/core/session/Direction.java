package dev.helix.core.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What one worker explores (helix run --directions): a section of program.md, found by its
 * title, or a line of text taken as it is.
 *
 * @param name as given, recorded in the ledger
 * @param text what the proposer is told: the section's title and body, or the line itself
 */
public record Direction(String name, String text) {

    /**
     * The direction of each of {@code workers} workers: the k-th worker takes the k-th direction,
     * round robin; all empty when none are given.
     */
    public static List<Optional<Direction>> forWorkers(List<String> given, String program, int workers) {
        List<Optional<Direction>> out = new ArrayList<>();
        for (int k = 0; k < workers; k++) {
            if (given.isEmpty()) {
                out.add(Optional.empty());
            } else {
                String name = given.get(k % given.size()).strip();
                out.add(Optional.of(new Direction(name, section(program, name).orElse(name))));
            }
        }
        return out;
    }

    /** The section of a Markdown text whose heading reads {@code title} (any level, case ignored), with its heading. */
    static Optional<String> section(String markdown, String title) {
        String want = normalize(title);
        List<String> lines = markdown.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            int level = level(lines.get(i));
            if (level == 0 || !normalize(lines.get(i).substring(level)).equals(want)) continue;
            StringBuilder sb = new StringBuilder(lines.get(i).strip()).append('\n');
            for (int j = i + 1; j < lines.size(); j++) {
                int l = level(lines.get(j));
                if (l > 0 && l <= level) break;
                sb.append(lines.get(j)).append('\n');
            }
            return Optional.of(sb.toString().strip());
        }
        return Optional.empty();
    }

    /** The heading level of a Markdown line ("## x" is 2), 0 when it is not a heading. */
    private static int level(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == '#') n++;
        return n > 0 && n <= 6 && n < line.length() && line.charAt(n) == ' ' ? n : 0;
    }

    private static String normalize(String s) {
        return s.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}

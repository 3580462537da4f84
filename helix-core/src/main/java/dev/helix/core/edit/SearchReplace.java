package dev.helix.core.edit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The edits a model behind an API answers with, as {@link dev.helix.core.prompt.PromptBuilder.Mode#SEARCH_REPLACE}
 * asks for them:
 * <pre>
 * path/to/file.py
 * &lt;&lt;&lt;&lt;&lt;&lt;&lt; SEARCH
 * exact lines from the file
 * =======
 * the lines to put there instead
 * &gt;&gt;&gt;&gt;&gt;&gt;&gt; REPLACE
 * </pre>
 * The path may be in backticks, bold, after "File:", and the block inside a code fence; a block
 * without a path line right after another block edits the same file. Matching is exact (no fuzzy
 * matching): the SEARCH lines must occur exactly once, as whole lines. Only line endings are
 * adapted to the file's (CRLF files, a last line without a newline). An empty SEARCH creates a
 * file that does not exist yet.
 */
public final class SearchReplace {
    private SearchReplace() {}

    private static final Pattern SEARCH = Pattern.compile("^\\s*<{5,9}\\s*SEARCH\\s*$");
    private static final Pattern DIVIDER = Pattern.compile("^\\s*={5,9}\\s*$");
    private static final Pattern REPLACE = Pattern.compile("^\\s*>{5,9}\\s*REPLACE\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)\\S*\\s*$");

    /**
     * One edit.
     *
     * @param path   the file, as the model wrote it (cleaned of decoration); empty when the model gave none
     * @param search the lines to find, each ending with a newline; empty to create a file
     * @param line   the 1-based line of the reply where the block's SEARCH marker is
     */
    public record Block(String path, String search, String replace, int line) {
        /** The block's first SEARCH line (or "(new file)"), to name it in a failure. */
        public String firstLines() {
            if (search.isEmpty()) return "(new file)";
            List<String> lines = search.lines().filter(l -> !l.isBlank()).limit(2).toList();
            String s = String.join(" / ", lines.isEmpty() ? List.of(search.strip()) : lines).strip();
            return s.length() > 120 ? s.substring(0, 117) + "..." : s;
        }
    }

    /** What a reply holds: the complete blocks, and what could not be read (a block cut short). */
    public record Parsed(List<Block> blocks, List<String> problems, String preamble) {
        public Parsed {
            blocks = List.copyOf(blocks);
            problems = List.copyOf(problems);
        }
    }

    /** Why one block did not apply. */
    public record Failure(String path, String block, String why) {
        public String render() {
            return (path.isEmpty() ? "(no file named)" : path) + ": block \"" + block + "\": " + why;
        }
    }

    /**
     * The result of applying blocks: the new text of every file a block changed or created (the
     * blocks that applied are applied even when others failed), and the failures.
     */
    public record Outcome(Map<String, String> changed, List<Failure> failures) {
        public Outcome {
            changed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(changed));
            failures = List.copyOf(failures);
        }

        public boolean ok() {
            return failures.isEmpty();
        }
    }

    /** The complete blocks of {@code reply}, in order. */
    public static List<Block> parse(String reply) {
        return read(reply).blocks();
    }

    /** The blocks of {@code reply}, what could not be read, and the text before the first block. */
    public static Parsed read(String reply) {
        List<String> lines = (reply == null ? "" : reply).lines().toList();
        List<Block> blocks = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int firstBlockStart = -1;
        String lastPath = "";
        int lastEnd = -1; // index of the last REPLACE marker
        int i = 0;
        while (i < lines.size()) {
            if (!SEARCH.matcher(lines.get(i)).matches()) {
                i++;
                continue;
            }
            int marker = i;
            // the path: the nearest line above that is not blank nor a fence; none, or the previous block's end → same file
            int p = marker - 1;
            while (p > lastEnd && (lines.get(p).isBlank() || FENCE.matcher(lines.get(p)).matches())) p--;
            String path;
            int start;
            if (p > lastEnd) {
                path = cleanPath(lines.get(p));
                start = p;
            } else {
                path = lastPath;
                start = marker;
            }
            if (firstBlockStart < 0) firstBlockStart = start;
            int j = marker + 1;
            StringBuilder search = new StringBuilder();
            while (j < lines.size() && !DIVIDER.matcher(lines.get(j)).matches() && !SEARCH.matcher(lines.get(j)).matches()) {
                search.append(lines.get(j)).append('\n');
                j++;
            }
            if (j >= lines.size() || !DIVIDER.matcher(lines.get(j)).matches()) {
                problems.add("the block at line " + (marker + 1) + (path.isEmpty() ? "" : " for " + path)
                        + " has no ======= line" + (j >= lines.size() ? " (the reply ends inside it)" : ""));
                i = j;
                continue;
            }
            j++;
            StringBuilder replace = new StringBuilder();
            while (j < lines.size() && !REPLACE.matcher(lines.get(j)).matches() && !SEARCH.matcher(lines.get(j)).matches()) {
                replace.append(lines.get(j)).append('\n');
                j++;
            }
            if (j >= lines.size() || !REPLACE.matcher(lines.get(j)).matches()) {
                problems.add("the block at line " + (marker + 1) + (path.isEmpty() ? "" : " for " + path)
                        + " has no >>>>>>> REPLACE line" + (j >= lines.size() ? " (the reply ends inside it)" : ""));
                i = j;
                continue;
            }
            blocks.add(new Block(path, search.toString(), replace.toString(), marker + 1));
            lastPath = path;
            lastEnd = j;
            i = j + 1;
        }
        String preamble = firstBlockStart < 0 ? String.join("\n", lines)
                : String.join("\n", lines.subList(0, firstBlockStart));
        return new Parsed(blocks, problems, preamble);
    }

    /** "`src/a.py`", "**File:** src/a.py", "### src/a.py:" → "src/a.py". */
    static String cleanPath(String line) {
        String s = line.strip();
        s = s.replaceAll("^#+\\s*", "").replaceAll("^[-*]\\s+", "").replace("**", "").strip();
        s = s.replaceAll("(?i)^(file|path|filename)\\s*:\\s*", "").strip();
        if (s.startsWith("```") || s.startsWith("~~~")) s = s.substring(3).strip();
        s = s.replaceAll("^[`'\"]+|[`'\"]+$", "").strip();
        s = s.replaceAll(":$", "").strip();
        s = s.replaceAll("^[`'\"]+|[`'\"]+$", "").strip();
        return s;
    }

    /** Applies {@code blocks} to {@code files}, where any file not among them may be created. */
    public static Outcome apply(Map<String, String> files, List<Block> blocks) {
        return apply(files, blocks, path -> true);
    }

    /**
     * Applies {@code blocks} in order, each to the text the blocks before it left.
     *
     * @param files     the editable files' current text by repository-relative path
     * @param mayCreate whether a path not in {@code files} may be created (editable, and not an existing file)
     */
    public static Outcome apply(Map<String, String> files, List<Block> blocks, Predicate<String> mayCreate) {
        Map<String, String> current = new LinkedHashMap<>(files);
        Map<String, String> changed = new LinkedHashMap<>();
        List<Failure> failures = new ArrayList<>();
        for (Block b : blocks) {
            String path = b.path();
            Optional<String> unsafe = unsafe(path);
            if (unsafe.isPresent()) {
                failures.add(new Failure(path, b.firstLines(), unsafe.get()));
                continue;
            }
            String text = current.get(path);
            if (text == null) {
                if (!b.search().isEmpty()) {
                    failures.add(new Failure(path, b.firstLines(), "not one of the editable files shown (unknown file, or not editable)"));
                } else if (!mayCreate.test(path)) {
                    failures.add(new Failure(path, b.firstLines(), "may not be created: it is not editable, or it exists"));
                } else {
                    current.put(path, b.replace());
                    changed.put(path, b.replace());
                }
                continue;
            }
            if (b.search().isEmpty()) {
                failures.add(new Failure(path, b.firstLines(),
                        "the file exists: an empty SEARCH only creates new files; quote the lines to replace"));
                continue;
            }
            Optional<String> edited = replaceOnce(text, b, failures);
            if (edited.isPresent()) {
                current.put(path, edited.get());
                changed.put(path, edited.get());
            }
        }
        return new Outcome(changed, failures);
    }

    /** Why a path may not be written, if it may not: absolute, or climbing out of the worktree. */
    public static Optional<String> unsafe(String path) {
        if (path.isBlank()) return Optional.of("no file path before the block");
        String p = path.replace('\\', '/');
        if (p.startsWith("/") || p.startsWith("~") || p.matches("^[A-Za-z]:.*")) {
            return Optional.of("an absolute path: only paths relative to the repository root may be edited");
        }
        for (String part : p.split("/")) {
            if (part.equals("..")) return Optional.of("the path leaves the repository ('..')");
        }
        if (p.equals(".git") || p.startsWith(".git/") || p.contains("/.git/")) return Optional.of("a git internal file");
        return Optional.empty();
    }

    private static Optional<String> replaceOnce(String text, Block b, List<Failure> failures) {
        boolean crlf = text.contains("\r\n");
        String search = crlf ? b.search().replace("\n", "\r\n") : b.search();
        String replace = crlf ? b.replace().replace("\n", "\r\n") : b.replace();
        String newline = crlf ? "\r\n" : "\n";
        // A last line without a newline still matches a SEARCH that ends with one.
        boolean padded = !text.isEmpty() && !text.endsWith("\n");
        String haystack = padded ? text + newline : text;
        List<Integer> at = lineAlignedOccurrences(haystack, search);
        if (at.size() == 1) {
            int i = at.get(0);
            String result = haystack.substring(0, i) + replace + haystack.substring(i + search.length());
            if (padded && result.endsWith(newline)) result = result.substring(0, result.length() - newline.length());
            return Optional.of(result);
        }
        if (at.isEmpty()) {
            failures.add(new Failure(b.path(), b.firstLines(), "the SEARCH lines do not occur in the file" + nearMiss(text, b.search())));
        } else {
            failures.add(new Failure(b.path(), b.firstLines(), "the SEARCH lines occur " + at.size()
                    + " times (at lines " + lineNumbers(haystack, at) + "); include more lines to make it unique"));
        }
        return Optional.empty();
    }

    private static List<Integer> lineAlignedOccurrences(String text, String search) {
        List<Integer> found = new ArrayList<>();
        int from = 0;
        while (true) {
            int i = text.indexOf(search, from);
            if (i < 0) return found;
            if (i == 0 || text.charAt(i - 1) == '\n') found.add(i);
            from = i + 1;
        }
    }

    private static String lineNumbers(String text, List<Integer> offsets) {
        List<String> numbers = new ArrayList<>();
        for (int offset : offsets) numbers.add(Long.toString(text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1));
        return String.join(", ", numbers);
    }

    /** A hint when the lines occur with other whitespace: exact matching still fails, but the model learns why. */
    private static String nearMiss(String text, String search) {
        List<String> want = search.lines().map(String::strip).toList();
        List<String> have = text.lines().map(String::strip).toList();
        if (want.isEmpty() || want.stream().allMatch(String::isEmpty)) return "";
        for (int i = 0; i + want.size() <= have.size(); i++) {
            if (have.subList(i, i + want.size()).equals(want)) {
                return " (lines " + (i + 1) + "-" + (i + want.size()) + " match except for indentation or trailing whitespace)";
            }
        }
        return "";
    }
}

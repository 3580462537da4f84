package dev.helix.core.scope;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A path pattern of helix.yaml's scope, matched against a repository-relative path with '/'
 * separators: {@code *} and {@code ?} stay within one directory, {@code **} spans directories
 * ({@code src/**}{@code /*.java} also matches {@code src/A.java}), {@code {a,b}} is either.
 * A pattern names paths from the repository root, as in {@code train.py} or {@code src/**}.
 * A pattern whose last part is a plain name ({@code data/test}, {@code data/test/}) also matches
 * everything under the directory of that name, as in .gitignore; a trailing slash matches the
 * directory's contents only.
 */
public final class Glob {
    private final String pattern;
    private final Pattern regex;

    private Glob(String pattern) {
        this.pattern = pattern;
        String p = normalize(pattern);
        boolean directory = p.endsWith("/");
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        // Users name a folder as they would in .gitignore (scope.hidden: [data/test/]): a pattern
        // matching no file there would leave hidden data in the proposer's worktree unnoticed.
        String last = p.substring(p.lastIndexOf('/') + 1);
        boolean plainName = !last.isEmpty() && last.chars().noneMatch(c -> "*?{".indexOf(c) >= 0);
        String under = directory ? "/.+" : plainName ? "(?:/.+)?" : "";
        this.regex = Pattern.compile(toRegex(p) + under);
    }

    public static Glob of(String pattern) {
        return new Glob(pattern);
    }

    public boolean matches(String path) {
        return regex.matcher(normalize(path)).matches();
    }

    /** Whether any of {@code globs} matches {@code path}. */
    public static boolean any(List<String> globs, String path) {
        return globs.stream().anyMatch(g -> of(g).matches(path));
    }

    @Override
    public String toString() {
        return pattern;
    }

    private static String normalize(String path) {
        String p = path.replace('\\', '/');
        while (p.startsWith("./")) p = p.substring(2);
        if (p.startsWith("/")) p = p.substring(1);
        return p;
    }

    private static String toRegex(String glob) {
        StringBuilder b = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        i++;
                        if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                            i++;
                            b.append("(?:.*/)?");   // zero or more whole directories
                        } else {
                            b.append(".*");
                        }
                    } else {
                        b.append("[^/]*");
                    }
                }
                case '?' -> b.append("[^/]");
                case '{' -> {
                    braces++;
                    b.append("(?:");
                }
                case '}' -> {
                    if (braces > 0) {
                        braces--;
                        b.append(')');
                    } else {
                        b.append("\\}");
                    }
                }
                case ',' -> b.append(braces > 0 ? "|" : ",");
                default -> {
                    if ("\\.[]()+^$|".indexOf(c) >= 0) b.append('\\');
                    b.append(c);
                }
            }
        }
        while (braces-- > 0) b.append(')');
        return b.toString();
    }
}

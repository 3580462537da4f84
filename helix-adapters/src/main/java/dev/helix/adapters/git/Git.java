package dev.helix.adapters.git;

import dev.helix.adapters.process.CallerEnvironment;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.port.Vcs.VcsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The git command line, run as {@code git -C <dir> ...} with a clean repository environment, and
 * the reading of its NUL-separated ({@code -z}) output, which no path can break.
 *
 * <p>The queries several of {@link GitVcs}'s parts share (resolving a revision, {@code git status},
 * which paths the index or a commit knows) live here too, next to the output they parse.
 */
final class Git {

    /** Inherited, these would point every {@code git -C} at another repository (e.g. inside a hook). */
    private static final List<String> REPOSITORY_ENV = List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE",
            "GIT_PREFIX");

    /** Paths per listing command, so that a long list never exceeds the command line's limit. */
    private static final int CHUNK = 500;

    private final String executable;
    private final Map<String, String> env;

    Git(String executable, Map<String, String> env) {
        this.executable = executable;
        this.env = Map.copyOf(env);
    }

    /** What one git process did: its exit code, its output as bytes, its error output as text. */
    record Result(List<String> command, int exit, byte[] stdout, String err) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        VcsException failure() {
            String message = err.strip();
            return new VcsException(String.join(" ", command) + " failed (exit " + exit + ")"
                    + (message.isEmpty() ? "" : ": " + message));
        }

        /** This result, or the failure it is when git did not exit with 0. */
        Result ok() {
            if (exit != 0) {
                throw failure();
            }
            return this;
        }
    }

    Result run(Path dir, List<String> args) {
        return run(dir, Map.of(), null, args);
    }

    /** Runs git in {@code dir} with {@code extraEnv} on top, feeding it {@code stdin} (or nothing). */
    Result run(Path dir, Map<String, String> extraEnv, byte[] stdin, List<String> args) {
        List<String> command = new ArrayList<>(List.of(executable, "-C", dir.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> environment = pb.environment();
        CallerEnvironment.override().ifPresent(caller -> {
            environment.clear();
            environment.putAll(caller);
        });
        REPOSITORY_ENV.forEach(environment::remove);
        environment.put("GIT_TERMINAL_PROMPT", "0"); // never wait for a person
        environment.putAll(env);
        environment.putAll(extraEnv);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new VcsException("cannot run " + executable + " (is git installed and on the PATH?): "
                    + e.getMessage());
        }
        // Both streams are drained at once, or a chatty git would block on a full pipe.
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()),
                Thread::startVirtualThread);
        try {
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException e) {
                // git exited without reading its input; its exit code and stderr say why.
            }
            byte[] out = drain(process.getInputStream());
            int exit = process.waitFor();
            return new Result(command, exit, out, new String(err.get(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new VcsException(String.join(" ", command) + " was interrupted");
        } catch (ExecutionException e) {
            throw new VcsException(String.join(" ", command) + ": cannot read its error output: " + e.getCause());
        } catch (UncheckedIOException e) {
            throw new VcsException(String.join(" ", command) + ": cannot read its output: " + e.getMessage());
        }
    }

    private static byte[] drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The commit {@code revision} names in {@code repo}, empty when it names none. */
    Optional<String> resolve(Path repo, String revision) {
        if (revision.isEmpty() || revision.startsWith("-")) {
            return Optional.empty();
        }
        Result r = run(repo, List.of("rev-parse", "--verify", "--quiet", revision + "^{commit}"));
        if (r.exit() == 0) {
            return Optional.of(chomp(r.out()));
        }
        if (r.exit() == 1) {
            return Optional.empty();
        }
        throw r.failure();
    }

    /**
     * Paths in {@code git status}, relative to the top level; both sides of a rename or copy.
     * Untracked files are listed one by one (not as their directory), ignored ones not at all.
     */
    Set<String> status(Path dir, boolean untracked) {
        return status(dir, untracked, false).changed();
    }

    /** What {@code git status} lists: the paths that differ from HEAD, and (when asked for) the ignored files. */
    record Status(Set<String> changed, Set<String> ignored) {}

    /**
     * {@code git status}, with {@code ignored} listing the ignored files too, one by one (as
     * {@code ls-files --others --ignored --exclude-standard} does): one walk of the tree for both.
     */
    Status status(Path dir, boolean untracked, boolean ignored) {
        List<String> args = new ArrayList<>(List.of("status", "--porcelain=v1", "-z",
                "--untracked-files=" + (untracked ? "all" : "no")));
        if (ignored) args.add("--ignored=traditional");
        List<String> fields = nulSeparated(run(dir, args).ok().out());
        Set<String> paths = new LinkedHashSet<>();
        Set<String> ignoredPaths = new LinkedHashSet<>();
        for (int i = 0; i < fields.size(); i++) {
            String entry = fields.get(i);
            if (entry.length() < 4) {
                throw new VcsException("unexpected output of git status in " + dir + ": " + entry);
            }
            char x = entry.charAt(0);
            char y = entry.charAt(1);
            if (x == '!' && y == '!') {
                ignoredPaths.add(entry.substring(3));
                continue;
            }
            paths.add(entry.substring(3));
            if (x == 'R' || x == 'C' || y == 'R' || y == 'C') {
                paths.add(fields.get(++i)); // -z puts the source of a rename after its destination
            }
        }
        return new Status(paths, ignoredPaths);
    }

    /**
     * Which of {@code paths} a listing command ({@code ls-files} of the index, {@code ls-tree} of a
     * commit) knows, exactly or as a directory of known files.
     */
    Set<String> known(Path worktree, List<String> listing, List<String> paths) {
        if (paths.isEmpty()) {
            return Set.of();
        }
        Set<String> files = new HashSet<>();
        for (int i = 0; i < paths.size(); i += CHUNK) {
            List<String> args = new ArrayList<>(List.of("--literal-pathspecs"));
            args.addAll(listing);
            args.add("--");
            args.addAll(paths.subList(i, Math.min(paths.size(), i + CHUNK)));
            files.addAll(nulSeparated(run(worktree, args).ok().out()));
        }
        Set<String> known = new HashSet<>();
        for (String p : paths) {
            String dir = stripSlash(p) + "/";
            if (files.contains(p) || files.stream().anyMatch(f -> f.startsWith(dir))) {
                known.add(p);
            }
        }
        return known;
    }

    /** What {@code git diff --numstat -z} printed: every path it names (both sides of a rename) and the counts. */
    record Numstat(List<String> paths, DiffStat stat) {}

    static Numstat numstat(Path dir, String out) {
        List<String> fields = nulSeparated(out);
        List<String> paths = new ArrayList<>();
        int files = 0;
        int added = 0;
        int removed = 0;
        for (int i = 0; i < fields.size(); i++) {
            // "added\tremoved\tpath", or for a rename "added\tremoved\t" followed by two fields: old, new.
            String[] parts = fields.get(i).split("\t", 3);
            if (parts.length < 3 || (parts[2].isEmpty() && i + 2 >= fields.size())) {
                throw new VcsException("unexpected output of git diff --numstat in " + dir + ": " + fields.get(i));
            }
            if (parts[2].isEmpty()) {
                paths.add(fields.get(++i));
                paths.add(fields.get(++i));
            } else {
                paths.add(parts[2]);
            }
            files++;
            added += count(parts[0]);
            removed += count(parts[1]);
        }
        return new Numstat(paths, new DiffStat(files, added, removed));
    }

    /** A numstat count; "-" is a binary file, which has no lines. */
    private static int count(String s) {
        return s.equals("-") ? 0 : Integer.parseInt(s);
    }

    static String stripSlash(String p) {
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    static String chomp(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    static List<String> nulSeparated(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\0') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (start < s.length()) {
            out.add(s.substring(start));
        }
        return out;
    }

    static byte[] nulJoined(List<String> paths) {
        StringBuilder sb = new StringBuilder();
        for (String p : paths) {
            sb.append(p).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}

package dev.helix.core.scope;

import dev.helix.core.port.FileKind;
import dev.helix.core.spec.Spec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a proposer's change stays in scope: every changed file must match
 * {@code scope.editable} and none may be readonly or protected (helix.yaml, the evaluation
 * command's files, lock files), whatever the globs say.
 */
public final class ScopeGuard {

    /** Lock files a proposer must never edit: they pin what the evaluation runs with. */
    public static final Set<String> LOCK_FILES = Set.of(
            "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "go.sum", "poetry.lock",
            "uv.lock", "Pipfile.lock", "Gemfile.lock", "composer.lock", "pubspec.lock", "gradle.lockfile");

    static final String PROTECTED = "protected: helix.yaml, a lock file, or a file the evaluation command names"
            + " (list it by name in scope.editable to let it change)";

    private ScopeGuard() {}

    /** One file out of scope and why. */
    public record Violation(String path, String why) {
        public String render() {
            return path + " (" + why + ")";
        }
    }

    /**
     * The files that may never change in a session: the spec file, lock files, and every file the
     * evaluation command or its setup names (the evaluator), unless scope.editable lists that file
     * by its exact path: then the program the evaluation runs is itself the thing to improve, as
     * with {@code python train.py} and {@code editable: [train.py]}. A glob never unlocks it.
     *
     * @param tracked every tracked file of the worktree
     */
    public static Set<String> protectedFiles(Spec spec, String specFile, Collection<String> tracked) {
        Set<String> result = new TreeSet<>();
        result.add(specFile);
        List<String> words = new ArrayList<>(words(spec.evaluate().command()));
        spec.evaluate().setup().ifPresent(s -> words.addAll(words(s)));
        for (String file : tracked) {
            String name = file.substring(file.lastIndexOf('/') + 1);
            boolean evaluator = words.contains(file) || words.contains("./" + file);
            if (LOCK_FILES.contains(name) || (evaluator && !listedByName(spec, file))) result.add(file);
        }
        return result;
    }

    private static boolean listedByName(Spec spec, String file) {
        return spec.scope().editable().stream().anyMatch(g -> g.equals(file) || g.equals("./" + file));
    }

    /** The readonly files among {@code tracked}, by the spec's readonly globs. */
    public static Set<String> readonlyFiles(Spec spec, Collection<String> tracked) {
        Set<String> result = new TreeSet<>();
        for (String file : tracked) {
            if (Glob.any(spec.scope().readonly(), file)) result.add(file);
        }
        return result;
    }

    /**
     * Every violation among {@code changed}.
     *
     * @param protectedFiles from {@link #protectedFiles}
     */
    public static List<Violation> check(Collection<String> changed, Spec.Scope scope, Set<String> protectedFiles) {
        List<Violation> violations = new ArrayList<>();
        for (String path : new TreeSet<>(changed)) {
            if (protectedFiles.contains(path)) {
                violations.add(new Violation(path, PROTECTED));
            } else if (Glob.any(scope.readonly(), path)) {
                violations.add(new Violation(path, "readonly"));
            } else if (!Glob.any(scope.editable(), path)) {
                violations.add(new Violation(path, "not in scope.editable"));
            }
        }
        return violations;
    }

    /**
     * The changed paths that are not regular files (or directories of them, or deletions): a
     * symlink would have the evaluation read a file the commit does not hold (outside the
     * repository, or the evaluator itself), and a fifo, socket or device is no program text.
     */
    public static List<Violation> kinds(Map<String, FileKind> kinds) {
        List<Violation> violations = new ArrayList<>();
        for (var e : new java.util.TreeMap<>(kinds).entrySet()) {
            switch (e.getValue()) {
                case FileKind.Symlink s -> violations.add(new Violation(e.getKey(), s.link().equals(e.getKey())
                        ? "a symlink (to " + s.target() + ")"
                        : "under a symlink: " + s.link() + " (to " + s.target() + ")"));
                case FileKind.Special s -> violations.add(new Violation(e.getKey(), s.what()));
                case FileKind.Regular r -> { }
                case FileKind.Directory d -> { }
                case FileKind.Missing m -> { }
            }
        }
        return violations;
    }

    /** The sentence a rejection says for {@link #kinds} violations, e.g. "x.txt is a symlink (to /etc/passwd): ...". */
    public static String kindsReason(List<Violation> violations) {
        return String.join(", ", violations.stream().map(v -> v.path() + " is " + v.why()).toList())
                + ": editable files must be regular files";
    }

    /** Files whose content hash changed from {@code before} to {@code after}. */
    public static List<Violation> tampered(Map<String, String> before, Map<String, String> after) {
        List<Violation> violations = new ArrayList<>();
        for (var e : new java.util.TreeMap<>(before).entrySet()) {
            if (!e.getValue().equals(after.get(e.getKey()))) {
                violations.add(new Violation(e.getKey(), "readonly or protected file changed"));
            }
        }
        return violations;
    }

    private static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        for (String w : command.split("[\\s;&|()<>=\"']+")) {
            if (!w.isBlank()) words.add(w);
        }
        return words;
    }
}

package dev.helix.core.session;

import dev.helix.core.scope.Glob;
import dev.helix.core.scope.ScopeGuard;
import dev.helix.core.spec.Spec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whose files a session's worktree holds, which decides what of a change is the experiment and
 * what Helix may delete there.
 */
public enum Checkout {
    /**
     * Helix's own worktree ({@code helix run}): it holds exactly the commit, so everything that
     * changed is the proposer's change, and a file the proposer created is removed when the change
     * is rejected or reverted.
     */
    HELIX,
    /**
     * The user's checkout, shared with the agent ({@code helix try}): an untracked file outside
     * scope.editable (the user's notes, files a tool installed) is neither the experiment nor
     * Helix's to remove; it is left alone and named in the verdict. Only tracked files and the
     * untracked files inside scope.editable are the experiment.
     */
    SHARED;

    /**
     * What changed between two snapshots of a worktree, split by whose it is.
     *
     * @param experiment the experiment's change: scope-guarded, committed, reverted
     * @param created the experiment's files that did not exist before: removed when it is reverted
     * @param leftAlone files that are not the experiment's and that Helix never touches
     */
    public record Changes(List<String> experiment, List<String> created, List<String> leftAlone) {
        public Changes {
            experiment = List.copyOf(experiment);
            created = List.copyOf(created);
            leftAlone = List.copyOf(leftAlone);
        }
    }

    /**
     * Splits the files that differ between {@code before} and {@code after} (snapshots of the
     * worktree) into the experiment's and those left alone.
     *
     * @param tracked the files tracked at the commit the change starts from
     */
    public Changes changes(Map<String, String> before, Map<String, String> after, Set<String> tracked, Spec.Scope scope) {
        Set<String> paths = new TreeSet<>(before.keySet());
        paths.addAll(after.keySet());
        List<String> experiment = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<String> leftAlone = new ArrayList<>();
        for (String p : paths) {
            if (Objects.equals(before.get(p), after.get(p))) continue;
            boolean untracked = !tracked.contains(p);
            boolean theUsers = switch (this) {
                case HELIX -> false;
                case SHARED -> untracked && !Glob.any(scope.editable(), p);
            };
            if (theUsers) {
                leftAlone.add(p);
                continue;
            }
            experiment.add(p);
            if (untracked && !before.containsKey(p)) created.add(p);
        }
        return new Changes(experiment, created, leftAlone);
    }

    /**
     * The files a session's judgement rests on (the spec, program.md, the evaluator and lock files)
     * that have uncommitted changes: a session in a shared checkout may start only without any,
     * since its first experiment would otherwise take them for the agent's edits and revert them.
     *
     * @param tracked the files tracked at HEAD
     * @param dirty the files that differ from HEAD: modified, deleted or untracked
     */
    public static List<String> uncommittedSessionFiles(Spec spec, String specFile, Collection<String> tracked,
                                                        Collection<String> dirty) {
        Set<String> known = new TreeSet<>(tracked);
        known.addAll(dirty);
        Set<String> session = new TreeSet<>(ScopeGuard.protectedFiles(spec, specFile, known));
        session.add("program.md");
        return session.stream().filter(f -> dirty.contains(f) || (f.equals(specFile) && !tracked.contains(f))).toList();
    }
}

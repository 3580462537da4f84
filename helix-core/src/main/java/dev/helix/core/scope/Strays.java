package dev.helix.core.scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ignored files a proposer created, changed or deleted in Helix's worktree: outside the
 * commit, yet read by the evaluation, so a keep that rests on them is one the commit alone does
 * not reproduce.
 */
public record Strays(List<String> created, List<String> changed, List<String> deleted) {

    /** What the evaluation would see. */
    public static final String WHY = "the evaluation would read them, but the commit does not hold them";

    public Strays {
        created = List.copyOf(created);
        changed = List.copyOf(changed);
        deleted = List.copyOf(deleted);
    }

    /** None. */
    public static final Strays NONE = new Strays(List.of(), List.of(), List.of());

    /** The files that differ between two listings of the ignored files ({@code Vcs.ignoredFiles}). */
    public static Strays between(Map<String, String> before, Map<String, String> after) {
        Set<String> paths = new TreeSet<>(before.keySet());
        paths.addAll(after.keySet());
        List<String> created = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (String p : paths) {
            if (Objects.equals(before.get(p), after.get(p))) continue;
            if (!before.containsKey(p)) created.add(p);
            else if (!after.containsKey(p)) deleted.add(p);
            else changed.add(p);
        }
        return new Strays(created, changed, deleted);
    }

    public boolean isEmpty() {
        return created.isEmpty() && changed.isEmpty() && deleted.isEmpty();
    }

    /** Every path, sorted. */
    public List<String> all() {
        Set<String> all = new TreeSet<>(created);
        all.addAll(changed);
        all.addAll(deleted);
        return List.copyOf(all);
    }

    /**
     * The files {@code scope.stray_files: remove} cannot make right by deleting them: those it
     * changed or deleted among the ones {@code evaluate.setup} (or the session's start) left.
     */
    public List<String> notRemovable(Set<String> prepared) {
        Set<String> out = new TreeSet<>();
        changed.stream().filter(prepared::contains).forEach(out::add);
        deleted.stream().filter(prepared::contains).forEach(out::add);
        return List.copyOf(out);
    }

    /** The files to delete so that the worktree holds the commit again: the created and changed ones. */
    public List<String> removable() {
        Set<String> out = new TreeSet<>(created);
        out.addAll(changed);
        return List.copyOf(out);
    }

    /** "a (created), b (changed)", in path order. */
    public String render() {
        List<String> parts = new ArrayList<>();
        for (String p : all()) {
            String how = created.contains(p) ? "created" : changed.contains(p) ? "changed" : "deleted";
            parts.add(p + " (ignored, " + how + ")");
        }
        return String.join(", ", parts);
    }
}

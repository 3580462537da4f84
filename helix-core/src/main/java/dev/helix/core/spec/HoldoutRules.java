package dev.helix.core.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The rules of evaluate.holdout and scope.hidden: a hold-out needs both, and one source of the hidden files. */
final class HoldoutRules {
    private final TypedTree t;

    HoldoutRules(TypedTree t) {
        this.t = t;
    }

    /**
     * The hold-out the spec asks for, if any.
     *
     * @param holdout the value of evaluate.holdout
     * @param hidden the value of scope.hidden
     * @param editable scope.editable, which a hidden file must not be in
     */
    Optional<Holdout> holdout(Object holdout, Object hidden, List<String> editable, int timeout, int repeats) {
        List<String> globs = Optional.ofNullable(t.texts(hidden, "scope.hidden")).orElse(List.of());
        SpecReader.globs(t, globs, "scope.hidden");
        for (int i = 0; i < globs.size(); i++) {
            if (editable.contains(globs.get(i))) {
                t.problem("scope.hidden[" + i + "]", "'" + globs.get(i) + "' is both editable and hidden",
                        "a hidden file is never in the proposer's worktree: remove it from scope.editable");
            }
        }
        Map<String, Object> s = t.map(holdout, "evaluate.holdout");
        if (s == null) {
            if (!globs.isEmpty()) {
                t.problem("scope.hidden", "names hidden files but no evaluate.holdout reads them",
                        "add evaluate.holdout with a command and from_dir or from_ref, or remove scope.hidden");
            }
            return Optional.empty();
        }
        t.checkKeys(s, "evaluate.holdout", "evaluate.holdout");
        String command = t.requiredText(s, "command", "evaluate.holdout",
                "add `command: <shell command>` that prints the primary metric on the held-out data");
        String dir = t.text(s.get("from_dir"), "evaluate.holdout.from_dir");
        String ref = t.text(s.get("from_ref"), "evaluate.holdout.from_ref");
        Holdout.Source source = null;
        if (dir != null && ref != null) {
            t.problem("evaluate.holdout", "has both from_dir and from_ref", "keep one: the directory or the git ref the hidden files come from");
        } else if (dir != null && !dir.isBlank()) {
            source = new Holdout.Directory(dir.strip());
        } else if (ref != null && !ref.isBlank()) {
            source = new Holdout.GitRef(ref.strip());
        } else {
            t.problem("evaluate.holdout", "says nowhere where the hidden files come from",
                    "add `from_dir: ../heldout` (a directory outside the repository) or `from_ref: refs/hidden/data` (a git ref)");
        }
        if (globs.isEmpty()) {
            t.problem("scope.hidden", "is required with evaluate.holdout",
                    "list the files the hold-out needs, e.g. `hidden: [data/test/**]`");
        }
        int seconds = t.whole(s.get("timeout_seconds"), "evaluate.holdout.timeout_seconds", timeout, 1);
        int times = t.whole(s.get("repeats"), "evaluate.holdout.repeats", repeats, 1);
        if (command == null || source == null) return Optional.empty();
        return Optional.of(new Holdout(command, globs, source, seconds, times));
    }
}

package dev.helix.core.session;

import dev.helix.core.port.Vcs;
import dev.helix.core.scope.ScopeGuard;
import dev.helix.core.scope.ScopeGuard.Violation;
import dev.helix.core.scope.Strays;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a proposal must pass before it is committed, so that the commit alone reproduces what is
 * evaluated: every changed path a regular file, in scope, no protected file touched, and (in
 * Helix's worktree) no ignored file left for the evaluation to read.
 */
final class ProposalCheck {

    /** Why a proposal is refused, and the paths it names. */
    record Refusal(String reason, List<String> paths) {}

    private ProposalCheck() {}

    /** The refusal of {@code p} in worktree {@code wt}, or none when it may be committed. */
    static Optional<Refusal> check(Vcs vcs, Path wt, Spec spec, ExperimentState.Proposed p,
                                             ExperimentMachine.Guarded guarded, Set<String> prepared) {
        List<String> reasons = new ArrayList<>();
        Set<String> paths = new TreeSet<>();
        List<Violation> kinds = ScopeGuard.kinds(vcs.kinds(wt, p.changed()));
        if (!kinds.isEmpty()) {
            reasons.add(ScopeGuard.kindsReason(kinds));
            kinds.forEach(v -> paths.add(v.path()));
        }
        List<Violation> scope = new ArrayList<>(ScopeGuard.check(p.changed(), spec.scope(), guarded.files()));
        for (Violation v : ScopeGuard.tampered(guarded.hashes(), vcs.hashes(wt, guarded.files()))) {
            if (scope.stream().noneMatch(x -> x.path().equals(v.path()))) scope.add(v);
        }
        scope.removeIf(v -> paths.contains(v.path())); // already named for what it is
        if (!scope.isEmpty()) {
            reasons.add("changed files out of scope: " + String.join(", ", scope.stream().map(Violation::render).toList()));
            scope.forEach(v -> paths.add(v.path()));
        }
        Strays strays = p.strays();
        if (spec.scope().strayFiles() == Spec.StrayFiles.REJECT && !strays.isEmpty()) {
            reasons.add("files outside the commit changed: " + strays.render() + ": " + Strays.WHY
                    + " (scope.stray_files: remove has Helix delete them instead)");
            paths.addAll(strays.all());
        } else if (!strays.notRemovable(prepared).isEmpty()) {
            List<String> setup = strays.notRemovable(prepared);
            reasons.add("files evaluate.setup made changed: " + String.join(", ", setup) + ": " + Strays.WHY);
            paths.addAll(setup);
        }
        if (reasons.isEmpty()) return Optional.empty();
        return Optional.of(new Refusal(String.join("; ", reasons), List.copyOf(paths)));
    }

    /** What to delete when the proposal is undone or before it is evaluated: the files it created, and the strays that may go. */
    static List<String> leftovers(Spec spec, ExperimentState.Proposed p) {
        Set<String> out = new TreeSet<>(p.created());
        out.addAll(spec.scope().strayFiles() == Spec.StrayFiles.REMOVE ? p.strays().removable() : p.strays().created());
        return List.copyOf(out);
    }
}

package dev.helix.app.merge;

import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Judge;
import dev.helix.core.session.Records;
import dev.helix.core.spec.Spec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code helix merge-best}: ranks a session and its forks (TAG-*) by their best result and, when
 * asked, brings the winner home as {@link SessionMerge} does: its branch merged into the user's
 * checked-out branch, with the ledger rows of the session and every fork.
 */
public final class MergeBest {

    /** A session's best result, as the ranking lists it. */
    public record Entry(String tag, int run, double best, Double baseline, String commit, String description) {}

    /** The sessions of {@code root}'s family ranked best first, and each one's records; the first is the winner. */
    public record Ranking(String root, Spec spec, List<Entry> entries, Map<String, List<Experiment>> records) {
        public Entry winner() {
            return entries.get(0);
        }
    }

    private MergeBest() {}

    /** Ranks session {@code root} and its forks among the workspace's records. */
    public static Ranking rank(Workspace workspace, String root) {
        Spec spec = SessionMerge.spec(workspace);
        Map<String, List<Experiment>> byTag = new LinkedHashMap<>();
        for (Experiment e : SessionMerge.family(workspace, root)) byTag.computeIfAbsent(e.tag(), t -> new ArrayList<>()).add(e);
        List<Entry> ranking = new ArrayList<>();
        byTag.forEach((t, records) -> Records.best(records).filter(b -> b.primary().isPresent()).ifPresent(b -> ranking.add(
                new Entry(t, b.run(), b.primary().get(), Records.baseline(records).flatMap(Experiment::primary).orElse(null),
                        b.commit(), b.description()))));
        if (ranking.isEmpty()) {
            throw AppException.usage("nothing_to_rank", "no session " + root + " (or fork of it) has a result", "run one first");
        }
        var direction = spec.metrics().primary().optimize();
        ranking.sort(Comparator.comparingDouble(e -> -direction.improvement(e.best(), 0)));
        return new Ranking(root, spec, ranking, byTag);
    }

    /** Merges the winner's branch into the user's own, clean branch, with the rows of the whole family. */
    public static SessionMerge.Result apply(Workspace workspace, Ranking ranking) {
        Spec spec = ranking.spec();
        Entry winner = ranking.winner();
        return SessionMerge.merge(workspace, spec, winner.tag(), SessionMerge.family(workspace, ranking.root()),
                "helix: merge the best of " + winner.tag() + " (#" + winner.run() + ", " + spec.metrics().primary().name() + " "
                        + Judge.fmt(winner.best()) + "): " + winner.description());
    }
}

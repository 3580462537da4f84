package dev.helix.app.merge;

import dev.helix.adapters.specio.SpecFiles;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Judge;
import dev.helix.core.ledger.LedgerTsv;
import dev.helix.core.port.Repository;
import dev.helix.core.scope.Glob;
import dev.helix.core.session.Records;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code helix merge-best}: ranks a session and its forks (TAG-*) by their best result and, when
 * asked, brings the winner home: its editable files committed onto the user's checked-out branch,
 * with its rows appended to experiments.tsv.
 */
public final class MergeBest {

    /** A session's best result, as the ranking lists it. */
    public record Entry(String tag, int run, double best, Double baseline, String commit, String description) {}

    /** The sessions ranked best first, and each one's records; the first is the winner. */
    public record Ranking(Spec spec, List<Entry> entries, Map<String, List<Experiment>> records) {
        public Entry winner() {
            return entries.get(0);
        }
    }

    /** The commit that brought the winner home, the branch it went onto and how many editable files it changed. */
    public record Applied(String commit, String branch, int files) {}

    private MergeBest() {}

    /** Ranks session {@code root} and its forks among the workspace's records. */
    public static Ranking rank(Workspace workspace, String root) {
        Spec spec = SpecFiles.load(SpecFiles.find(workspace.repo()).orElseThrow(() -> AppException.usage("no_spec",
                "no helix.yaml in " + workspace.repo(), "run it in the session's repository")));
        Map<String, List<Experiment>> byTag = new LinkedHashMap<>();
        for (Experiment e : workspace.ledger().read().experiments()) {
            if (e.tag().equals(root) || e.tag().startsWith(root + "-")) byTag.computeIfAbsent(e.tag(), t -> new ArrayList<>()).add(e);
        }
        List<Entry> ranking = new ArrayList<>();
        byTag.forEach((t, records) -> Records.best(records).filter(b -> b.primary().isPresent()).ifPresent(b -> ranking.add(
                new Entry(t, b.run(), b.primary().get(), Records.baseline(records).flatMap(Experiment::primary).orElse(null),
                        b.commit(), b.description()))));
        if (ranking.isEmpty()) {
            throw AppException.usage("nothing_to_rank", "no session " + root + " (or fork of it) has a result", "run one first");
        }
        var direction = spec.metrics().primary().optimize();
        ranking.sort(Comparator.comparingDouble(e -> -direction.improvement(e.best(), 0)));
        return new Ranking(spec, ranking, byTag);
    }

    /** Commits the winner's editable files and its experiments.tsv rows onto the user's own, clean branch. */
    public static Applied apply(Workspace workspace, Ranking ranking) {
        Repository vcs = workspace.git();
        Path repo = workspace.repo();
        Spec spec = ranking.spec();
        Entry winner = ranking.winner();
        String branch = vcs.currentBranch(repo).orElseThrow(() -> AppException.usage("detached_head",
                "your repository has no branch checked out", "check out the branch to merge into, e.g. git switch main"));
        if (branch.startsWith("helix/")) {
            throw AppException.usage("on_session_branch", "the checked-out branch is a session branch (" + branch + ")",
                    "check out your own branch first, e.g. git switch main");
        }
        if (!vcs.modifiedTrackedFiles(repo).isEmpty()) {
            throw AppException.usage("dirty_tree", "your working tree has uncommitted changes: " + vcs.modifiedTrackedFiles(repo),
                    "commit or stash them first");
        }
        String head = vcs.resolve(repo, "HEAD").orElseThrow();
        List<String> files = vcs.changedFiles(repo, head, winner.commit()).stream()
                .filter(f -> Glob.any(spec.scope().editable(), f)).toList();
        vcs.checkoutFiles(repo, winner.commit(), files);
        appendRows(repo.resolve("experiments.tsv"), LedgerTsv.render(ranking.records().get(winner.tag()),
                spec.metrics().primary().name(), spec.metrics().qualityGuard().map(Spec.QualityGuard::name)));
        List<String> paths = new ArrayList<>(files);
        paths.add("experiments.tsv");
        String commit = vcs.commit(repo, paths, "helix: merge the best of " + winner.tag() + " (#" + winner.run() + ", "
                + spec.metrics().primary().name() + " " + Judge.fmt(winner.best()) + "): " + winner.description());
        return new Applied(commit, branch, files.size());
    }

    /** Appends the rows (not the header) to an existing experiments.tsv, or writes the whole table. */
    private static void appendRows(Path tsv, String rows) {
        try {
            if (Files.exists(tsv)) {
                String body = rows.substring(rows.indexOf('\n') + 1);
                String existing = Files.readString(tsv);
                Files.writeString(tsv, (existing.endsWith("\n") || existing.isEmpty() ? existing : existing + "\n") + body);
            } else {
                Files.writeString(tsv, rows);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

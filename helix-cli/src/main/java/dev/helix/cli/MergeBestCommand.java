package dev.helix.cli;

import dev.helix.adapters.specio.SpecFiles;
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
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix merge-best}: rank a session and its forks; with --apply, bring the winner home. */
@Command(name = "merge-best", mixinStandardHelpOptions = true, description = {
    "Rank a session and its forks by their best result; with --apply, bring the winner into your branch.",
    "%n--apply commits the winner's editable files onto the branch checked out in your repository, as one "
        + "commit that also appends the winner's rows to experiments.tsv."})
final class MergeBestCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session whose forks (TAG-*) compete (default: the latest).")
    String tag;

    @Option(names = "--apply", description = "Commit the winner's editable files onto your checked-out branch.")
    boolean apply;

    record Entry(String tag, int run, double best, Double baseline, String commit, String description) {}

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        Spec spec = SpecFiles.load(SpecFiles.find(s.repo()).orElseThrow(() -> CommandException.usage("no_spec",
                "no helix.yaml in " + s.repo(), "run it in the session's repository")));
        String root = Optional.ofNullable(tag).orElse(s.tag());
        List<Experiment> all = s.workspace().ledger().read().experiments();
        Map<String, List<Experiment>> byTag = new LinkedHashMap<>();
        for (Experiment e : all) {
            if (e.tag().equals(root) || e.tag().startsWith(root + "-")) byTag.computeIfAbsent(e.tag(), t -> new ArrayList<>()).add(e);
        }
        List<Entry> ranking = new ArrayList<>();
        byTag.forEach((t, records) -> Records.best(records).filter(b -> b.primary().isPresent()).ifPresent(b -> ranking.add(
                new Entry(t, b.run(), b.primary().get(), Records.baseline(records).flatMap(Experiment::primary).orElse(null),
                        b.commit(), b.description()))));
        if (ranking.isEmpty()) {
            throw CommandException.usage("nothing_to_rank", "no session " + root + " (or fork of it) has a result", "run one first");
        }
        var direction = spec.metrics().primary().optimize();
        ranking.sort(Comparator.comparingDouble(e -> -direction.improvement(e.best(), 0)));
        Output out = main.output();
        for (int i = 0; i < ranking.size(); i++) {
            Entry e = ranking.get(i);
            out.text(String.format("%d. helix/%-24s #%-4d %-12s %s", i + 1, e.tag(), e.run(), Judge.fmt(e.best()),
                    e.baseline() == null ? "" : "(baseline " + Judge.fmt(e.baseline()) + ")  " + e.description()));
        }
        Entry winner = ranking.get(0);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("ranking", ranking);
        data.put("winner", winner.tag());
        if (apply) data.put("commit", apply(s.git(), s.repo(), spec, winner, byTag.get(winner.tag())));
        out.success(data, apply ? List.of() : List.of("bring the winner into your branch: helix merge-best --apply --tag " + root));
        return ExitCodes.OK;
    }

    private String apply(Repository vcs, Path repo, Spec spec, Entry winner, List<Experiment> records) {
        String branch = vcs.currentBranch(repo).orElseThrow(() -> CommandException.usage("detached_head",
                "your repository has no branch checked out", "check out the branch to merge into, e.g. git switch main"));
        if (branch.startsWith("helix/")) {
            throw CommandException.usage("on_session_branch", "the checked-out branch is a session branch (" + branch + ")",
                    "check out your own branch first, e.g. git switch main");
        }
        if (!vcs.modifiedTrackedFiles(repo).isEmpty()) {
            throw CommandException.usage("dirty_tree", "your working tree has uncommitted changes: " + vcs.modifiedTrackedFiles(repo),
                    "commit or stash them first");
        }
        String head = vcs.resolve(repo, "HEAD").orElseThrow();
        List<String> files = vcs.changedFiles(repo, head, winner.commit()).stream()
                .filter(f -> Glob.any(spec.scope().editable(), f)).toList();
        vcs.checkoutFiles(repo, winner.commit(), files);
        Path tsv = repo.resolve("experiments.tsv");
        String rows = LedgerTsv.render(records, spec.metrics().primary().name(), spec.metrics().qualityGuard().map(Spec.QualityGuard::name));
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
        List<String> paths = new ArrayList<>(files);
        paths.add("experiments.tsv");
        String commit = vcs.commit(repo, paths, "helix: merge the best of " + winner.tag() + " (#" + winner.run() + ", "
                + spec.metrics().primary().name() + " " + Judge.fmt(winner.best()) + "): " + winner.description());
        main.output().text("committed " + commit.substring(0, 7) + " on " + branch + ": " + files.size() + " file(s) and experiments.tsv");
        return commit;
    }
}

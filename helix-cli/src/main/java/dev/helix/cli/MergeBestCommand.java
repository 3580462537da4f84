package dev.helix.cli;

import dev.helix.app.merge.MergeBest;
import dev.helix.app.merge.SessionMerge;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix merge-best}: rank a session and its forks; with --apply, bring the winner home. */
@Command(name = "merge-best", mixinStandardHelpOptions = true, description = {
    "Rank a session and its forks by their best result; with --apply, bring the winner into your branch.",
    "%n--apply merges the winner's branch into the branch checked out in your repository, as helix merge does: "
        + "a three-way merge whose commit also carries the ledger rows of the session and every fork."})
final class MergeBestCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session whose forks (TAG-*) compete (default: the latest).")
    String tag;

    @Option(names = "--apply", description = "Merge the winner into your checked-out branch.")
    boolean apply;

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        String root = Optional.ofNullable(tag).orElse(s.tag());
        MergeBest.Ranking ranking = MergeBest.rank(s.workspace(), root);
        Output out = main.output();
        out.text(MergeBestView.text(ranking.entries()));
        MergeView merge = null;
        if (apply) {
            SessionMerge.Result merged = MergeBest.apply(s.workspace(), ranking);
            out.text(MergeView.text(merged));
            merge = MergeView.of(merged);
        }
        out.success(new MergeBestView(ranking.entries(), ranking.winner().tag(), merge == null ? null : merge.commit(), merge),
                apply ? List.of() : List.of("bring the winner into your branch: helix merge-best --apply --tag " + root));
        return ExitCodes.OK;
    }
}

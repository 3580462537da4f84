package dev.helix.cli;

import dev.helix.app.merge.SessionMerge;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix merge}: bring one session's kept changes and its ledger into your branch. */
@Command(name = "merge", mixinStandardHelpOptions = true, description = {
    "Merge a session into your branch: its kept changes as a git merge of helix/<tag>, with its ledger rows and its forks'.",
    "%nThe merge is three-way, so what you committed since the session started stays; merging again does nothing. "
        + "On a conflict nothing is changed. The merge commit carries experiments.jsonl and experiments.tsv."})
final class MergeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session to merge (default: the latest).")
    String tag;

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        SessionMerge.Result result = SessionMerge.session(s.workspace(), s.tag());
        Output out = main.output();
        out.text(MergeView.text(result));
        out.success(MergeView.of(result), List.of());
        return ExitCodes.OK;
    }
}

package dev.helix.cli;

import dev.helix.adapters.specio.SpecFiles;
import dev.helix.app.AppException;
import dev.helix.app.finalizing.FinalFiles;
import dev.helix.app.finalizing.FinalizeSession;
import dev.helix.app.finalizing.SessionGates;
import dev.helix.app.verify.VerifyExperiment;
import dev.helix.core.result.FinalResult;
import dev.helix.core.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix finalize}: confirm a session's gain, weigh each kept change, write helix/TAG-final. */
@Command(name = "finalize", mixinStandardHelpOptions = true, description = {
    "Turn a session's chain of keeps into a result a reviewer can merge.",
    "%n1. Confirm: the best and the baseline are re-measured side by side in K balanced blocks (as the statistical judge "
        + "measures); the gain is confirmed when its confidence interval (judge.confidence) excludes zero.",
    "2. Leave-one-out: each kept change, in the order kept, is reverted alone on top of the best less the changes already "
        + "dropped (git revert, in a worktree of Helix's own), and that tree is measured against it; the difference is the "
        + "change's contribution, with its interval. A change whose removal does not measurably hurt, or whose "
        + "contribution is at most judge.min_improvement, is dropped (kept with --keep-all); one that does not revert "
        + "cleanly, or without which the evaluation crashes, is kept and said so.",
    "3. Write branch helix/TAG-final on the session's base: one commit per change that stays, its message saying what it "
        + "does and what it contributes (--squash: one commit). When changes were dropped, that tree is measured against "
        + "the baseline too (a crash there leaves the branch unwritten). Your checkout and other branches are not touched; "
        + "a helix/TAG-final that Helix did not write (or that has commits of yours), or that a worktree has checked out, "
        + "is refused.",
    "%nThe summary (Markdown) is printed and written to .helix/runs/TAG/final.md, its counts to final.json; helix report "
        + "and helix ui show it. "
        + "Exit 0 when the gain is confirmed and the branch written, 1 when not."})
final class FinalizeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    @Option(names = "--keep-all", description = "Keep every kept change, even those whose removal does not hurt.")
    boolean keepAll;

    @Option(names = "--squash", description = "Write the final branch as one commit.")
    boolean squash;

    @Option(names = "--repeats", paramLabel = "K", description = "Blocks per comparison, each one run of both sides "
            + "(default: evaluate.repeats, or judge.max_repeats on a noisy metric; at least 3).")
    Integer repeats;

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        Spec spec = SpecFiles.load(SpecFiles.find(s.repo()).orElseThrow(() -> AppException.usage("no_spec",
                "no helix.yaml in " + s.repo(), "run it in the session's repository")));
        int k = repeats != null ? repeats : VerifyExperiment.defaultRepeats(s.records(), spec);
        Output out = main.output();
        FinalResult result = FinalizeSession.run(s.workspace(), s.tag(), s.records(), spec,
                new FinalizeSession.Options(keepAll, squash, k), SessionGates.of(s.workspace(), spec, s.tag(), s.records()), line -> out.progress().println(line));
        FinalizeView view = FinalizeView.of(result, s.workspace().relative(FinalFiles.markdown(s.workspace(), s.tag())));
        out.text(view.text());
        List<String> hints = new ArrayList<>();
        if (result.written()) hints.add("review it: git log -p " + result.branch() + "; open a pull request from it");
        if (!result.confirmed()) hints.add("the gain did not hold up when re-measured: try more --repeats, or continue the session");
        out.success(view, hints);
        return result.confirmed() && result.written() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}

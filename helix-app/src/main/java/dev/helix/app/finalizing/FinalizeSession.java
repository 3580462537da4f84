package dev.helix.app.finalizing;

import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.app.verify.VerifyTarget;
import dev.helix.app.verify.VerifyWorktree;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.EffectReproduction;
import dev.helix.core.judge.Judge;
import dev.helix.core.judge.SequentialJudge;
import dev.helix.core.result.Contribution;
import dev.helix.core.result.FinalResult;
import dev.helix.core.result.Gain;
import dev.helix.core.session.Records;
import dev.helix.core.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code helix finalize}: turns a session's chain of keeps into a result a reviewer can merge. It
 * re-measures the best against the baseline side by side (is the gain real?), weighs each kept
 * change by reverting it alone on top of the best less the changes already dropped (leave-one-out,
 * by backward elimination), and writes helix/TAG-final on
 * the session's base with one commit per change that matters. Every measurement runs in
 * Helix-owned worktrees from the commits alone; the user's checkout and branches are not touched.
 */
public final class FinalizeSession {

    /**
     * @param keepAll keep the changes whose removal does not hurt
     * @param squash write one commit instead of one per change
     * @param blocks balanced blocks per comparison (each two evaluations)
     */
    public record Options(boolean keepAll, boolean squash, int blocks) {}

    private final Workspace workspace;
    private final String tag;
    private final Spec spec;
    private final Options options;
    private final ResultGates gates;
    private final Consumer<String> progress;
    private final SequentialJudge.Prior prior;

    private FinalizeSession(Workspace workspace, String tag, Spec spec, Options options, ResultGates gates, Consumer<String> progress,
                            SequentialJudge.Prior prior) {
        this.workspace = workspace;
        this.tag = tag;
        this.spec = spec;
        this.options = options;
        this.gates = gates;
        this.progress = progress;
        this.prior = prior;
    }

    /** Finalizes session {@code tag} from its {@code records}; the summary is written under .helix/runs/TAG/. */
    public static FinalResult run(Workspace workspace, String tag, List<Experiment> records, Spec spec, Options options,
                                  ResultGates gates, Consumer<String> progress) {
        if (options.blocks() < EffectReproduction.MIN_BLOCKS) {
            throw AppException.usage("bad_option", "finalize needs at least " + EffectReproduction.MIN_BLOCKS + " blocks per comparison",
                    "e.g. --repeats " + EffectReproduction.MIN_BLOCKS);
        }
        List<Experiment> experiments = records.stream().filter(e -> e.status() != Status.VERIFY).toList();
        Experiment baseline = Records.baseline(experiments).filter(e -> !e.commit().isEmpty() && e.primary().isPresent())
                .orElseThrow(() -> AppException.usage("no_baseline", "session " + tag + " has no measured baseline with a commit",
                        "finalize a session started by helix run or helix try"));
        Experiment best = Records.best(experiments).orElse(baseline);
        if (best.commit().equals(baseline.commit()) || best.primary().isEmpty()) {
            throw AppException.usage("nothing_to_finalize", "session " + tag + " kept no change: its best is the baseline",
                    "run more experiments first: helix run --resume --tag " + tag);
        }
        FinalBranch.checkWritable(workspace, tag);
        FinalizeSession session = new FinalizeSession(workspace, tag, spec, options, gates, progress, Records.differencePrior(experiments));
        try (var lock = workspace.lock(tag); var leftovers = new FinalizeLeftovers(workspace, tag)) {
            FinalResult result = session.finalize(experiments, baseline, best);
            FinalFiles.write(workspace, result);
            return result;
        }
    }

    private FinalResult finalize(List<Experiment> experiments, Experiment baseline, Experiment best) {
        List<Contribution> changes = new ArrayList<>();
        // A change is everything from the kept commit before it (the baseline's for the first) to its
        // own: a fix-up starts from the crashed attempt, so its recorded parent would miss the attempt's edits.
        String previous = baseline.commit();
        for (Experiment k : VerifyTarget.kept(experiments)) {
            if (!workspace.git().isAncestor(workspace.repo(), k.commit(), best.commit())) continue; // not in the best's line
            changes.add(new Contribution(k.run(), k.description(), k.commit(), previous, Optional.empty(),
                    k.agent().flatMap(a -> a.costUsd()), Contribution.Fate.UNCLEAR));
            previous = k.commit();
        }
        String metric = spec.metrics().primary().name();
        try (VerifyWorktree measure = new VerifyWorktree(workspace, tag, workspace.auxiliaryWorktree("finalize", tag, "measure"),
                Optional.of(tag), best.run(), best.commit(), spec, progress);
             FinalBranch branch = new FinalBranch(workspace, tag, best.commit())) {
            progress.accept("the best (#" + best.run() + ") against the baseline, " + options.blocks() + " blocks");
            double recorded = best.primary().get() - baseline.primary().get();
            EffectReproduction confirmation = compare(measure, best.commit(), baseline.commit(), "best", "baseline", recorded, "");
            Gain gain = Gain.of(confirmation.evidence(), spec.metrics().primary().optimize(), spec.judge().confidence());
            // Backward elimination: each change is weighed against the best without the changes dropped
            // so far, so of two changes that do the same thing only the first is dropped.
            String reference = best.commit();
            // a change worth less than the session would have kept it for does not earn its place either
            double floor = spec.judge().minImprovement().against(best.primary().get());
            for (int i = 0; i < changes.size(); i++) {
                Contribution c = changes.get(i);
                String current = reference;
                progress.accept("#" + c.run() + " " + c.description() + ": without it");
                Optional<String> without = branch.without(current, c);
                Optional<Gain> contribution = Optional.empty();
                Contribution.Fate fate;
                try {
                    contribution = without.map(w -> Gain.of(compare(measure, current, w, "with #" + c.run(), "without #" + c.run(), 0, w)
                            .evidence(), spec.metrics().primary().optimize(), spec.judge().confidence()));
                    fate = Contribution.fate(contribution, floor, options.keepAll());
                } catch (SideCrashed crashed) {
                    // a later change needs it: the tree without it does not even evaluate
                    progress.accept("#" + c.run() + ": the best without it crashed: " + crashed.getMessage().lines().findFirst().orElse(""));
                    fate = Contribution.Fate.CRASHES_WITHOUT;
                }
                if (!fate.survives && checksNeed(measure, current, without.orElseThrow(), c)) fate = Contribution.Fate.CHECKS_FAIL_WITHOUT;
                Contribution weighed = new Contribution(c.run(), c.description(), c.commit(), c.parent(), contribution, c.costUsd(), fate);
                progress.accept("#" + c.run() + ": " + weighed.contribution().map(Gain::render).orElse("does not revert cleanly")
                        + "; " + weighed.fate().why);
                changes.set(i, weighed);
                if (!weighed.fate().survives) reference = without.orElseThrow();
            }
            List<String> commits = replay(branch, baseline.commit(), changes, metric);
            String tip = commits.isEmpty() ? baseline.commit() : commits.get(commits.size() - 1);
            Optional<Gain> result = Optional.empty();
            Optional<String> resultCrash = Optional.empty();
            if (changes.stream().anyMatch(c -> !c.fate().survives)) {
                progress.accept("the final tree (without the dropped changes) against the baseline");
                try {
                    result = Optional.of(Gain.of(compare(measure, tip, baseline.commit(), "final", "baseline", recorded, tip).evidence(),
                            spec.metrics().primary().optimize(), spec.judge().confidence()));
                } catch (SideCrashed crashed) {
                    resultCrash = Optional.of(crashed.getMessage());
                    progress.accept("the final tree crashed, so " + FinalBranch.name(tag) + " will not be written");
                }
            }
            if (options.squash() && commits.size() > 1) commits = List.of(branch.squash(baseline.commit(), tip, squashMessage(changes, gain)));
            tip = commits.isEmpty() ? baseline.commit() : commits.get(commits.size() - 1);
            measure.checkout(tip);
            boolean evaluates = resultCrash.isEmpty();
            Optional<ResultGates.Checked> checked = evaluates ? gates.checks(measure.dir()) : Optional.empty();
            Optional<String> holdout = evaluates ? gates.holdout(measure.dir(), tip) : Optional.empty();
            boolean passed = evaluates && checked.map(ResultGates.Checked::passed).orElse(true);
            if (passed) FinalBranch.write(workspace, tag, tip);
            Optional<String> checks = evaluates ? checked.map(c -> (c.passed() ? "passed" : "FAILED, so " + FinalBranch.name(tag) + " was not written")
                    + (c.detail().isBlank() ? "" : ": " + c.detail())) : Optional.of("not run: the final tree does not evaluate");
            return new FinalResult(tag, metric, spec.metrics().primary().optimize(), baseline.primary().get(), best.primary().get(),
                    best.run(), gain, confirmation.reproduces(), confirmation(confirmation, recorded, gain), result, resultCrash, changes, FinalBranch.name(tag),
                    baseline.commit(), commits, options.squash() && changes.stream().filter(c -> c.fate().survives).count() > 1, passed, checks,
                    holdout, gates.environment(), Records.cost(experiments));
        }
    }

    /**
     * Replays the surviving changes on the base. A dropped change that a later one needs (the later
     * one does not apply without it) comes back, marked as such, and the replay starts again.
     */
    private List<String> replay(FinalBranch branch, String base, List<Contribution> changes, String metric) {
        while (true) {
            FinalBranch.Replay replay = branch.replay(base, changes.stream().filter(c -> c.fate().survives).toList(), metric);
            switch (replay) {
                case FinalBranch.Replay.Applied applied -> {
                    return applied.commits();
                }
                case FinalBranch.Replay.Blocked blocked -> {
                    int at = changes.indexOf(blocked.change());
                    int needed = -1;
                    for (int i = at - 1; i >= 0 && needed < 0; i--) if (!changes.get(i).fate().survives) needed = i;
                    if (needed < 0) {
                        throw AppException.runtime("replay_failed", "#" + blocked.change().run() + " does not apply on the session's base"
                                + " with the changes before it", "see its diff: helix show " + blocked.change().run());
                    }
                    progress.accept("#" + blocked.change().run() + " does not apply without #" + changes.get(needed).run() + ": keeping it");
                    changes.set(needed, changes.get(needed).withFate(Contribution.Fate.NEEDED_BY_LATER));
                }
            }
        }
    }

    /**
     * Whether the checks need change {@code c} although the metric does not: they fail on the tree
     * without it and pass on the tree with it (checks failing on both say nothing of the change).
     * Dropping it would leave a final tree that fails the checks, and no branch.
     */
    private boolean checksNeed(VerifyWorktree measure, String with, String without, Contribution c) {
        measure.checkout(without);
        Optional<ResultGates.Checked> off = gates.checks(measure.dir());
        if (off.isEmpty() || off.get().passed()) return false;
        measure.checkout(with);
        boolean needed = gates.checks(measure.dir()).map(ResultGates.Checked::passed).orElse(false);
        if (needed) progress.accept("#" + c.run() + ": the checks fail without it: " + off.get().detail());
        return needed;
    }

    /** The side of a comparison that was allowed to crash did: what the evaluation said. */
    private static final class SideCrashed extends RuntimeException {
        SideCrashed(AppException crash) {
            super(crash.getMessage(), crash);
        }
    }

    /**
     * Measures {@code a} and {@code b} side by side in balanced blocks; the evidence is of a minus b.
     * A crash of the side at commit {@code mayCrash} (none when blank) is a {@link SideCrashed}, not a failure of finalize.
     */
    private EffectReproduction compare(VerifyWorktree wt, String a, String b, String aLabel, String bLabel, double recorded,
                                       String mayCrash) {
        int[] k = {0, 0};
        int n = options.blocks();
        String log = "final." + (aLabel + "-vs-" + bLabel).replaceAll("[^A-Za-z0-9-]+", "");
        EffectReproduction.Blocks blocks = EffectReproduction.measure(n, () -> {
            wt.checkout(a);
            k[0]++;
            return measure(wt, log + "." + k[0] + "a", "block " + k[0] + "/" + n + " " + aLabel, a.equals(mayCrash));
        }, () -> {
            wt.checkout(b);
            k[1]++;
            return measure(wt, log + "." + k[1] + "b", "block " + k[1] + "/" + n + " " + bLabel, b.equals(mayCrash));
        });
        return EffectReproduction.check(blocks, recorded, spec.judge().confidence(), b, prior);
    }

    private static double measure(VerifyWorktree wt, String name, String label, boolean mayCrash) {
        try {
            return wt.measure(name, label);
        } catch (AppException e) {
            if (mayCrash && e.code().equals("verify_crashed")) throw new SideCrashed(e);
            throw e;
        }
    }

    /** Why the gain is confirmed or not, in the words of the metric's direction. */
    private static String confirmation(EffectReproduction r, double recorded, Gain gain) {
        String verdict = r.reproduces() ? "Confirmed" : gain.significant() || gain.high() < 0 ? "Not confirmed: it went the other way"
                : "Not confirmed: the interval reaches zero";
        return verdict + ". Recorded " + Judge.signed(recorded) + " (best minus baseline), re-measured " + Judge.signed(r.evidence().effect())
                + (gain.low() == gain.high() ? "" : ", p=" + Judge.fmt(r.evidence().pValue())) + " over " + gain.blocks()
                + " blocks, the two side by side in one worktree; the recorded value lies " + (r.recordedInside() ? "inside" : "outside")
                + " the interval" + (r.recordedInside() ? "." : " (a session's best is biased upwards by the selection that kept it).");
    }

    private String squashMessage(List<Contribution> changes, Gain gain) {
        StringBuilder b = new StringBuilder("helix: the changes of session " + tag + " that matter, " + gain.render() + " "
                + spec.metrics().primary().name() + " against the baseline\n");
        for (Contribution c : changes) {
            if (!c.fate().survives) continue;
            b.append("\n- #").append(c.run()).append(' ').append(c.description().strip().lines().findFirst().orElse(""))
                    .append(": ").append(c.contribution().map(Gain::render).orElse("not measured alone"));
        }
        List<Contribution> dropped = changes.stream().filter(c -> !c.fate().survives).toList();
        if (!dropped.isEmpty()) {
            b.append("\n\nLeft out, as removing them does not hurt:");
            dropped.forEach(c -> b.append("\n- #").append(c.run()).append(' ').append(c.description().strip().lines().findFirst().orElse(""))
                    .append(": ").append(c.contribution().map(Gain::render).orElse("")));
        }
        return b.toString();
    }
}

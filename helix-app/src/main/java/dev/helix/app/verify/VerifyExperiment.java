package dev.helix.app.verify;

import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.experiment.Evidence;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Noise;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.EffectReproduction;
import dev.helix.core.judge.Reproduction;
import dev.helix.core.session.Records;
import dev.helix.core.spec.Spec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code helix verify}: re-runs an experiment's commit in a fresh worktree and says whether its
 * result reproduces, recording the check in the ledger (status verify, under the experiment's run
 * number). On a deterministic metric the recorded value must come out again; on a noisy one the
 * commit and its parent are re-measured side by side and the <em>effect</em> must reproduce
 * ({@link EffectReproduction}), since the absolute value moves with the machine.
 */
public final class VerifyExperiment {

    /** A check's verdict and the re-measurements it rests on. */
    public sealed interface Check {
        Experiment target();

        boolean reproduces();

        String reason();
    }

    /** The recorded value against the commit's re-measurements (deterministic metrics, or nothing to pair with). */
    public record Exact(Experiment target, Reproduction reproduction, List<Double> samples) implements Check {
        public boolean reproduces() {
            return reproduction.reproduces();
        }

        public String reason() {
            return reproduction.reason();
        }
    }

    /** The recorded effect against the commit and its parent re-measured in balanced blocks (noisy metrics). */
    public record Effect(Experiment target, EffectReproduction reproduction, EffectReproduction.Blocks blocks) implements Check {
        public boolean reproduces() {
            return reproduction.reproduces();
        }

        public String reason() {
            return reproduction.reason();
        }
    }

    private VerifyExperiment() {}

    /**
     * Whether the session's metric is noisy: as its baseline's noise says (the judge it chose),
     * else as the spec's judge.mode says.
     */
    public static boolean noisy(List<Experiment> records, Spec spec) {
        return Records.baseline(records).flatMap(Experiment::noise).map(Noise::statistical)
                .orElse(spec.judge().mode() == Spec.JudgeMode.STATISTICAL);
    }

    /**
     * How many runs (deterministic) or blocks (noisy) a check takes unless told: evaluate.repeats
     * or judge.max_repeats, at least 3.
     */
    public static int defaultRepeats(List<Experiment> records, Spec spec) {
        return Math.max(3, noisy(records, spec) ? spec.judge().maxRepeats() : spec.evaluate().repeats());
    }

    /** The fewest runs a check may take: one value, or {@value EffectReproduction#MIN_BLOCKS} blocks on a noisy metric. */
    public static int minRepeats(List<Experiment> records, Spec spec) {
        return noisy(records, spec) ? EffectReproduction.MIN_BLOCKS : 1;
    }

    /**
     * Checks {@code target} of session {@code tag}: {@code repeats} runs of its commit, or on a noisy
     * metric {@code repeats} blocks of it and its parent; {@code progress} hears of each run.
     */
    public static Check run(Workspace workspace, String tag, List<Experiment> records, Experiment target, Spec spec, int repeats,
                            double tolerance, Consumer<String> progress) {
        Optional<Double> recordedEffect = recordedEffect(target);
        boolean paired = noisy(records, spec) && recordedEffect.isPresent();
        if (paired && repeats < EffectReproduction.MIN_BLOCKS) {
            throw AppException.usage("bad_option", "a noisy metric needs at least " + EffectReproduction.MIN_BLOCKS
                    + " blocks of the commit and its parent", "e.g. --repeats " + Math.max(3, spec.judge().maxRepeats()));
        }
        Instant started = Instant.now();
        Check check;
        Experiment record;
        try (VerifyWorktree wt = new VerifyWorktree(workspace, tag, target, spec, progress)) {
            if (paired) {
                EffectReproduction.Blocks blocks = blocks(wt, target, repeats);
                EffectReproduction r = EffectReproduction.check(blocks, recordedEffect.get(), spec.judge().confidence(), target.parent(),
                        Records.differencePrior(records));
                check = new Effect(target, r, blocks);
                record = effectRecord(tag, target, spec, r, blocks, started);
            } else {
                List<Double> samples = new ArrayList<>();
                for (int i = 1; i <= repeats; i++) samples.add(wt.measure("verify" + i, "run " + i + "/" + repeats));
                Reproduction r = Reproduction.check(target.primary().get(), samples, tolerance, spec.judge().confidence());
                check = new Exact(target, r, List.copyOf(samples));
                record = exactRecord(tag, target, spec, r, samples, started);
            }
        }
        workspace.ledger().append(record);
        return check;
    }

    /** Checks every kept change of the session, each against its own parent, in the order they were kept. */
    public static List<Check> allKept(Workspace workspace, String tag, List<Experiment> records, Spec spec, int repeats,
                                      double tolerance, Consumer<String> progress) {
        List<Check> checks = new ArrayList<>();
        for (Experiment kept : VerifyTarget.kept(records)) {
            progress.accept("#" + kept.run() + ": " + kept.description());
            checks.add(run(workspace, tag, records, kept, spec, repeats, tolerance, progress));
        }
        return checks;
    }

    /** The effect recorded when the target was judged, when there is one and a parent to measure it against. */
    static Optional<Double> recordedEffect(Experiment target) {
        if (target.parent() == null || target.parent().isEmpty() || target.parent().equals(target.commit())) return Optional.empty();
        return target.evidence().map(Evidence::effect).filter(Double::isFinite).or(target::delta);
    }

    private static EffectReproduction.Blocks blocks(VerifyWorktree wt, Experiment target, int blocks) {
        String parent = target.parent();
        int[] k = {0, 0};
        return EffectReproduction.measure(blocks, () -> {
            wt.checkout(target.commit());
            k[0]++;
            return wt.measure("verify" + k[0], "block " + k[0] + "/" + blocks + " #" + target.run());
        }, () -> {
            wt.checkout(parent);
            k[1]++;
            return wt.measure("verify" + k[1] + ".parent", "block " + k[1] + "/" + blocks + " parent " + parent.substring(0, Math.min(8, parent.length())));
        });
    }

    private static Experiment exactRecord(String tag, Experiment target, Spec spec, Reproduction r, List<Double> samples, Instant started) {
        return new Experiment(target.run(), tag, 0, target.commit(), target.commit(), Status.VERIFY,
                Map.of(spec.metrics().primary().name(), r.mean()), Optional.of(r.mean()), Optional.of(r.mean() - r.recorded()),
                Optional.empty(), "verify #" + target.run() + ": " + (r.reproduces() ? "reproduces" : "does not reproduce"),
                Optional.empty(), r.reason(), samples, started, Instant.now(), 0, Optional.of(0), false, "", target.diff(),
                Optional.empty(), List.of(), Optional.empty());
    }

    /**
     * The re-measure as a verify record: the commit's samples, the parent's beside them, and the
     * statistics of the paired effect; its delta is how far the effect moved from the recorded one.
     */
    private static Experiment effectRecord(String tag, Experiment target, Spec spec, EffectReproduction r,
                                           EffectReproduction.Blocks blocks, Instant started) {
        double mean = blocks.candidate().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double effect = r.evidence().effect();
        return new Experiment(target.run(), tag, 0, target.parent(), target.commit(), Status.VERIFY,
                Map.of(spec.metrics().primary().name(), mean), Optional.of(mean), Optional.of(effect - r.recorded()),
                Optional.empty(), "verify #" + target.run() + ": effect " + (r.reproduces() ? "reproduces" : "does not reproduce"),
                Optional.empty(), r.reason(), blocks.candidate(), started, Instant.now(), 0, Optional.of(0), false, "",
                target.diff(), Optional.empty(), List.of(), Optional.empty(), 0, blocks.parent(), Optional.of(r.evidence()),
                Optional.empty());
    }
}

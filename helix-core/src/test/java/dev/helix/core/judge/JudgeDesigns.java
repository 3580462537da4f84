package dev.helix.core.judge;

import dev.helix.core.judge.JudgeBenchmark.Drift;
import dev.helix.core.judge.JudgeBenchmark.Noise;
import dev.helix.core.judge.JudgeBenchmark.Tally;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The rules tried for the paired judge, on the benchmark's machines and seed (not a test): how much
 * power at +2 sigma each buys and what it costs in evaluations and false keeps. Run with
 * {@code ./bench/judge --designs}; prints the table in docs/statistical-judge.md, then the floor
 * ({@link JudgeFloor}): the fewest evaluations any rule can spend for a given power.
 */
public final class JudgeDesigns {
    record Tried(String label, SequentialDesign design) {}

    /** The rule before the cold guard: no extra condition while the prior is the baseline's alone. */
    static final SequentialDesign BEFORE = SequentialJudge.DESIGN.with(SequentialDesign.Cold.NONE);

    static final List<Tried> TRIED = List.of(
            new Tried("now: before, and on a baseline-only prior a keep needs 4 blocks", SequentialJudge.DESIGN),
            new Tried("before: Pocock, first block discards below 0, then t < 0.35 (k-1)", BEFORE),
            new Tried("first block discards only below -0.5", new SequentialDesign(0.5, -0.5, 0, 0.35, false, 0.3, true)),
            new Tried("the same, futility binding", new SequentialDesign(0.5, -0.5, 0, 0.35, true, 0.3, true)),
            new Tried("Pocock, futility as now but binding", new SequentialDesign(0.5, 0, 0, 0.35, true, 0.3, true)),
            new Tried("O'Brien-Fleming, first block below -0.6, binding", new SequentialDesign(0, -0.6, 0, 0.35, true, 0.3, true)),
            new Tried("Wang-Tsiatis 1/4, first block below -0.7, then -0.2 + 0.35 (k-1), binding",
                    new SequentialDesign(0.25, -0.7, -0.2, 0.35, true, 0.3, true)),
            new Tried("before, without the louder-machine switch", new SequentialDesign(0.5, 0, 0, 0.35, false, 0, true)),
            new Tried("futility shaped like the floor's rule at 90%: first block below -0.4, then -0.16 + 0.33 (k-1)",
                    new SequentialDesign(0.5, -0.4, -0.16, 0.33, false, 0.3, true)),
            new Tried("the same, without the louder-machine switch", new SequentialDesign(0.5, -0.4, -0.16, 0.33, false, 0, true)),
            new Tried("before, a baseline-only prior widened to its 50% upper bound", new SequentialDesign(0.5, 0, 0, 0.35, false, 0.3, true, 0.5)),
            new Tried("before, a baseline-only prior widened to its 75% upper bound", new SequentialDesign(0.5, 0, 0, 0.35, false, 0.3, true, 0.75)),
            new Tried("baseline-only prior: a keep needs the own t-test on the differences too",
                    BEFORE.with(new SequentialDesign.Cold(0, 0, true, false))),
            new Tried("baseline-only prior: a keep needs 3 blocks", BEFORE.with(new SequentialDesign.Cold(0, 3, false, false))),
            new Tried("baseline-only prior: a keep needs 3 blocks and the own t-test on the differences",
                    BEFORE.with(new SequentialDesign.Cold(0, 3, true, false))),
            new Tried("baseline-only prior: sd max(prior, own)", BEFORE.with(new SequentialDesign.Cold(1, 0, false, false))),
            new Tried("baseline-only prior: louder test at 0.5", BEFORE.with(new SequentialDesign.Cold(0.5, 0, false, false))),
            new Tried("baseline-only prior: a keep needs the own t-test on differences and sums too",
                    BEFORE.with(new SequentialDesign.Cold(0, 0, true, true))),
            new Tried("baseline-only prior: the blocks' sums pooled into the spread",
                    BEFORE.with(new SequentialDesign.Cold(0, 0, false, false, true, false))),
            new Tried("baseline-only prior: sums pooled, and a keep needs 3 blocks",
                    BEFORE.with(new SequentialDesign.Cold(0, 3, false, false, true, false))),
            new Tried("baseline-only prior: sums around their line pooled, and a keep needs 3 blocks",
                    BEFORE.with(new SequentialDesign.Cold(0, 3, false, false, true, true))));

    public static void main(String[] args) {
        System.out.println("| rule | +2 sigma kept | evaluations | false keeps, no drift | worst false keeps, other drift "
                + "| cold load |\n|---|---|---|---|---|---|");
        for (Tried t : TRIED) {
            if (args.length > 0 && !t.label().startsWith(args[0])) continue; // one rule: its label's start
            SplittableRandom root = new SplittableRandom(JudgeBenchmark.SEED);
            double[] power = new double[2], evals = new double[2], none = new double[2];
            double worst = 0, coldLoad = 0;
            for (int c = 0; c < 2; c++) {
                boolean cold = c == 1;
                int sessions = cold ? JudgeBenchmark.COLD : JudgeBenchmark.SESSIONS;
                int length = cold ? 1 : JudgeBenchmark.SESSION_LENGTH;
                for (Drift drift : Drift.values()) {
                    double[] keeps = new double[JudgeBenchmark.EFFECTS.length];
                    double ev = 0;
                    for (int i = 0; i < keeps.length; i++) {
                        Tally tally = JudgeBenchmark.paired(t.design(), drift, Noise.GAUSSIAN, JudgeBenchmark.EFFECTS[i], sessions,
                                length, root.split());
                        keeps[i] = tally.keepRate();
                        ev += tally.evalsPerExperiment() / keeps.length;
                    }
                    if (drift == Drift.NONE) {
                        power[c] = keeps[2];
                        evals[c] = ev;
                        none[c] = keeps[0];
                    } else if (cold && drift == Drift.LOAD) {
                        coldLoad = keeps[0];
                    } else {
                        worst = Math.max(worst, keeps[0]);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "| %s | %.1f%% / %.1f%% | %.2f / %.2f | %.1f%% / %.1f%% | %.1f%% | %.1f%% |%n", t.label(),
                    100 * power[0], 100 * power[1], evals[0], evals[1], 100 * none[0], 100 * none[1], 100 * worst, 100 * coldLoad);
        }
        if (args.length > 0) return;
        System.out.println();
        System.out.print(JudgeFloor.table());
    }
}

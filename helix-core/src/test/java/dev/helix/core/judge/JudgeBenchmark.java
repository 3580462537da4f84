package dev.helix.core.judge;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.SequentialJudge.Decision;
import dev.helix.core.judge.SequentialJudge.Prior;
import dev.helix.core.judge.SequentialJudge.Settings;
import dev.helix.core.spec.Direction;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * The judge benchmark (not a test): simulated sessions with a known true effect for every
 * candidate and known noise, judged by the strict judge and by the statistical one side by side.
 * Run with {@code ./bench/judge}; writes docs/judge-benchmark.md.
 *
 * <p>Two regimes:
 * <ul>
 *   <li><b>session</b>: sessions of {@value #SESSION_LENGTH} experiments, as Helix runs them: the
 *       incumbent changes on every keep, its samples pool over the session, the noise estimate
 *       pools over every commit measured, re-measures every {@value #REMEASURE_EVERY} experiments.
 *       Every candidate has the same true effect relative to the incumbent of its time.</li>
 *   <li><b>cold</b>: the first experiment after a baseline, again and again: the incumbent has only
 *       its baseline samples and the noise estimate is that thin. The hardest case.</li>
 * </ul>
 * The metric is maximized; sigma is the sd of one measurement. Evaluations per experiment count
 * every evaluation of candidate and incumbent in the experiment; the baseline's repeats (3 for the
 * statistical judge, 1 for strict) are reported apart, once per session.
 */
public final class JudgeBenchmark {
    static final int SESSION_LENGTH = 20;
    static final int SESSIONS = 100;          // x 20 = 2000 experiments per setting
    static final int COLD = 2000;
    static final int BASELINE_REPEATS = 3;
    static final int MAX_REPEATS = 7;
    static final int REMEASURE_EVERY = 10;
    static final double CONFIDENCE = 0.95;
    static final double[] EFFECTS = {0, 1, 2, -1};
    static final long SEED = 20241123L;

    enum Noise {
        GAUSSIAN("Gaussian"), T3("Student t, 3 df (heavy tails)");
        final String label;

        Noise(String label) {
            this.label = label;
        }

        /** One draw with sd 1. */
        double draw(SplittableRandom r) {
            double z = gaussian(r);
            if (this == GAUSSIAN) return z;
            double chi2 = 0;
            for (int i = 0; i < 3; i++) {
                double g = gaussian(r);
                chi2 += g * g;
            }
            return z / Math.sqrt(chi2 / 3) / Math.sqrt(3); // t3 has variance 3
        }
    }

    static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble(), u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Keeps and evaluations over a setting's experiments. */
    record Tally(int experiments, int keeps, long evaluations) {
        double keepRate() {
            return (double) keeps / experiments;
        }

        double evalsPerExperiment() {
            return (double) evaluations / experiments;
        }
    }

    static final Spec STRICT_SPEC = strictSpec();

    /** The strict judge as Helix runs it: one evaluation each, compared with the best's one value. */
    static Tally strict(Noise noise, double effect, int sessions, int length, SplittableRandom r) {
        int keeps = 0;
        long evals = 0;
        for (int s = 0; s < sessions; s++) {
            double bestTrue = 0;
            double bestValue = bestTrue + noise.draw(r);
            for (int e = 0; e < length; e++) {
                double candTrue = bestTrue + effect;
                double v = candTrue + noise.draw(r);
                evals++;
                Verdict verdict = Judge.judge(Map.of("score", v), Map.of("score", bestValue), DiffStat.NONE, STRICT_SPEC);
                if (verdict.status() == Status.KEEP) {
                    keeps++;
                    bestTrue = candTrue;
                    bestValue = v;
                }
            }
        }
        return new Tally(sessions * length, keeps, evals);
    }

    /** The statistical judge through {@link SequentialTrial}, with the session's pooling. */
    static Tally statistical(Noise noise, double effect, int sessions, int length, SplittableRandom r) {
        Settings settings = new Settings(Direction.MAXIMIZE, 0, CONFIDENCE, MAX_REPEATS);
        int keeps = 0;
        long evals = 0;
        for (int s = 0; s < sessions; s++) {
            Map<Integer, List<Double>> pools = new HashMap<>();
            Map<Integer, Double> truth = new HashMap<>();
            truth.put(0, 0.0);
            List<Double> base = new ArrayList<>();
            for (int i = 0; i < BASELINE_REPEATS; i++) base.add(noise.draw(r));
            pools.put(0, base);
            int best = 0;
            for (int e = 1; e <= length; e++) {
                int inc = best;
                double incTrue = truth.get(inc);
                double candTrue = incTrue + effect;
                List<List<Double>> others = new ArrayList<>();
                pools.forEach((id, samples) -> { if (id != inc) others.add(samples); });
                SequentialTrial.Outcome o = SequentialTrial.run(settings, Prior.pooled(others), pools.get(inc),
                        SequentialTrial.remeasureFirst(e, REMEASURE_EVERY, pools.get(inc).size(), false),
                        () -> OptionalDouble.of(candTrue + noise.draw(r)),
                        () -> OptionalDouble.of(incTrue + noise.draw(r)));
                evals += o.evaluations();
                pools.get(inc).addAll(o.incumbent());
                pools.put(e, new ArrayList<>(o.candidate()));
                truth.put(e, candTrue);
                if (o.result().orElseThrow().decision() == Decision.KEEP) {
                    keeps++;
                    best = e;
                }
            }
        }
        return new Tally(sessions * length, keeps, evals);
    }

    public static void main(String[] args) throws IOException {
        long t0 = System.nanoTime();
        Path out = Path.of(args.length > 0 ? args[0] : "docs/judge-benchmark.md");
        StringBuilder md = new StringBuilder();
        md.append("# Judge benchmark: strict vs statistical\n\n");
        md.append("Generated by `./bench/judge` (").append(JudgeBenchmark.class.getName()).append(", seed ").append(SEED)
                .append(") on ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(".\n\n");
        md.append("Machine: `").append(command("uname", "-srvmo")).append("`, ").append(Runtime.getRuntime().availableProcessors())
                .append(" processors (nproc), Java ").append(System.getProperty("java.version")).append(" (")
                .append(System.getProperty("java.vm.name")).append(").\n\n");
        md.append("Every candidate has a known true effect (in units of sigma, the sd of one measurement; the metric is ")
                .append("maximized, so +2 sigma is a real improvement and -1 sigma a real regression). Strict: one ")
                .append("evaluation, keep when it beats the best's value. Statistical: `judge.confidence` ").append(CONFIDENCE)
                .append(", `min_improvement` 0, `max_repeats` ").append(MAX_REPEATS).append(", `remeasure_every` ")
                .append(REMEASURE_EVERY).append(", baseline measured ").append(BASELINE_REPEATS).append(" times.\n\n");
        md.append("*session*: ").append(SESSIONS).append(" sessions of ").append(SESSION_LENGTH)
                .append(" experiments (the incumbent moves on every keep; samples and the noise estimate pool over the session). ")
                .append("*cold*: ").append(COLD).append(" first experiments after a fresh baseline (the incumbent has only its ")
                .append("baseline samples). Evaluations per experiment count candidate and incumbent runs; the baseline's ")
                .append("own runs (").append(BASELINE_REPEATS).append(" statistical, 1 strict, once per session) are not in them.\n\n");
        SplittableRandom root = new SplittableRandom(SEED);
        List<String> summary = new ArrayList<>();
        StringBuilder checks = new StringBuilder();
        for (String regime : List.of("session", "cold")) {
            for (Noise noise : Noise.values()) {
                md.append("## ").append(regime).append(", ").append(noise.label).append("\n\n");
                md.append("| true effect | strict keeps | statistical keeps | strict evals/exp | statistical evals/exp | experiments |\n");
                md.append("|---|---|---|---|---|---|\n");
                double evalSum = 0;
                double[] keep = new double[EFFECTS.length];
                int idx = 0;
                for (double effect : EFFECTS) {
                    int sessions = regime.equals("session") ? SESSIONS : COLD;
                    int length = regime.equals("session") ? SESSION_LENGTH : 1;
                    Tally strict = strict(noise, effect, sessions, length, root.split());
                    Tally stat = statistical(noise, effect, sessions, length, root.split());
                    evalSum += stat.evalsPerExperiment();
                    keep[idx++] = stat.keepRate();
                    md.append(String.format(Locale.ROOT, "| %+.0f sigma | %.1f%% | **%.1f%%** | %.2f | **%.2f** | %d |\n",
                            effect, 100 * strict.keepRate(), 100 * stat.keepRate(), strict.evalsPerExperiment(),
                            stat.evalsPerExperiment(), stat.experiments()));
                    summary.add(String.format(Locale.ROOT, "%-7s %-9s %+.0f sigma: strict %5.1f%%  statistical %5.1f%%  evals %.2f",
                            regime, noise.name(), effect, 100 * strict.keepRate(), 100 * stat.keepRate(), stat.evalsPerExperiment()));
                }
                double meanEvals = evalSum / EFFECTS.length;
                md.append(String.format(Locale.ROOT, "\nStatistical, mean evaluations per experiment over the four effects: %.2f.\n\n",
                        meanEvals));
                checks.append(String.format(Locale.ROOT, "| %s, %s | %s %.1f%% | %s %.1f%% | %s %.1f%% | %s %.2f |\n", regime, noise.label,
                        mark(keep[0] <= 0.05), 100 * keep[0], mark(keep[2] >= 0.90), 100 * keep[2], mark(keep[3] <= 0.01),
                        100 * keep[3], mark(meanEvals <= 4), meanEvals));
            }
        }
        md.append(targets()).append(checks).append("\n");
        md.append(String.format(Locale.ROOT, "Run time: %.1f s.\n", (System.nanoTime() - t0) / 1e9));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        summary.forEach(System.out::println);
        System.out.println("wrote " + out);
    }

    static String targets() {
        return """
                ## Targets (issue 5), statistical mode

                Evaluations are averaged over the four effects (a session mixes good, bad and useless ideas).

                | setting | false keeps <= 5% | kept at +2 sigma >= 90% | kept at -1 sigma <= 1% | evaluations <= 4 |
                |---|---|---|---|---|
                """;
    }

    static String mark(boolean ok) {
        return ok ? "met" : "**missed**";
    }

    static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return s;
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static Spec strictSpec() {
        return new Spec("bench", "1.0.0", "testing", "The judge benchmark.", Optional.empty(),
                new Spec.Scope(List.of("x"), List.of()),
                new Spec.Metrics(new Spec.MetricSpec("score", Direction.MAXIMIZE), Optional.empty(), List.of()),
                new Spec.Evaluate("true", Optional.empty(), 60, Spec.OutputFormat.PATTERN, Map.of(), Optional.empty(), 1),
                new Spec.JudgeSpec(Spec.JudgeMode.STRICT, Spec.Threshold.ZERO, CONFIDENCE, false),
                new Spec.AgentSpec("tune", Optional.empty(), 1, 0, Optional.empty(), 60),
                new Spec.SearchSpec(List.of(), 0, 0), new Spec.RunSpec(1, "local", List.of()), Map.of(), "bench");
    }
}

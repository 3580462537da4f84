package dev.helix.core.session;

import static dev.helix.core.session.ScriptedProposer.writes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.spec.Spec;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The statistical judge on a machine that drifts, in a whole session: the score is
 * 100 * (1 + d * n) plus Gaussian noise of sd 0.5, n counting evaluations, and every proposal
 * changes a file the score does not depend on. Judged against the incumbent's pooled past, such a
 * drift is a stream of false keeps (or hides every real gain); measured in blocks beside the
 * incumbent, it cancels. Seeded, so the session is the same on every run.
 */
@Timeout(60)
class DriftTest {
    static final int EXPERIMENTS = 12;

    @ParameterizedTest
    @ValueSource(doubles = {0.003, -0.003, 0.001, -0.001})
    void aDriftingMachineKeepsNoChangeThatChangesNothing(double drift) {
        SplittableRandom noise = new SplittableRandom(20261206L);
        AtomicInteger evaluations = new AtomicInteger();
        SessionBench bench = SessionBench.repository(Map.of("x.txt", "1", "notes.txt", "idea 0"))
                .editable("x.txt", "notes.txt")
                .judged(Spec.JudgeMode.AUTO, 3)
                .evaluating(files -> {
                    int n = evaluations.incrementAndGet();
                    double score = 100 * (1 + drift * n) + 0.5 * gaussian(noise);
                    return FakeExecutor.Run.ok("score: " + score + "\n");
                });
        for (int k = 1; k <= EXPERIMENTS; k++) bench.proposer.then(writes("notes.txt", "idea " + k));

        bench.session(EXPERIMENTS).run();

        List<Experiment> records = bench.ledger.records();
        assertThat(records.get(0).noise().orElseThrow().statistical()).isTrue();
        List<Experiment> experiments = records.subList(1, records.size());
        assertThat(experiments).hasSize(EXPERIMENTS);
        assertThat(experiments).extracting(Experiment::status).as(text(experiments)).containsOnly(Status.DISCARD);
        for (Experiment e : experiments) {
            // One candidate and one incumbent sample per block, every one of them an evaluation.
            assertThat(e.incumbentSamples()).hasSameSizeAs(e.samples());
            assertThat(e.evaluations()).isEqualTo(e.samples().size() + e.incumbentSamples().size());
        }
        assertThat(evaluations.get()).isEqualTo(3 + experiments.stream().mapToInt(Experiment::evaluations).sum());
    }

    static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble(), u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    static String text(List<Experiment> experiments) {
        StringBuilder b = new StringBuilder();
        experiments.forEach(e -> b.append(e.run()).append(' ').append(e.status()).append(' ').append(e.samples())
                .append(' ').append(e.incumbentSamples()).append(' ').append(e.reason()).append('\n'));
        return b.toString();
    }
}

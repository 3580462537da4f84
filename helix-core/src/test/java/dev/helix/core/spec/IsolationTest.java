package dev.helix.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** run.isolation: auto settles on exclusive only where measurements would skew each other and matter. */
class IsolationTest {

    @Test
    void autoIsExclusiveForANoisyMetricAndSeveralLocalWorkers() {
        Isolation.Settled s = Isolation.AUTO.settle(3, true, true);
        assertThat(s.isolation()).isEqualTo(Isolation.EXCLUSIVE);
        assertThat(s.text()).startsWith("isolation: exclusive (the judge found the metric noisy and 3 workers share the machine");
    }

    @Test
    void autoIsNoneForOneWorkerAMetricThatIsNotNoisyOrClusterJobs() {
        assertThat(Isolation.AUTO.settle(1, true, true).isolation()).isEqualTo(Isolation.NONE);
        assertThat(Isolation.AUTO.settle(2, false, true).isolation()).isEqualTo(Isolation.NONE);
        assertThat(Isolation.AUTO.settle(2, true, false).text()).isEqualTo(
                "isolation: none (evaluations run as cluster jobs: the scheduler places them)");
    }

    @Test
    void oneWorkerBesideAnotherSessionOfTheRepositoryTakesTurnsWithItOnANoisyMetric() {
        Isolation.Settled s = Isolation.AUTO.settle(1, 1, true, true);
        assertThat(s.text()).isEqualTo("isolation: exclusive (the judge found the metric noisy and 1 other session of the repository "
                + "may measure at the same time: one evaluation at a time; set run.isolation to choose)");
        assertThat(Isolation.AUTO.settle(2, 2, true, true).text()).contains("2 workers and 2 other sessions of the repository");
        assertThat(Isolation.AUTO.settle(1, 1, false, true).text()).isEqualTo(
                "isolation: none (the metric is not noisy: evaluations run beside the other sessions'; set run.isolation to choose)");
        assertThat(Isolation.AUTO.settle(1, 0, true, true)).isEqualTo(Isolation.AUTO.settle(1, true, true));
        assertThat(Isolation.AUTO.settle(1, 3, true, false).isolation()).isEqualTo(Isolation.NONE);
    }

    @Test
    void aChoiceInHelixYamlStandsAsItIs() {
        for (Isolation i : new Isolation[] {Isolation.EXCLUSIVE, Isolation.CPUS, Isolation.NONE}) {
            assertThat(i.settle(1, false, false)).isEqualTo(new Isolation.Settled(i, "run.isolation: " + i.word()));
        }
    }

    @Test
    void theReaderTakesTheFourWordsAndTheFingerprintCommands() {
        Spec spec = SpecReader.read(doc(Map.of("isolation", "cpus", "fingerprint", List.of(" python --version ", "uname -r"))),
                "helix.yaml", p -> 0);
        assertThat(spec.run().isolation()).isEqualTo(Isolation.CPUS);
        assertThat(spec.run().fingerprint()).containsExactly("python --version", "uname -r");
        assertThat(SpecReader.read(doc(Map.of()), "helix.yaml", p -> 0).run().isolation()).isEqualTo(Isolation.AUTO);
    }

    @Test
    void anUnknownWordOrAnEmptyCommandIsReportedWithItsFieldAndAFix() {
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecReader.read(doc(Map.of(
                "isolation", "locked", "fingerprint", List.of("python --version", "  "))), "helix.yaml", p -> 0));

        assertThat(e).isNotNull();
        assertThat(e.problems()).extracting(Problem::path).containsExactlyInAnyOrder("run.isolation", "run.fingerprint");
        assertThat(e.problems().stream().filter(p -> p.path().equals("run.isolation")).findFirst().orElseThrow().suggestion())
                .isEqualTo("use exclusive (one evaluation at a time), cpus (each worker pinned to its own CPUs), none, or auto");
    }

    private static Map<String, Object> doc(Map<String, Object> run) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", "demo");
        root.put("domain", "AI/ML");
        root.put("description", "Lower the loss.");
        root.put("scope", Map.of("editable", List.of("train.py")));
        root.put("metrics", Map.of("primary", Map.of("name", "val_loss")));
        root.put("evaluate", Map.of("command", "python train.py"));
        root.put("run", run);
        return root;
    }
}

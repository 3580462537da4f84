package dev.helix.core.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment record: how it reads, what differs between two, and which one was in force when. */
class EnvironmentTest {
    private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

    private static Environment machine(String tag, Instant at, List<String> gpus, String driver, String kernel, Map<String, String> fp) {
        return new Environment(tag, at, "AMD EPYC 7B13", 8, 32L << 30, gpus, driver, "Debian GNU/Linux 12 (bookworm)", kernel, fp);
    }

    @Test
    void itReadsOneAspectALineWithEachFingerprintLast() {
        Map<String, String> fp = new LinkedHashMap<>();
        fp.put("python --version", "Python 3.12.1");
        fp.put("pip freeze | sha256sum", "ab12  -");
        Environment e = machine("t", T0, List.of("NVIDIA A100 (40960 MiB)", "NVIDIA A100 (40960 MiB)"), "550.54", "6.1.0", fp);

        assertThat(e.lines()).containsExactly("CPU: AMD EPYC 7B13, 8 cores", "memory: 32.0 GiB",
                "GPU: 2x NVIDIA A100 (40960 MiB), driver 550.54", "system: Debian GNU/Linux 12 (bookworm), kernel 6.1.0",
                "$ python --version: Python 3.12.1", "$ pip freeze | sha256sum: ab12  -");
        assertThat(machine("t", T0, List.of(), "", "6.1.0", Map.of()).lines()).contains("GPU: none found (no nvidia-smi)");
    }

    @Test
    void theSandboxASessionRanInIsALineAfterTheSystemAndNoDifference() {
        Environment e = machine("t", T0, List.of(), "", "6.1.0", ordered("nproc", "8")).withSandbox("bubblewrap");

        assertThat(e.lines()).containsSubsequence("system: Debian GNU/Linux 12 (bookworm), kernel 6.1.0", "sandbox: bubblewrap",
                "$ nproc: 8");
        assertThat(e.differences(e.withSandbox(""))).isEmpty(); // verify's machine of the day has none to compare
        assertThat(machine("t", T0, List.of(), "", "6.1.0", Map.of()).lines()).noneMatch(l -> l.startsWith("sandbox"));
    }

    @Test
    void theDifferencesNameEachAspectThatChangedAndNothingElse() {
        Environment then = machine("t", T0, List.of("NVIDIA A100 (40960 MiB)"), "550.54", "6.1.0",
                ordered("python --version", "Python 3.11.4", "nproc", "8"));
        Environment now = machine("t", T0.plusSeconds(99), List.of("NVIDIA A100 (40960 MiB)"), "560.28", "6.8.0",
                ordered("python --version", "Python 3.12.1", "pip freeze | sha256sum", "ff00  -"));

        assertThat(then.differences(now)).containsExactly("GPU driver: 550.54 -> 560.28", "kernel: 6.1.0 -> 6.8.0",
                "$ python --version: Python 3.11.4 -> Python 3.12.1", "$ nproc: not run now (was 8)",
                "$ pip freeze | sha256sum: not recorded then (now ff00  -)");
        assertThat(then.differences(then)).isEmpty();
        Environment longer = machine("t", T0, List.of(), "", "6.1.0", Map.of("pip freeze", "a==1\nb==2"));
        assertThat(longer.differences(machine("t", T0, List.of(), "", "6.1.0", Map.of("pip freeze", "a==1\nb==3"))))
                .containsExactly("$ pip freeze: line 2: b==2 -> b==3");
    }

    @Test
    void theRecordInForceIsTheTagsLatestBeforeTheExperimentElseItsFirst() {
        Environment first = machine("t", T0, List.of(), "", "6.1.0", Map.of());
        Environment other = machine("u", T0.plusSeconds(10), List.of(), "", "6.2.0", Map.of());
        Environment resumed = machine("t", T0.plusSeconds(100), List.of(), "", "6.8.0", Map.of());
        List<Environment> all = List.of(first, other, resumed);

        assertThat(Environment.at(all, "t", T0.plusSeconds(50))).contains(first);
        assertThat(Environment.at(all, "t", T0.plusSeconds(150))).contains(resumed);
        assertThat(Environment.at(all, "t", T0.minusSeconds(5))).contains(first);
        assertThat(Environment.at(all, "v", T0)).isEmpty();
    }

    /** Fingerprints in the order given: {@code Map.of} iterates in an order that changes from one JVM start to the next. */
    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put(keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }
}

package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.process.CpuSets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run.isolation on real git and real processes. Each evaluation marks itself running in a directory
 * outside the repository and waits a while for another one to show up; if one does, it writes
 * "overlap" to a log. Without isolation two workers' evaluations meet; with exclusive they never do,
 * not even those of two sessions in two processes; with cpus each worker's evaluations see only
 * their own CPUs.
 */
class IsolationRunTest {
    @TempDir
    Path tmp;

    /**
     * How long (tenths of a second) an experiment's evaluation waits for company where two must meet:
     * the other worker's proposal may take seconds on a busy machine, so the bound only turns a hang
     * into a failure; a meeting ends the wait at once.
     */
    private static final int MEET = 1200;

    @Test
    void withoutIsolationTheEvaluationsOfTwoWorkersRunAtTheSameTime() {
        TestRepo repo = meeting("run:\n  isolation: none\n", MEET);

        TestRepo.Run run = repo.helix("run", "--tag", "n", "--workers", "2", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.err()).contains("isolation: none (run.isolation: none)");
        assertThat(overlaps()).as("evaluations that met another").isNotEmpty();
    }

    @Test
    void exclusiveLetsOneEvaluationRunAtATimeWhileProposalsRunInParallel() {
        TestRepo repo = meeting("run:\n  isolation: exclusive\n", 10);

        TestRepo.Run run = repo.helix("run", "--tag", "x", "--workers", "2", "--max-experiments", "3");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.err()).contains("isolation: exclusive (run.isolation: exclusive)");
        assertThat(overlaps()).as("evaluations that met another").isEmpty();
        assertThat(repo.ledger()).extracting(r -> r.get("run").asInt()).contains(0, 1, 2, 3);
        assertThat(repo.ledger().stream().filter(r -> r.get("run").asInt() > 0).map(r -> r.get("worker").asInt()).distinct())
                .containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void byDefaultANoisyMetricWithTwoWorkersIsMeasuredExclusivelyAndTheSessionSaysSo() {
        TestRepo repo = meeting("judge:\n  mode: statistical\n  max_repeats: 2\n", 10);

        TestRepo.Run run = repo.helix("run", "--tag", "a", "--workers", "2", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.err()).contains("isolation: exclusive (the judge found the metric noisy and 2 workers share the machine");
        assertThat(overlaps()).as("evaluations that met another").isEmpty();
    }

    @Test
    void byDefaultAMetricThatIsNotNoisyRunsSideBySide() {
        TestRepo repo = meeting("judge:\n  mode: strict\n", MEET);

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--workers", "2", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.err()).contains("isolation: none (the metric is not noisy: 2 evaluations run side by side");
        assertThat(overlaps()).isNotEmpty();
    }

    @Test
    void exclusiveHoldsAcrossTwoSessionsOfTheRepositoryInTwoProcesses() throws Exception {
        TestRepo repo = meeting("run:\n  isolation: exclusive\n", 5);
        Path output = tmp.resolve("other-session.log");

        Process other = repo.helixProcess(output, "run", "--tag", "other", "--max-experiments", "8").start();
        TestRepo.Run run;
        try {
            // the other session is measuring before this one starts, so the two overlap
            Path starts = marks().resolve("../starts.log");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!(Files.exists(starts) && Files.readString(starts).contains("other")) && System.nanoTime() < deadline && other.isAlive()) {
                Thread.sleep(50);
            }
            run = repo.helix("run", "--tag", "mine", "--max-experiments", "3");
            assertThat(other.waitFor(120, TimeUnit.SECONDS)).as("the other session ends").isTrue();
        } finally {
            other.destroyForcibly();
        }

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(other.exitValue()).as(Files.readString(output)).isZero();
        assertThat(overlaps()).as("evaluations that met another").isEmpty();
        // the two sessions did run at the same time: their spans of evaluations overlap (which one the
        // lock lets through in a row is the kernel's choice, so neither needs to fall between the other's)
        List<String> starts = Files.readAllLines(marks().resolve("../starts.log"));
        int firstMine = starts.indexOf("mine");
        int lastMine = starts.lastIndexOf("mine");
        int firstOther = starts.indexOf("other");
        int lastOther = starts.lastIndexOf("other");
        assertThat(firstMine).isNotNegative();
        assertThat(firstOther < lastMine && firstMine < lastOther).as("evaluations in the order they started: %s", starts).isTrue();
    }

    /**
     * helix try has one worker, so under auto its evaluations overlap only another session's: alone
     * it measures as it comes; with a session of the repository running, on a noisy metric, it takes
     * turns through the repository's measurement lock and says so among its hints.
     */
    @Test
    void aTryOnANoisyMetricTakesTurnsWhenAnotherSessionOfTheRepositoryIsRunning() throws Exception {
        TestRepo repo = meeting("judge:\n  mode: statistical\n  max_repeats: 2\n", 10);
        repo.write("params.txt", "x = 3.0\nwidth = 3\n");
        TestRepo.Run alone = repo.helix("--json", "try", "--tag", "t", "-m", "x = 3.0");
        assertThat(alone.code()).as(alone.toString()).isZero();
        assertThat(alone.json().get("hints").toString()).doesNotContain("isolation:");

        Path output = tmp.resolve("other-session.log");
        Process other = repo.helixProcess(output, "run", "--tag", "other", "--max-experiments", "12").start();
        TestRepo.Run beside;
        try {
            Path starts = marks().resolve("../starts.log");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!(Files.exists(starts) && Files.readString(starts).contains("other")) && System.nanoTime() < deadline && other.isAlive()) {
                Thread.sleep(50);
            }
            assertThat(other.isAlive()).as(Files.readString(output)).isTrue();
            repo.write("params.txt", "x = 2.0\nwidth = 3\n");
            beside = repo.helix("--json", "try", "-m", "x = 2.0");
            assertThat(other.waitFor(120, TimeUnit.SECONDS)).as("the other session ends").isTrue();
        } finally {
            other.destroyForcibly();
        }

        assertThat(beside.code()).as(beside.toString()).isZero();
        assertThat(beside.json().get("hints").toString()).contains("isolation: exclusive (the judge found the metric noisy and "
                + "1 other session of the repository may measure at the same time: one evaluation at a time");
        JsonNode isolation = DoctorCommandTest.check(repo.helix("--json", "doctor", "--quick").json().get("data"), "isolation");
        assertThat(isolation.get("message").asText()).as(isolation.toString()).startsWith("run with 1 worker: isolation: none (one worker")
                .contains("; try now: isolation: none (one worker: its evaluations never overlap)");
    }

    @Test
    void cpusPinsEachWorkersEvaluationsToADisjointSetAndTheLedgerSaysWhich() throws IOException {
        List<Integer> allowed = CpuSets.allowed();
        Assumptions.assumeTrue(allowed.size() >= 2, "two CPUs at least");
        List<String> sets = CpuSets.split(allowed, 2);
        TestRepo repo = meeting("run:\n  isolation: cpus\n", 0);

        TestRepo.Run run = repo.helix("run", "--tag", "c", "--workers", "2", "--max-experiments", "4");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.err()).contains("isolation: cpus (run.isolation: cpus)");
        List<JsonNode> later = repo.ledger().stream().filter(r -> r.get("run").asInt() > 0).toList();
        assertThat(later).isNotEmpty().allSatisfy(r ->
                assertThat(r.path("slot").asText()).isEqualTo("cpu " + sets.get(r.get("worker").asInt() - 1)));
        // what each evaluation saw of its CPUs, as the kernel tells it
        List<String> seen = Files.readAllLines(marks().resolve("../cpus.log"));
        assertThat(seen).contains("1 " + sets.get(0), "2 " + sets.get(1))
                .allSatisfy(line -> assertThat(line).isIn("1 " + sets.get(0), "2 " + sets.get(1)));
    }

    @Test
    void cpusWithMoreWorkersThanCpusIsAUsageErrorThatSaysHowManyFit() {
        int cpus = CpuSets.allowed().size();
        TestRepo repo = meeting("run:\n  isolation: cpus\n", 0);

        TestRepo.Run run = repo.helix("run", "--tag", "t", "--workers", Integer.toString(cpus + 1), "--max-experiments", "1");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.out() + run.err()).contains("run.isolation: cpus needs a CPU per worker: " + (cpus + 1) + " workers")
                .contains("--workers " + cpus);
        assertThat(repo.ledger()).isEmpty();
    }

    @Test
    void doctorFailsWhatRunWouldRefuseWhenTheWorkersOutnumberTheCpus() {
        int cpus = CpuSets.allowed().size();
        TestRepo repo = meeting("run:\n  isolation: cpus\n  workers: " + (cpus + 1) + "\n", 0);

        TestRepo.Run doctor = repo.helix("doctor", "--quick", "--json");

        assertThat(doctor.code()).as(doctor.toString()).isEqualTo(2);
        JsonNode check = null;
        for (JsonNode c : doctor.json().at("/data/checks")) if (c.get("id").asText().equals("isolation")) check = c;
        assertThat(check).as(doctor.toString()).isNotNull();
        assertThat(check.get("status").asText()).isEqualTo("fail");
        assertThat(check.get("message").asText()).contains("needs a CPU per worker: " + (cpus + 1) + " workers");
        assertThat(check.get("fix").asText()).contains("--workers " + cpus);
    }

    private Path marks() {
        return tmp.resolve("marks");
    }

    private List<String> overlaps() {
        Path log = tmp.resolve("overlaps.log");
        try {
            return Files.exists(log) ? Files.readAllLines(log) : new ArrayList<>();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The quadratic project, tuned, whose evaluation waits up to {@code patience} tenths of a
     * second for another evaluation to be running (and logs an overlap when one is), and logs the
     * session that started it and the CPUs it may use.
     */
    private TestRepo meeting(String extraSpec, int patience) {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), extraSpec);
        String body = repo.read("evaluate.sh").replace("#!/bin/sh\n", "");
        repo.write("evaluate.sh", """
                #!/bin/sh
                m=MARKS
                mkdir -p "$m"
                echo "$HELIX_TAG" >> "$m/../starts.log"
                echo "$HELIX_WORKER $(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)" >> "$m/../cpus.log"
                touch "$m/run.$$"
                i=0; patience=PATIENCE
                # the baseline runs alone by design: it looks for company no longer than a second
                [ "$HELIX_EXPERIMENT" = 0 ] && [ $patience -gt 10 ] && patience=10
                while [ $i -lt $patience ]; do
                  if [ "$(ls "$m" | grep -c '^run\\.')" -gt 1 ]; then echo overlap >> "$m/../overlaps.log"; break; fi
                  # the other may have seen this one and gone between two looks: its note ends the wait too
                  [ -s "$m/../overlaps.log" ] && break
                  sleep 0.1; i=$((i + 1))
                done
                rm -f "$m/run.$$"
                """.replace("MARKS", marks().toString()).replace("PATIENCE", Integer.toString(patience)) + body);
        if (patience > 100) repo.write("helix.yaml", repo.read("helix.yaml").replace("timeout_seconds: 20", "timeout_seconds: 300"));
        repo.commitAll("an evaluation that looks for company");
        return repo;
    }
}

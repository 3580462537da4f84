package dev.helix.app.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.adapters.process.LocalExecutor;
import dev.helix.adapters.process.MeasurementFileLock;
import dev.helix.adapters.specio.SpecFiles;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One measured run on real processes: repeats give the primary's values in order, the metric is
 * read where the spec says (and a file an earlier run left never stands for a later one), a run
 * without a value ends it with the cause, and the lock is held while the command runs.
 */
class MeasuredRunTest {
    @TempDir
    Path dir;

    private Spec spec(String evaluateExtra) throws IOException {
        Path file = dir.resolve("helix.yaml");
        Files.writeString(file, """
                name: measured
                domain: testing
                description: Measure it.
                scope:
                  editable: [x.txt]
                metrics:
                  primary: {name: loss, optimize: minimize}
                evaluate:
                  command: sh run.sh
                  timeout_seconds: 20
                """ + evaluateExtra);
        return SpecFiles.load(file);
    }

    private MeasuredRun run(Spec spec, String script) throws IOException {
        Path wt = Files.createDirectories(dir.resolve("wt"));
        Files.writeString(wt.resolve("run.sh"), script);
        return MeasuredRun.of(new LocalExecutor(), spec, "sh run.sh", wt, Duration.ofSeconds(20), dir.resolve("logs/m.log"));
    }

    @Test
    void repeatsGiveTheValuesInOrderWithTheBudgetAndTheCallersVariables() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        MeasuredRun run = run(spec(""), "#!/bin/sh\nn=$(cat count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > count\n"
                + "echo \"budget $HELIX_TIME_BUDGET $WHO\"\necho \"loss: $n.5\"\n").withEnv(Map.of("WHO", "me"));

        MeasuredRun.Outcome outcome = run.measure(3);

        assertThat(outcome).isInstanceOfSatisfying(MeasuredRun.Samples.class, s -> {
            assertThat(s.values()).containsExactly(1.5, 2.5, 3.5);
            assertThat(s.last().result().output()).contains("budget 20 me");
        });
    }

    @Test
    void aMetricFileAnEarlierRunLeftNeverStandsForALaterOne() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        // the first run writes the file, the second forgets to: the second has no value
        MeasuredRun run = run(spec("  metric_source: file\n"), "#!/bin/sh\n[ -f once ] && exit 0\ntouch once\n"
                + "echo 'loss: 0.25' > \"$HELIX_METRIC_FILE\"\n");

        assertThat(run.measure(1)).isInstanceOfSatisfying(MeasuredRun.Samples.class, s -> assertThat(s.values()).containsExactly(0.25));
        assertThat(run.measure(1)).isInstanceOfSatisfying(MeasuredRun.Failed.class, f -> {
            assertThat(f.failure()).isEqualTo(MeasuredRun.Failure.NO_METRIC);
            assertThat(f.problems()).anyMatch(p -> p.contains("wrote no metric file"));
        });
    }

    @Test
    void aRunWithoutAValueEndsTheMeasurementWithItsCause() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        assertThat(run(spec(""), "#!/bin/sh\necho 'Traceback: boom'\nexit 3\n").measure(3))
                .isInstanceOfSatisfying(MeasuredRun.Failed.class, f -> {
                    assertThat(f.failure()).isEqualTo(MeasuredRun.Failure.EXITED);
                    assertThat(f.result().exitCode()).isEqualTo(3);
                    assertThat(f.result().tail(1)).isEqualTo("Traceback: boom");
                });
        assertThat(run(spec(""), "#!/bin/sh\necho 'accuracy: 0.9'\n").measure(1))
                .isInstanceOfSatisfying(MeasuredRun.Failed.class, f -> assertThat(f.failure()).isEqualTo(MeasuredRun.Failure.NO_METRIC));
        MeasuredRun slow = MeasuredRun.of(new LocalExecutor(), spec(""), "sleep 30", dir, Duration.ofSeconds(1), dir.resolve("logs/slow.log"));
        assertThat(slow.measure(1)).isInstanceOfSatisfying(MeasuredRun.Failed.class, f -> assertThat(f.failure()).isEqualTo(MeasuredRun.Failure.TIMED_OUT));
    }

    @Test
    void theLockIsHeldWhileTheCommandRuns() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        Path lock = dir.resolve("measure.lock");
        // 99 when the command could take the lock itself (no one held it), 1 when the run held it
        String script = "#!/bin/sh\nif python3 -c 'import fcntl, sys; f = open(sys.argv[1], \"a\"); fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)' '"
                + lock + "' 2>/dev/null; then echo 'loss: 99'; else echo 'loss: 1'; fi\n";

        assertThat(run(spec(""), script).holding(new MeasurementFileLock(lock)).measure(2))
                .isInstanceOfSatisfying(MeasuredRun.Samples.class, s -> assertThat(s.values()).containsExactly(1.0, 1.0));
        assertThat(run(spec(""), script).measure(1))
                .isInstanceOfSatisfying(MeasuredRun.Samples.class, s -> assertThat(s.values()).containsExactly(99.0));
    }
}

package dev.helix.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

public class DashboardTest {
    static final List<dev.helix.core.experiment.Experiment> RECORDS = SessionFixture.baseline(5.29)
            .measure(4.1, "x = 3.7").measure(4.5, "x = 4.2").crash("x = nan", "loss was not found in the output")
            .measure(2.2, "x = 3.2").measure(2.9, "x = 3.5").measure(3.1, "x = 3.6").measure(2.25, "x = 3.21")
            .records();

    @Test
    void theScreenShowsTheRunningExperimentCountsProgressSparklineAndLastExperiments() throws IOException {
        Instant now = SessionFixture.T0.plusSeconds(8 * 60 + 12);
        Dashboard.View view = new Dashboard.View("mar1", "loss", RECORDS, Optional.of(4242L), Optional.of(
                new Dashboard.InProgress(8, Dashboard.Phase.EVALUATING, now.minusSeconds(75), OptionalInt.of(300))));
        String screen = String.join("\n", Dashboard.screen(view, now, 100)) + "\n";
        assertThat(screen).isEqualTo(golden("dashboard.txt", screen));
    }

    /** Four workers of helix run --workers 4 at 10:08:12, #8 having ended stale. */
    static final List<dev.helix.core.experiment.Experiment> PARALLEL = SessionFixture.baseline(5.29)
            .measure(4.1, "x = 3.7").measure(4.5, "x = 4.2").crash("x = nan", "loss was not found in the output")
            .measure(2.2, "x = 3.2").measure(2.9, "x = 3.5").measure(3.1, "x = 3.6").measure(2.25, "x = 3.21")
            .stale(3.0, "x = 3.4", "stale: #4 was kept while it ran (loss 2.2), and the change no longer applies")
            .records();

    static List<Dashboard.WorkerLine> fourWorkers(Instant now) {
        return List.of(
                new Dashboard.WorkerLine(1, 9, "evaluating", "gpu 0", "optimizer", now.minusSeconds(65), OptionalInt.of(300)),
                new Dashboard.WorkerLine(2, 10, "proposing", "", "data", now.minusSeconds(12), OptionalInt.of(600)),
                new Dashboard.WorkerLine(3, 11, "waiting for a slot", "", "", now.minusSeconds(3), OptionalInt.empty()),
                new Dashboard.WorkerLine(4, 0, "idle", "", "schedule", now.minusSeconds(40), OptionalInt.empty()));
    }

    @Test
    void withSeveralWorkersTheScreenShowsALinePerWorkerAndTheStaleCount() throws IOException {
        Instant now = SessionFixture.T0.plusSeconds(9 * 60 + 12);
        Dashboard.View view = new Dashboard.View("mar1", "loss", PARALLEL, Optional.of(4242L), Optional.empty(), fourWorkers(now));
        List<String> lines = Dashboard.screen(view, now, 100);
        assertThat(lines.get(1)).isEqualTo("Now:  3 of 4 workers busy");
        assertThat(lines.get(2)).as("what, where, for how long, in which direction")
                .matches("  w1 +#9 +evaluating +1m05s of 5m +gpu 0 +· optimizer");
        assertThat(lines.get(3)).matches("  w2 +#10 +proposing +12s of 10m +· data");
        assertThat(lines.get(4)).as("a phase without a budget").matches("  w3 +#11 +waiting for a slot +3s");
        assertThat(lines.get(5)).as("an idle worker has no time").matches("  w4 +idle +· schedule");
        assertThat(lines.get(6)).endsWith("rejected 0 · stale 1");
        String screen = String.join("\n", lines) + "\n";
        assertThat(screen).isEqualTo(golden("dashboard-workers.txt", screen));
    }

    @Test
    void withOneWorkerTheScreenKeepsItsSingleNowLine() {
        Instant now = SessionFixture.T0.plusSeconds(8 * 60 + 12);
        Dashboard.InProgress current = new Dashboard.InProgress(8, Dashboard.Phase.EVALUATING, now.minusSeconds(75), OptionalInt.of(300));
        Dashboard.View one = new Dashboard.View("mar1", "loss", RECORDS, Optional.of(4242L), Optional.of(current),
                List.of(new Dashboard.WorkerLine(1, 8, "evaluating", "slot 1", "", now.minusSeconds(75), OptionalInt.of(300))));
        Dashboard.View none = new Dashboard.View("mar1", "loss", RECORDS, Optional.of(4242L), Optional.of(current));
        assertThat(Dashboard.screen(one, now, 100)).isEqualTo(Dashboard.screen(none, now, 100));
        assertThat(Dashboard.line(one)).isEqualTo(Dashboard.line(none));
        assertThat(Dashboard.screen(one, now, 100).get(2)).as("no stale count while there is none")
                .endsWith("rejected 0");
    }

    @Test
    void workersOfASessionThatNoLongerRunsAreNotShown() {
        Instant now = SessionFixture.T0.plusSeconds(9 * 60 + 12);
        Dashboard.View view = new Dashboard.View("mar1", "loss", PARALLEL, Optional.empty(), Optional.empty(), fourWorkers(now));
        assertThat(Dashboard.screen(view, now, 100).get(1)).isEqualTo("Now:  -");
        assertThat(Dashboard.line(view)).startsWith("mar1: not running | ");
    }

    @Test
    void thePlainLineSaysHowManyWorkersAreBusyAndOnWhat() {
        Instant now = SessionFixture.T0.plusSeconds(9 * 60 + 12);
        Dashboard.View view = new Dashboard.View("mar1", "loss", PARALLEL, Optional.of(1L), Optional.empty(), fourWorkers(now));
        assertThat(Dashboard.line(view)).isEqualTo("mar1: running, 3 of 4 workers busy (#9 evaluating, #10 proposing,"
                + " #11 waiting for a slot) | 8 experiments: 2 kept, 4 discarded, 1 crashed, 0 rejected, 1 stale"
                + " | loss baseline 5.29 → best 2.2 (#4), -58.41% | last #8 stale 3");
        Dashboard.View later = new Dashboard.View("mar1", "loss", PARALLEL, Optional.of(1L), Optional.empty(),
                fourWorkers(now.plusSeconds(30)));
        assertThat(Dashboard.line(later)).as("no clock in it").isEqualTo(Dashboard.line(view));
    }

    @Test
    void spansReadAsSecondsMinutesAndHours() {
        assertThat(Dashboard.span(0)).isEqualTo("0s");
        assertThat(Dashboard.span(59)).isEqualTo("59s");
        assertThat(Dashboard.span(65)).isEqualTo("1m05s");
        assertThat(Dashboard.span(300)).isEqualTo("5m");
        assertThat(Dashboard.span(3720)).isEqualTo("1h02m");
    }

    @Test
    void linesAreClippedToTheTerminalWidth() {
        Dashboard.View view = new Dashboard.View("mar1", "loss", RECORDS, Optional.empty(), Optional.empty());
        List<String> screen = Dashboard.screen(view, SessionFixture.T0, 30);
        assertThat(screen).allMatch(l -> l.length() <= 30);
        assertThat(screen.get(0)).isEqualTo("helix watch · session mar1 (b…");
        assertThat(screen.get(1)).as("nothing in progress when no loop runs").isEqualTo("Now:  -");
    }

    @Test
    void theSparklineRisesAndFallsWithTheValuesAndKeepsTheLatestThatFit() {
        assertThat(Dashboard.sparkline(List.of(8.0, 4.0, 2.0, 1.0), 10)).isEqualTo("█▄▂▁");
        assertThat(Dashboard.sparkline(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0), 3)).isEqualTo("▁▅█");
        assertThat(Dashboard.sparkline(List.of(3.0, 3.0), 10)).isEqualTo("▁▁");
        assertThat(Dashboard.bestSoFar(RECORDS)).containsExactly(5.29, 4.1, 4.1, 4.1, 2.2, 2.2, 2.2, 2.2);
    }

    @Test
    void thePlainLineChangesOnlyWhenTheSessionDoes() {
        Dashboard.View running = new Dashboard.View("mar1", "loss", RECORDS, Optional.of(1L), Optional.of(
                new Dashboard.InProgress(8, Dashboard.Phase.PROPOSING, SessionFixture.T0, OptionalInt.empty())));
        assertThat(Dashboard.line(running)).isEqualTo("mar1: running, #8 proposing | 7 experiments: 2 kept, 4 discarded,"
                + " 1 crashed, 0 rejected | loss baseline 5.29 → best 2.2 (#4), -58.41% | last #7 discard 2.25");
    }

    /**
     * The golden file's text; the actual text goes to target/golden-actual/ for a person to compare.
     * With -Dhelix.golden.update=true the actual text becomes the golden file.
     */
    public static String golden(String name, String actual) throws IOException {
        java.nio.file.Path out = java.nio.file.Path.of("target/golden-actual", name);
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.writeString(out, actual);
        if (Boolean.getBoolean("helix.golden.update")) {
            java.nio.file.Path file = java.nio.file.Path.of("src/test/resources/golden", name);
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(file, actual);
            return actual;
        }
        try (var in = DashboardTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) throw new AssertionError("missing golden file " + name + "; the actual text is in " + out);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

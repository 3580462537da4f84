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

    /** The golden file's text; the actual text goes to target/golden-actual/ for a person to compare. */
    public static String golden(String name, String actual) throws IOException {
        java.nio.file.Path out = java.nio.file.Path.of("target/golden-actual", name);
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.writeString(out, actual);
        try (var in = DashboardTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) throw new AssertionError("missing golden file " + name + "; the actual text is in " + out);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

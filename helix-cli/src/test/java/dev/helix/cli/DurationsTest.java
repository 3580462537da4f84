package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.helix.app.AppException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --max-time} as users write it: the units they use, and the ones that are mistakes. */
class DurationsTest {
    @TempDir
    Path tmp;

    @Test
    void theUnitsPeopleWriteAreRead() {
        assertThat(Durations.parse("90m", "--max-time")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1h30m", "--max-time")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1h 30m", "--max-time")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("8h", "--max-time")).isEqualTo(Duration.ofHours(8));
        assertThat(Durations.parse("45s", "--max-time")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Durations.parse("2d", "--max-time")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("1d12h", "--max-time")).isEqualTo(Duration.ofHours(36));
        assertThat(Durations.parse("1.5h", "--max-time")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("8H", "--max-time")).isEqualTo(Duration.ofHours(8));
        assertThat(Durations.parse("90", "--max-time")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void mistakesAreUsageErrorsThatSayWhatIsWrong() {
        for (String bad : new String[] {"5x", "", "-5m", "PT1H", "h", "8h30"}) {
            assertThatThrownBy(() -> Durations.parse(bad, "--max-time")).as(bad).isInstanceOf(AppException.class)
                    .hasMessageContaining("is not a duration");
        }
        for (String none : new String[] {"0", "0s", "0h0m", "0.0004", "0.0001s"}) { // below a millisecond is none too
            assertThatThrownBy(() -> Durations.parse(none, "--max-time")).as(none).hasMessageContaining("is no time at all");
        }
        assertThatThrownBy(() -> Durations.parse("99999999999d", "--max-time")).hasMessageContaining("longer than a year");
    }

    @Test
    void aZeroDeadlineStopsTheRunBeforeAnythingIsWritten() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        TestRepo.Run run = repo.helix("--text", "run", "--max-time", "0");
        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--max-time '0' is no time at all");
        assertThat(repo.git("branch", "--list", "helix/*")).isEmpty();
        assertThat(repo.ledger()).isEmpty();
    }
}

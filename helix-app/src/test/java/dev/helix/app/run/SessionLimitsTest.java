package dev.helix.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits a resume keeps, and how it says them: a kept --max-time reads as a user writes one. */
class SessionLimitsTest {
    @TempDir
    Path tmp;

    private static RunSession.Options options(boolean resume, Optional<Duration> maxTime) {
        return new RunSession.Options(Optional.of("t"), Optional.empty(), OptionalInt.empty(), maxTime, Optional.empty(),
                resume, OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty(), java.util.OptionalLong.empty());
    }

    @Test
    void aKeptMaxTimeIsSaidInTheLargestWholeUnitsNotInSeconds() {
        SessionLimits.apply(tmp, options(false, Optional.of(Duration.ofDays(2))));

        SessionLimits.Applied resumed = SessionLimits.apply(tmp, options(true, Optional.empty()));

        assertThat(resumed.options().maxTime()).contains(Duration.ofDays(2));
        assertThat(resumed.said()).isEqualTo("resumed with --max-time 2d from now (kept)");
    }

    @Test
    void durationsReadAsWritten() {
        assertThat(SessionLimits.written(Duration.ofSeconds(172_800))).isEqualTo("2d");
        assertThat(SessionLimits.written(Duration.ofSeconds(300))).isEqualTo("5m");
        assertThat(SessionLimits.written(Duration.ofSeconds(5_400))).isEqualTo("1h30m");
        assertThat(SessionLimits.written(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(SessionLimits.written(Duration.ofSeconds(15))).isEqualTo("15s");
    }
}

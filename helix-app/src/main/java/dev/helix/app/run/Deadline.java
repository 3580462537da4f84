package dev.helix.app.run;

import dev.helix.core.session.Session;
import dev.helix.core.session.StopReason;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * --max-time as a deadline: when it passes, the session stops starting experiments and cuts the
 * proposal or evaluation that is running (its processes are killed and it is recorded as
 * interrupted), so a session ends within --max-time plus the few seconds a killed process is given
 * to exit (SIGTERM, then SIGKILL) and the ledger's last writes.
 */
final class Deadline implements AutoCloseable {
    private final Optional<ScheduledExecutorService> timer;

    private Deadline(Optional<ScheduledExecutorService> timer) {
        this.timer = timer;
    }

    /** Arms the deadline {@code maxTime} from now for {@code session}; without a --max-time, nothing. */
    static Deadline arm(Optional<Duration> maxTime, Session session) {
        if (maxTime.isEmpty()) return new Deadline(Optional.empty());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "helix-deadline");
            t.setDaemon(true);
            return t;
        });
        Duration after = maxTime.get();
        timer.schedule(() -> {
            session.stopWith(StopReason.MAX_TIME, "the deadline passed after " + after.toSeconds()
                    + "s: what was running then was cut and is recorded as interrupted");
            session.requestStop();
        }, after.toMillis(), TimeUnit.MILLISECONDS);
        return new Deadline(Optional.of(timer));
    }

    @Override
    public void close() {
        timer.ifPresent(ScheduledExecutorService::shutdownNow);
    }
}

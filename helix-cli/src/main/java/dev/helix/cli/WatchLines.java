package dev.helix.cli;

import dev.helix.app.watch.SessionWatch;
import dev.helix.core.session.Dashboard;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** {@code helix watch} off a terminal: a timestamped summary line per change. */
final class WatchLines {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private WatchLines() {}

    /**
     * Plain mode: a timestamped summary line whenever it differs from the last one; ends after one line
     * with {@code once}, when no loop runs (so a caller that is a program never hangs), or on interrupt.
     */
    static int follow(SessionWatch watch, Duration every, PrintWriter out, boolean once) {
        String last = null;
        try {
            while (true) {
                String line;
                Dashboard.View view;
                try {
                    view = watch.read();
                    line = Dashboard.line(view);
                } catch (RuntimeException e) {
                    // An interrupt in the middle of reading the lock or ledger surfaces as an I/O error.
                    if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
                    throw e;
                }
                if (!line.equals(last)) {
                    out.println(LocalTime.now().format(TIME) + " " + line);
                    out.flush();
                    last = line;
                }
                if (once || view.runningPid().isEmpty()) return ExitCodes.OK;
                Thread.sleep(every.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.INTERRUPTED;
        }
    }
}

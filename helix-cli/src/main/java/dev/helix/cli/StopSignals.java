package dev.helix.cli;

import dev.helix.core.session.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** How Ctrl-C reaches a running session: SIGINT/SIGTERM ask it to stop cleanly; a second signal ends the process at once. */
final class StopSignals implements AutoCloseable {
    private final List<Signal> signals = List.of(new Signal("INT"), new Signal("TERM"));
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile Session session;
    private final AtomicInteger count = new AtomicInteger();

    StopSignals() {
        for (Signal s : signals) {
            previous.add(Signal.handle(s, sig -> {
                if (count.incrementAndGet() > 1 || session == null) Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
                session.requestStop();
            }));
        }
    }

    void attach(Session session) {
        this.session = session;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) Signal.handle(signals.get(i), previous.get(i));
    }
}

package dev.helix.core.port;

import dev.helix.core.event.Event;

/** A sink for what happens in a session: the console, the dashboard and reports consume these. */
@FunctionalInterface
public interface Events {
    void emit(Event event);

    Events NONE = event -> { };
}

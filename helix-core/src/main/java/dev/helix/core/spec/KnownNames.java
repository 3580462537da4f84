package dev.helix.core.spec;

import java.util.List;

/**
 * The names agent.backend and run.executor may take, in the order people are offered them. The
 * adapters know which proposers and executors exist; the reader is told.
 *
 * @param backends the backend names; empty: any name is taken as it is
 * @param executors the executor names; empty: any name is taken as it is
 */
public record KnownNames(List<String> backends, List<String> executors) {

    /** Checks no name: for trees a program built, whose names are checked where they are used. */
    public static final KnownNames UNCHECKED = new KnownNames(List.of(), List.of());

    public KnownNames {
        backends = List.copyOf(backends);
        executors = List.copyOf(executors);
    }
}

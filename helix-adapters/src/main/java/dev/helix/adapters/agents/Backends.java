package dev.helix.adapters.agents;

import dev.helix.core.port.AgentBackend;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The agent backends on the class path: Helix's own and any registered with ServiceLoader. */
public final class Backends {
    private Backends() {}

    /** Every backend, by name; the first registration of a name wins. */
    public static List<AgentBackend> all() {
        TreeMap<String, AgentBackend> byName = new TreeMap<>();
        for (AgentBackend b : ServiceLoader.load(AgentBackend.class, Backends.class.getClassLoader())) {
            byName.putIfAbsent(b.name(), b);
        }
        return List.copyOf(byName.values());
    }

    public static Optional<AgentBackend> find(String name) {
        return all().stream().filter(b -> b.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return all().stream().map(AgentBackend::name).toList();
    }
}

package dev.helix.adapters.agents;

import dev.helix.core.port.AgentBackend;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The agent backends on the class path: Helix's own and any registered with ServiceLoader. */
public final class Backends {

    /** The proposers Helix itself has, in the order they are offered to people. */
    public static final List<String> HELIX =
            List.of("claude", "codex", "gemini", "opencode", "openai", "anthropic", "command", "tune");

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

    /** Every backend's name as people are offered them: Helix's own first, then those registered by others. */
    public static List<String> offered() {
        List<String> out = new java.util.ArrayList<>(HELIX);
        names().stream().filter(n -> !out.contains(n)).forEach(out::add);
        return List.copyOf(out);
    }
}

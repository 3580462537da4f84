package dev.helix.app.doctor;

import dev.helix.adapters.agents.BackendCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The doctor's list of the backends a session here could use, each with where it came from (built in,
 * or the plugin jar's path), and the plugin jars that did not load, each with why.
 */
final class BackendList {
    private BackendList() {}

    static Check check(Path dir, Map<String, String> env) {
        String title = "Backends found";
        BackendCatalog catalog = BackendCatalog.at(dir, env);
        Map<String, List<String>> byOrigin = new LinkedHashMap<>();
        catalog.entries().forEach(e -> byOrigin.computeIfAbsent(e.origin(), o -> new ArrayList<>()).add(e.name()));
        List<String> parts = new ArrayList<>();
        byOrigin.forEach((origin, names) -> parts.add(String.join(", ", names) + " (" + origin + ")"));
        String found = String.join("; ", parts);
        if (catalog.broken().isEmpty()) return Check.pass("backends", title, found);
        List<String> problems = catalog.broken().stream().map(BackendCatalog.Broken::message).toList();
        return Check.warn("backends", title, found + "; not loaded: " + String.join("; ", problems),
                "fix or remove the plugin jar named (the other backends work without it)");
    }
}

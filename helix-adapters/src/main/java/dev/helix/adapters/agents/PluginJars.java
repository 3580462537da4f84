package dev.helix.adapters.agents;

import dev.helix.adapters.agents.BackendCatalog.Broken;
import dev.helix.adapters.agents.BackendCatalog.Entry;
import dev.helix.core.port.AgentBackend;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;

/**
 * Plugin jars, each loaded through a class loader of its own and asked by {@link ServiceLoader} for
 * the backends it registers. A jar that cannot be read, or a provider that cannot be made, is reported
 * with the jar's path and does not keep the other jars' backends from loading.
 *
 * <p>A resident Helix answers many calls: a jar is loaded once and loaded again only when its size or
 * time changes, so calls neither pile up class loaders nor miss a rebuilt plugin.
 */
final class PluginJars {
    static final String SERVICE = "META-INF/services/" + AgentBackend.class.getName();
    /** A bound on one jar's providers, so a loader that keeps failing cannot loop for ever. */
    private static final int MAX_PROVIDERS = 200;

    private static final Map<Path, Loaded> LOADED = new ConcurrentHashMap<>();

    /** What one jar gave, as of its size and time. */
    record Loaded(long size, FileTime modified, URLClassLoader loader, List<Entry> entries, List<Broken> broken) {}

    private PluginJars() {}

    /** The jar's backends and its problems; the same as last time while the jar is unchanged. */
    static Loaded load(Path jar) {
        Path key = jar.toAbsolutePath().normalize();
        long size;
        FileTime modified;
        try {
            size = Files.size(key);
            modified = Files.getLastModifiedTime(key);
        } catch (IOException e) {
            return new Loaded(0, FileTime.fromMillis(0), null, List.of(), List.of(new Broken(key, "cannot be read: " + e)));
        }
        Loaded before = LOADED.get(key);
        if (before != null && before.size() == size && before.modified().equals(modified)) return before;
        Loaded now = read(key, size, modified);
        Loaded replaced = LOADED.put(key, now);
        if (replaced != null && replaced.loader() != null) close(replaced.loader());
        return now;
    }

    private static Loaded read(Path jar, long size, FileTime modified) {
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getEntry(SERVICE) == null) {
                return new Loaded(size, modified, null, List.of(), List.of(new Broken(jar,
                        "registers no backend: it has no " + SERVICE + " naming its AgentBackend class")));
            }
        } catch (IOException | SecurityException e) {
            return new Loaded(size, modified, null, List.of(), List.of(new Broken(jar, "is not a readable jar: " + e.getMessage())));
        }
        URLClassLoader loader;
        try {
            loader = new URLClassLoader("helix-plugin:" + jar.getFileName(), new URL[] {jar.toUri().toURL()},
                    AgentBackend.class.getClassLoader());
        } catch (MalformedURLException e) {
            return new Loaded(size, modified, null, List.of(), List.of(new Broken(jar, "has no usable path: " + e.getMessage())));
        }
        List<Entry> entries = new ArrayList<>();
        List<Broken> broken = new ArrayList<>();
        Iterator<AgentBackend> providers = ServiceLoader.load(AgentBackend.class, loader).iterator();
        for (int i = 0; i < MAX_PROVIDERS; i++) {
            try {
                if (!providers.hasNext()) break;
                AgentBackend backend = providers.next();
                // the parent's providers (Helix's own) are found through this loader too
                if (backend.getClass().getClassLoader() != loader) continue;
                String name = backend.name();
                if (name == null || name.isBlank()) {
                    broken.add(new Broken(jar, backend.getClass().getName() + " has a blank name()"));
                    continue;
                }
                entries.add(new Entry(new PluginBackend(backend, name.strip(), jar), jar.toString()));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                broken.add(new Broken(jar, describe(e)));
            }
        }
        return new Loaded(size, modified, loader, List.copyOf(entries), List.copyOf(broken));
    }

    /** A provider's failure in words: ServiceLoader's message without the interface's name, and the cause. */
    static String describe(Throwable e) {
        String message = String.valueOf(e.getMessage()).replace(AgentBackend.class.getName() + ": ", "");
        if (!(e instanceof ServiceConfigurationError)) message = e.getClass().getName() + ": " + message;
        Throwable cause = e.getCause();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
        return cause == null ? message : message + " (" + cause + ")";
    }

    private static void close(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // the loader of a jar that changed: nothing more to do with it
        }
    }
}

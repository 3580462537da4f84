package dev.helix.adapters.agents;

import dev.helix.adapters.install.UserHome;
import dev.helix.core.port.AgentBackend;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The agent backends one call of Helix can use, and where each came from: Helix's own, any on its
 * class path, and those of the plugin jars found for the caller's directory and environment
 * ({@code HELIX_PLUGINS}, the project's {@code .helix/plugins/}, {@code ~/.config/helix/plugins/}).
 * The first backend of a name wins; a later one of the same name is reported, not used.
 *
 * @param entries the usable backends, Helix's own first
 * @param broken the plugin jars and providers that could not be loaded, each with its reason
 */
public record BackendCatalog(List<Entry> entries, List<Broken> broken) {
    /** The variable naming more plugin jars, or directories of them, separated like PATH. */
    public static final String PLUGINS_VARIABLE = "HELIX_PLUGINS";
    /** Where a backend of Helix's own comes from. */
    public static final String BUILT_IN = "built-in";
    /** Where a backend on Helix's class path, not Helix's own, comes from. */
    public static final String CLASS_PATH = "class path";

    /** One backend and where it came from: {@link #BUILT_IN}, {@link #CLASS_PATH} or a plugin jar's path. */
    public record Entry(AgentBackend backend, String origin) {
        public String name() {
            return backend.name();
        }
    }

    /** A plugin jar, or one provider in it, that could not be used, and why. */
    public record Broken(Path jar, String problem) {
        public String message() {
            return "plugin " + jar + " " + problem;
        }
    }

    public BackendCatalog {
        entries = List.copyOf(entries);
        broken = List.copyOf(broken);
    }

    /** The backends of a call made in {@code dir} with the environment {@code env}. */
    public static BackendCatalog at(Path dir, Map<String, String> env) {
        Map<String, Entry> byName = new LinkedHashMap<>();
        builtIn().entries().forEach(e -> byName.put(e.name(), e));
        List<Broken> broken = new ArrayList<>();
        for (Path jar : jars(dir, env, broken)) {
            PluginJars.Loaded loaded = PluginJars.load(jar);
            broken.addAll(loaded.broken());
            for (Entry e : loaded.entries()) {
                Entry first = byName.putIfAbsent(e.name(), e);
                if (first != null) {
                    broken.add(new Broken(Path.of(e.origin()), "registers the backend '" + e.name()
                            + "', which " + first.origin() + " already has: this one is not used"));
                }
            }
        }
        return new BackendCatalog(List.copyOf(byName.values()), broken);
    }

    /** Helix's own backends and those on its class path, without plugins. */
    public static BackendCatalog builtIn() {
        List<AgentBackend> all = new ArrayList<>(Backends.all());
        // in the order people are offered them: Helix's own first, then by name
        all.sort(java.util.Comparator.comparingInt((AgentBackend b) -> Backends.HELIX.contains(b.name())
                ? Backends.HELIX.indexOf(b.name()) : Backends.HELIX.size()).thenComparing(AgentBackend::name));
        return new BackendCatalog(all.stream()
                .map(b -> new Entry(b, Backends.HELIX.contains(b.name()) ? BUILT_IN : CLASS_PATH)).toList(), List.of());
    }

    public Optional<AgentBackend> find(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).map(Entry::backend).findFirst();
    }

    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /** Every backend's name as people are offered them: Helix's own first, then the others. */
    public List<String> offered() {
        List<String> out = new ArrayList<>(Backends.HELIX.stream().filter(n -> find(n).isPresent()).toList());
        names().stream().filter(n -> !out.contains(n)).forEach(out::add);
        return List.copyOf(out);
    }

    /** Whether a call in {@code dir} has plugin jars to load (or a HELIX_PLUGINS entry to report), without loading any. */
    public static boolean hasPlugins(Path dir, Map<String, String> env) {
        List<Broken> broken = new ArrayList<>();
        return !jars(dir, env, broken).isEmpty() || !broken.isEmpty();
    }

    /** Where plugin jars are looked for, in order: HELIX_PLUGINS's entries, the project's, the user's. */
    public static List<Path> places(Path dir, Map<String, String> env) {
        List<Path> places = new ArrayList<>();
        String listed = env.getOrDefault(PLUGINS_VARIABLE, "");
        for (String part : listed.split(File.pathSeparator)) {
            if (!part.isBlank()) places.add(dir.resolve(part.strip()).normalize());
        }
        places.add(project(dir).resolve(".helix").resolve("plugins"));
        places.add(UserHome.of(env).resolve(".config").resolve("helix").resolve("plugins"));
        return List.copyOf(places);
    }

    /** The jars of every place; a place HELIX_PLUGINS names that is not there is a problem, a default one is not. */
    private static List<Path> jars(Path dir, Map<String, String> env, List<Broken> broken) {
        List<Path> places = places(dir, env);
        int named = places.size() - 2;
        List<Path> jars = new ArrayList<>();
        for (int i = 0; i < places.size(); i++) {
            Path place = places.get(i);
            if (Files.isDirectory(place)) {
                try (Stream<Path> s = Files.list(place)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().forEach(jars::add);
                } catch (IOException e) {
                    broken.add(new Broken(place, "cannot be listed: " + e.getMessage()));
                }
            } else if (i < named) {
                if (!Files.exists(place)) {
                    broken.add(new Broken(place, "does not exist (named in " + PLUGINS_VARIABLE + ")"));
                } else if (!place.getFileName().toString().endsWith(".jar")) {
                    broken.add(new Broken(place, "is neither a jar nor a directory (named in " + PLUGINS_VARIABLE + ")"));
                } else {
                    jars.add(place);
                }
            }
        }
        return jars.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
    }

    /** The project a call is in: the nearest directory up from {@code dir} with a .git or a helix.yaml, else dir. */
    static Path project(Path dir) {
        Path start = dir.toAbsolutePath().normalize();
        for (Path d = start; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(".git")) || Files.exists(d.resolve("helix.yaml"))) return d;
        }
        return start;
    }
}

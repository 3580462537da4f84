package dev.helix.cli.resident;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a resident Helix was started from: its jar and, when a source checkout's launcher started it,
 * that checkout's sources. The launcher's fast path does not look at either, so the resident process
 * does: a call finds the jar as it was at the start or is refused, and a change to the sources ends
 * the process, so the next call takes the slow path, which rebuilds.
 */
final class ResidentOrigin {
    private final Optional<Path> jar;
    private final Optional<String> stamp;

    private ResidentOrigin(Optional<Path> jar) {
        this.jar = jar;
        this.stamp = jar.flatMap(ResidentOrigin::stampOf);
    }

    /** The origin of this process: its class path when that is one file (a jar), else none to check (a build's classes). */
    static ResidentOrigin ofThisProcess() {
        String classPath = System.getProperty("java.class.path", "");
        Path path = Path.of(classPath);
        boolean oneJar = !classPath.isEmpty() && !classPath.contains(java.io.File.pathSeparator) && Files.isRegularFile(path);
        return new ResidentOrigin(oneJar ? Optional.of(path.toAbsolutePath()) : Optional.empty());
    }

    /** The origin of a process started from {@code jar}. */
    static ResidentOrigin of(Path jar) {
        return new ResidentOrigin(Optional.of(jar.toAbsolutePath()));
    }

    /** True when the jar is no longer the one this process loaded (rebuilt, upgraded or gone). */
    boolean jarChanged() {
        return jar.isPresent() && !jar.flatMap(ResidentOrigin::stampOf).equals(stamp);
    }

    private static Optional<String> stampOf(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return Optional.of(a.size() + "-" + a.lastModifiedTime().toMillis() + "-" + a.fileKey());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Watches {@code paths} (a file: it alone; a directory: everything under it) on a daemon thread and
     * runs {@code onChange} once, at the first change. Paths that do not exist are left out.
     */
    static void watch(List<Path> paths, Runnable onChange) throws IOException {
        if (paths.isEmpty()) return;
        WatchService service = FileSystems.getDefault().newWatchService();
        Map<WatchKey, Optional<Path>> only = new HashMap<>();
        for (Path p : paths) {
            if (Files.isRegularFile(p)) {
                only.put(register(service, p.toAbsolutePath().getParent()), Optional.of(p.getFileName()));
            } else if (Files.isDirectory(p)) {
                List<Path> dirs;
                try (Stream<Path> walk = Files.walk(p)) {
                    dirs = walk.filter(Files::isDirectory).toList();
                }
                for (Path d : dirs) only.put(register(service, d), Optional.empty());
            }
        }
        Thread.ofPlatform().daemon().name("helix-resident-sources").start(() -> {
            try (service) {
                while (true) {
                    WatchKey key = service.take();
                    List<WatchEvent<?>> events = new ArrayList<>(key.pollEvents());
                    Optional<Path> name = only.getOrDefault(key, Optional.empty());
                    boolean changed = name.isEmpty() || events.stream().anyMatch(e -> name.get().equals(e.context())
                            || e.kind() == StandardWatchEventKinds.OVERFLOW);
                    if (changed) {
                        onChange.run();
                        return;
                    }
                    key.reset();
                }
            } catch (InterruptedException | IOException | RuntimeException e) {
                // no longer watched, so no longer to be trusted with the sources as they are
                onChange.run();
            }
        });
    }

    private static WatchKey register(WatchService service, Path dir) throws IOException {
        return dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
    }
}

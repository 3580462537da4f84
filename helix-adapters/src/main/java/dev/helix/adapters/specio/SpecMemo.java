package dev.helix.adapters.specio;

import dev.helix.adapters.process.CallerEnvironment;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The valid helix.yaml files a resident Helix has read, so that an agent's next call does not parse
 * and check the same file again. Only YAML specs (a TOML, JSON or Markdown spec may read files beside
 * it) and only while the file has the size, modification time and identity it had when read; an
 * invalid spec is read again at every call, so its errors are always today's. A cold call reads always.
 *
 * <p>A file modified within {@link #SETTLED} of the read is not kept: a file system stamps times in
 * ticks of the clock, so an edit of the same size in the tick of the read would leave the stamp
 * as it was and the old spec would be served (git's "racily clean" index entries).
 */
final class SpecMemo {
    private static final int MAX_ENTRIES = 64;
    static final Duration SETTLED = Duration.ofSeconds(2);

    private record Entry(String stamp, Spec spec) {
    }

    private static final Map<Path, Entry> READ = new ConcurrentHashMap<>();

    private SpecMemo() {
    }

    static Spec of(Path file, Supplier<Spec> load) {
        String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        if (CallerEnvironment.override().isEmpty() || !(name.endsWith(".yaml") || name.endsWith(".yml"))) return load.get();
        Path key = file.toAbsolutePath().normalize();
        Optional<String> before = stamp(key);
        if (before.isEmpty()) return load.get();
        Entry known = READ.get(key);
        if (known != null && known.stamp().equals(before.get())) return known.spec();
        Instant reading = Instant.now();
        Spec spec = load.get();
        if (stamp(key).equals(before) && settled(key, reading)) {
            if (READ.size() >= MAX_ENTRIES) READ.clear();
            READ.put(key, new Entry(before.get(), spec));
        }
        return spec;
    }

    /** Whether {@code file} was last modified well before {@code reading}, so a later edit changes its stamp. */
    static boolean settled(Path file, Instant reading) {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(reading.minus(SETTLED));
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<String> stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.isRegularFile() ? Optional.of(a.size() + " " + a.lastModifiedTime().toInstant() + " " + a.fileKey()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

package dev.helix.adapters.specio;

import dev.helix.adapters.process.CallerEnvironment;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
 */
final class SpecMemo {
    private static final int MAX_ENTRIES = 64;

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
        Spec spec = load.get();
        if (stamp(key).equals(before)) {
            if (READ.size() >= MAX_ENTRIES) READ.clear();
            READ.put(key, new Entry(before.get(), spec));
        }
        return spec;
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

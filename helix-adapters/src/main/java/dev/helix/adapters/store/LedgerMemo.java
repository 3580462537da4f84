package dev.helix.adapters.store;

import dev.helix.adapters.process.CallerEnvironment;
import dev.helix.core.port.LedgerStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The sessions a resident Helix has read from ledgers, decoded, so that an agent's next {@code status}
 * or {@code log} decodes nothing when the ledger has not changed. An answer is reused only while the
 * ledger and its signing key are the same files with the same size and modification time as when it
 * was read (any append, cut or rewrite changes them); an answer read while either changed is not kept.
 * A cold call reads the ledger always.
 */
final class LedgerMemo {
    /** More distinct reads than an agent's loop makes; past it, all are forgotten at once. */
    private static final int MAX_ENTRIES = 64;
    /** How long before a read a file must have been modified last for what was read to be kept. */
    private static final Duration SETTLED = Duration.ofSeconds(2);

    private record Key(Path file, String shownAs, Path key, String tag, int last) {
    }

    private record Entry(List<String> stamp, LedgerStore.Contents contents) {
    }

    private static final Map<Key, Entry> READ = new ConcurrentHashMap<>();

    private LedgerMemo() {
    }

    /** Session {@code tag}'s records ({@code last} of them from the end, or all when negative): as known, when still true, else read. */
    static LedgerStore.Contents of(Path file, String shownAs, Path keyFile, String tag, int last, Supplier<LedgerStore.Contents> read) {
        if (CallerEnvironment.override().isEmpty()) return read.get();
        Key key = new Key(file.toAbsolutePath().normalize(), shownAs, keyFile, tag, last);
        List<String> before = List.of(stamp(key.file()), stamp(keyFile));
        Entry known = READ.get(key);
        if (known != null && known.stamp().equals(before)) return known.contents();
        Instant reading = Instant.now();
        LedgerStore.Contents contents = read.get();
        // a file modified in the clock tick of the read could change again and keep its stamp: read it again next time
        if (List.of(stamp(key.file()), stamp(keyFile)).equals(before) && settled(key.file(), reading) && settled(keyFile, reading)) {
            if (READ.size() >= MAX_ENTRIES) READ.clear();
            READ.put(key, new Entry(before, contents));
        } else {
            READ.remove(key);
        }
        return contents;
    }

    /** Whether {@code file} is absent or was last modified well before {@code reading}. */
    private static boolean settled(Path file, Instant reading) {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(reading.minus(SETTLED));
        } catch (IOException e) {
            return !Files.exists(file);
        }
    }

    /** Size, modification time (to the nanosecond where the file system keeps it) and file identity; "none" when absent. */
    private static String stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.size() + " " + a.lastModifiedTime().toInstant() + " " + a.fileKey();
        } catch (IOException e) {
            return "none";
        }
    }
}

package dev.helix.adapters.store;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.ledger.LedgerTsv;
import dev.helix.core.port.LedgerStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The ledger as a JSON-lines file ({@code .helix/experiments.jsonl}).
 *
 * <p>Writers serialize on an exclusive lock of a sibling file {@code experiments.jsonl.lock}
 * (a sibling, not the ledger itself, because POSIX drops every lock a process holds on a file when
 * any of its descriptors of that file closes). The OS lock orders processes; a per-path mutex
 * orders threads of this JVM, where a second {@code FileChannel.lock} would throw instead of wait.
 *
 * <p>A record is durable once {@link #append} returns: one line, one write, then {@code fsync}.
 * A line without its newline is the remains of a write that was cut off (kill -9, power loss);
 * readers ignore and report it, and the next append cuts it away before writing.
 */
public final class FileLedgerStore implements LedgerStore {

    /** The words of every read warning about a record Helix did not write. */
    public static final String FORGED = LedgerScreen.FORGED;

    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    /** The index each ledger had at a resident Helix's last call. */
    private static final ConcurrentMap<Path, LedgerIndex> CHECKED = new ConcurrentHashMap<>();

    private final Path file;
    private final Path lockFile;
    private final Path indexFile;
    private final String shownAs;
    private final LedgerSeal seal;
    private final LedgerKey key;
    /** What foreign writes {@link #append} found and undid, for {@link #restoreForeignWrites} to report. */
    private final List<String> undone = new ArrayList<>();
    /** The index as this store last checked it: a second read checks it against the file instead of loading it again. */
    private volatile LedgerIndex index;

    /** A store at {@code file}, named in warnings as given. */
    public FileLedgerStore(Path file) {
        this(file, file.toString());
    }

    /** A store at {@code file}, named {@code shownAs} in warnings (e.g. relative to the repository). */
    public FileLedgerStore(Path file, String shownAs) {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
        String name = file.getFileName().toString();
        this.indexFile = file.resolveSibling((name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name) + ".idx");
        this.shownAs = shownAs;
        this.seal = new LedgerSeal(file);
        this.key = LedgerKey.of(file);
    }

    /**
     * From now on, this store watches the end of its file: a write that is not its own (a record a
     * proposer appended) is undone by the next {@link #append} or {@link #restoreForeignWrites}.
     */
    public void seal() {
        try {
            locked(false, () -> {
                seal.seal();
                return null;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger " + shownAs + ": " + e.getMessage(), e);
        }
    }

    /** Undoes writes to the file since this store last wrote it; what they were (empty: none). */
    public List<String> restoreForeignWrites() {
        try {
            return locked(false, () -> {
                List<String> found = new ArrayList<>(undone);
                undone.clear();
                seal.restore(this::signedHere).ifPresent(found::add);
                return found;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore the ledger " + shownAs + ": " + e.getMessage(), e);
        }
    }

    /** A line signed with this user's ledger key: written by a Helix process, not by a proposer. */
    private boolean signedHere(String line) {
        return new LedgerSigner(key.read()).verify(line).kind() == LedgerSigner.Kind.GENUINE;
    }

    /** Where the keys that sign ledgers live, outside every repository: a sandbox hides it from proposers. */
    public static Path keyDirectory() {
        return LedgerKey.directory();
    }

    public Path file() {
        return file;
    }

    @Override
    public void append(Experiment experiment) {
        String encoded = LedgerCodec.encode(experiment);
        try {
            byte[] secret = key.readOrCreate();
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            locked(false, () -> {
                seal.restore(this::signedHere).ifPresent(undone::add); // a forged line is not sealed in under Helix's own
                LedgerSeal.cutTornTail(file);
                boolean created = !Files.exists(file);
                String signed = LedgerSigner.sign(secret, encoded, created ? "" : lastMac(experiment.tag()));
                byte[] line = (signed + "\n").getBytes(StandardCharsets.UTF_8);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    ByteBuffer buf = ByteBuffer.wrap(line);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    ch.force(true);
                }
                if (created) {
                    LedgerSeal.syncDirectory(file.toAbsolutePath().getParent());
                }
                seal.sealIfWatching();
                return null;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the ledger " + shownAs + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Contents read() {
        byte[] bytes;
        try {
            bytes = locked(true, () -> {
                try {
                    return Files.readAllBytes(file);
                } catch (NoSuchFileException e) {
                    return null;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger " + shownAs + ": " + e.getMessage(), e);
        }
        if (bytes == null) {
            return new Contents(List.of(), List.of());
        }
        List<Experiment> experiments = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        LedgerScreen screen = screen(true);
        int start = 0;
        int number = 0;
        while (start < bytes.length) {
            number++;
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            String text = new String(bytes, start, end - start, StandardCharsets.UTF_8);
            if (end == bytes.length) {
                warnings.add(torn(number));
            } else if (!text.isBlank()) {
                try {
                    Experiment e = LedgerCodec.decode(text);
                    if (screen.admit(number, text, e, (n, w) -> warnings.add(w))) experiments.add(e);
                } catch (IllegalArgumentException e) {
                    warnings.add(unreadable(number, e.getMessage()));
                }
            }
            start = end + 1;
        }
        return new Contents(experiments, warnings);
    }

    /** One session's records, read through the index (.idx beside the ledger): the other sessions' lines are not decoded. */
    @Override
    public Contents readTag(String tag) {
        return LedgerMemo.of(file, shownAs, key.path(), tag, -1, () -> {
            List<Experiment> experiments = new ArrayList<>();
            List<String> warnings = readTag(tag, experiments::add);
            return new Contents(experiments, warnings);
        });
    }

    /**
     * Decodes session {@code tag}'s lines one at a time into {@code each}. The index is brought up to
     * date under the ledger lock; the lines it points to are read after, as appends leave them as they are.
     */
    /**
     * The last {@code n} records of session {@code tag}, decoding from its last line backwards; a
     * line of it that does not decode further back is not looked at (and so not warned about).
     */
    @Override
    public Contents tail(String tag, int n) {
        return LedgerMemo.of(file, shownAs, key.path(), tag, n, () -> {
            List<Experiment> experiments = new ArrayList<>();
            List<String> warnings = read(tag, n, experiments::add);
            return new Contents(experiments.reversed(), warnings);
        });
    }

    @Override
    public List<String> readTag(String tag, Consumer<Experiment> each) {
        return read(tag, -1, each);
    }

    /** Session {@code tag}'s records into {@code each}: all in order, or when {@code last >= 0} that many from the end backwards. */
    private List<String> read(String tag, int last, Consumer<Experiment> each) {
        record Snapshot(LedgerIndex.Lines lines, List<LedgerIndex.Unreadable> unreadable, int tornLine) {}
        Snapshot snapshot;
        try {
            snapshot = locked(true, () -> {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    LedgerIndex index = current(ch);
                    LedgerIndex.Lines lines = index.tags.getOrDefault(tag, new LedgerIndex.Lines());
                    return new Snapshot(lines, index.unreadable, index.fileSize > index.covered ? index.lineCount + 1 : 0);
                } catch (NoSuchFileException e) {
                    return null;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger " + shownAs + ": " + e.getMessage(), e);
        }
        if (snapshot == null) {
            return List.of();
        }
        TreeMap<Integer, String> warnings = new TreeMap<>();
        snapshot.unreadable().forEach(u -> warnings.put(u.line(), unreadable(u.line(), u.message())));
        LedgerIndex.Lines lines = snapshot.lines();
        LedgerScreen screen = screen(last < 0);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int found = 0;
            for (int i = 0; i < lines.size && (last < 0 || found < last); i++) {
                int k = last < 0 ? i : lines.size - 1 - i;
                ByteBuffer buf = ByteBuffer.allocate(lines.lengths[k]);
                LedgerSeal.readFully(ch, buf, lines.offsets[k]);
                Experiment e;
                String text = new String(buf.array(), StandardCharsets.UTF_8);
                try {
                    e = LedgerCodec.decode(text);
                } catch (IllegalArgumentException ex) {
                    warnings.put(lines.numbers[k], unreadable(lines.numbers[k], ex.getMessage()));
                    continue;
                }
                if (!screen.admit(lines.numbers[k], text, e, warnings::put)) continue;
                each.accept(e);
                found++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger " + shownAs + ": " + e.getMessage(), e);
        }
        if (snapshot.tornLine() > 0) {
            warnings.put(snapshot.tornLine(), torn(snapshot.tornLine()));
        }
        return List.copyOf(warnings.values());
    }

    @Override
    public Optional<String> latestTag() {
        try {
            return locked(true, () -> {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    return Optional.ofNullable(current(ch).lastTag);
                } catch (NoSuchFileException e) {
                    return Optional.<String>empty();
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger " + shownAs + ": " + e.getMessage(), e);
        }
    }

    /** The sessions, from the index: no record is decoded. */
    @Override
    public List<String> tags() {
        try {
            return locked(true, () -> {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    return List.copyOf(current(ch).tags.keySet());
                } catch (NoSuchFileException e) {
                    return List.<String>of();
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger " + shownAs + ": " + e.getMessage(), e);
        }
    }

    private LedgerScreen screen(boolean ordered) {
        return new LedgerScreen(new LedgerSigner(key.read()), shownAs, ordered);
    }

    /** The MAC of session {@code tag}'s last line ("" when it has none), to chain the next one to; under the lock. */
    private String lastMac(String tag) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            LedgerIndex.Lines lines = current(ch).tags.get(tag);
            if (lines == null || lines.size == 0) return "";
            ByteBuffer buf = ByteBuffer.allocate(lines.lengths[lines.size - 1]);
            LedgerSeal.readFully(ch, buf, lines.offsets[lines.size - 1]);
            return LedgerSigner.macOf(new String(buf.array(), StandardCharsets.UTF_8));
        }
    }

    private LedgerIndex current(FileChannel ch) throws IOException {
        // a resident Helix's next call checks the index its last call left instead of loading the sidecar
        boolean resident = dev.helix.adapters.process.CallerEnvironment.override().isPresent();
        Path path = file.toAbsolutePath().normalize();
        LedgerIndex now = LedgerIndex.of(file, indexFile, ch, index != null || !resident ? index : CHECKED.get(path));
        index = now;
        if (resident && CHECKED.put(path, now) == null && CHECKED.size() > 64) CHECKED.keySet().removeIf(p -> !p.equals(path));
        return now;
    }

    private String torn(int number) {
        return "line " + number + " of " + shownAs + " is torn (no newline at end: a write was cut off); it is ignored";
    }

    private String unreadable(int number, String message) {
        return "line " + number + " of " + shownAs + " is unreadable (" + message + "); it is ignored";
    }

    private interface Body<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code body} holding the ledger lock. A reader that cannot create the lock file (a
     * read-only checkout) reads unlocked: at worst it sees a line in the middle of being written,
     * which it reports as torn.
     */
    private <T> T locked(boolean forRead, Body<T> body) throws IOException {
        ReentrantLock mutex = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(),
                k -> new ReentrantLock());
        // An interrupted thread would have its channels closed under it (ClosedByInterruptException),
        // and the record saying that the session was interrupted is one we must not lose.
        boolean interrupted = Thread.interrupted();
        mutex.lock();
        try {
            FileChannel ch;
            try {
                ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (AccessDeniedException | NoSuchFileException e) {
                if (forRead) {
                    return body.run();
                }
                throw e;
            } catch (FileSystemException e) {
                if (forRead && e.getMessage() != null && e.getMessage().contains("Read-only")) {
                    return body.run();
                }
                throw e;
            }
            try (ch) {
                FileLock lock = ch.lock();
                try {
                    return body.run();
                } finally {
                    lock.release();
                }
            }
        } finally {
            mutex.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void publish(List<Experiment> records, Path directory, String primary, Optional<String> guard) {
        StringBuilder jsonl = new StringBuilder();
        records.forEach(r -> jsonl.append(LedgerCodec.encode(r)).append('\n'));
        try {
            Files.writeString(directory.resolve("experiments.tsv"), LedgerTsv.render(records, primary, guard), StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("experiments.jsonl"), jsonl, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

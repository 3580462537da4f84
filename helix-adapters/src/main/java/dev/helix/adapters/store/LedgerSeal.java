package dev.helix.adapters.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a Helix process last wrote (or saw) at the end of its ledger file: its size and its last
 * bytes. A file that no longer ends so was written by someone else (a proposer appending a forged
 * record): it is cut back to what Helix wrote and the change named. Callers hold the ledger lock.
 */
final class LedgerSeal {
    /** How much of the end is kept to put back: the last records, far more than one line. */
    static final int TAIL_BYTES = 64 * 1024;

    private final Path file;
    private long size = -1; // -1: not sealed yet
    private byte[] tail = new byte[0];

    LedgerSeal(Path file) {
        this.file = file;
    }

    /** Records the file's end as it is now, as Helix's own. */
    void seal() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            tail = readAt(ch, Math.max(0, size - TAIL_BYTES), (int) Math.min(TAIL_BYTES, size));
        } catch (NoSuchFileException e) {
            size = 0;
            tail = new byte[0];
        }
    }

    /** Seals the file's end again after Helix's own write, when the file is watched at all. */
    void sealIfWatching() throws IOException {
        if (size >= 0) seal();
    }

    /**
     * When the file no longer ends as sealed: puts back the sealed end, cuts what was added, and
     * says what it found. Records appended that {@code ours} accepts (signed with the key of this
     * user's Helix: another Helix process, a {@code helix try} or {@code helix record} writing
     * under the ledger lock) stay, and are sealed in; only the others are cut. Empty when nothing
     * was cut or nothing was sealed.
     */
    Optional<String> restore(Predicate<String> ours) throws IOException {
        if (size < 0) return Optional.empty();
        if (!Files.exists(file)) {
            if (size == 0) return Optional.empty();
            return Optional.of("the ledger was deleted (" + size + " bytes; not restorable, it is in git's history once published)");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long now = ch.size();
            long from = size - tail.length;
            byte[] current = now >= size ? readAt(ch, from, tail.length) : null;
            if (now == size && Arrays.equals(current, tail)) return Optional.empty();
            if (now < from) {
                return Optional.of("the ledger was cut from " + size + " to " + now + " bytes (not restorable)");
            }
            boolean appended = current != null && Arrays.equals(current, tail);
            if (appended) return cutForeign(ch, now, ours);
            ch.write(ByteBuffer.wrap(tail), from);
            ch.truncate(size);
            ch.force(true);
            return Optional.of("changed the ledger's last records");
        }
    }

    /** The file grew past its sealed end: keeps the appended records that are ours, cuts the rest. */
    private Optional<String> cutForeign(FileChannel ch, long now, Predicate<String> ours) throws IOException {
        byte[] added = readAt(ch, size, (int) Math.min(Integer.MAX_VALUE - 8, now - size));
        String text = new String(added, StandardCharsets.UTF_8);
        StringBuilder kept = new StringBuilder();
        int foreign = 0;
        int start = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
            String line = text.substring(start, nl);
            if (ours.test(line)) kept.append(line).append('\n');
            else foreign++;
            start = nl + 1;
        }
        boolean torn = start < text.length(); // a line without its newline: no Helix writes one under the lock
        byte[] keep = kept.toString().getBytes(StandardCharsets.UTF_8);
        if (foreign == 0 && !torn) {
            seal();
            return Optional.empty();
        }
        ch.write(ByteBuffer.wrap(keep), size);
        ch.truncate(size + keep.length);
        ch.force(true);
        seal();
        long cut = added.length - keep.length;
        return Optional.of("appended " + cut + " bytes to the ledger"
                + (foreign > 0 ? " (" + foreign + (foreign == 1 ? " record" : " records") + " Helix did not write)" : ""));
    }

    private static byte[] readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) break;
        }
        return Arrays.copyOf(buf.array(), buf.position());
    }

    static byte byteAt(FileChannel ch, long position) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        readFully(ch, one, position);
        return one.get(0);
    }

    static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    /** Makes a newly created file's directory entry durable too; not every platform allows it. */
    static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Best effort: the data itself is already on disk.
        }
    }

    /** Cuts the file back to its last newline: what follows it was never durable. */
    static void cutTornTail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0 || byteAt(ch, size - 1) == '\n') {
                return;
            }
            ByteBuffer buf = ByteBuffer.allocate(8192);
            long keep = 0;
            long pos = size;
            search:
            while (pos > 0) {
                long from = Math.max(0, pos - buf.capacity());
                buf.clear().limit((int) (pos - from));
                readFully(ch, buf, from);
                for (int i = buf.limit() - 1; i >= 0; i--) {
                    if (buf.get(i) == '\n') {
                        keep = from + i + 1;
                        break search;
                    }
                }
                pos = from;
            }
            ch.truncate(keep);
            ch.force(true);
        }
    }
}

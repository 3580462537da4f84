package dev.helix.adapters.store;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Where each session's lines are in the ledger file: a sidecar ({@code experiments.idx}) so that a
 * command about one session reads that session's lines and not a million others.
 *
 * <p>The JSON lines stay the truth: the index covers the file up to its last newline and says how
 * big the file was, when it changed and what its last covered line hashed to. When the file grew
 * past that line (appends, by this process or another) only the new lines are scanned; when it
 * shrank, was rewritten, or the index is missing or unreadable, the index is built again. A line
 * whose tag cannot be read cheaply is decoded in full; one that does not decode is remembered as
 * unreadable with its message, as the full read reports it.
 */
final class LedgerIndex {
    private static final int MAGIC = 0x48584c49; // "HXLI"
    private static final int VERSION = 1;
    private static final byte[] PREFIX = "{\"run\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAG = ",\"tag\":\"".getBytes(StandardCharsets.US_ASCII);

    /** The lines of one session, in file order. */
    static final class Lines {
        long[] offsets = new long[16];
        int[] lengths = new int[16];
        int[] numbers = new int[16];
        int size;

        void add(long offset, int length, int number) {
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, size * 2);
                lengths = Arrays.copyOf(lengths, size * 2);
                numbers = Arrays.copyOf(numbers, size * 2);
            }
            offsets[size] = offset;
            lengths[size] = length;
            numbers[size] = number;
            size++;
        }
    }

    /** A line that does not decode: its number and why. */
    record Unreadable(int line, String message) {}

    long covered;
    long fileSize;
    long modified;
    long lastLineStart = -1;
    long lastLineHash;
    int lineCount;
    String lastTag;
    final Map<String, Lines> tags = new LinkedHashMap<>();
    final List<Unreadable> unreadable = new ArrayList<>();

    /** The index for {@code ledger} as it is now, from {@code sidecar} when that is still right; written back when it changed. */
    static LedgerIndex of(Path ledger, Path sidecar, FileChannel ch, LedgerIndex known) throws IOException {
        long size = ch.size();
        long modified = Files.getLastModifiedTime(ledger).toMillis();
        if (known != null && size == known.fileSize && modified == known.modified && known.lastLineStill(ch)) {
            return known;
        }
        LedgerIndex index = known != null ? known.copy() : load(sidecar);
        boolean changed = false;
        if (index == null || size < index.covered || !index.lastLineStill(ch)
                || (size == index.fileSize && modified != index.modified)) {
            index = new LedgerIndex();
            changed = true;
        }
        if (size != index.fileSize || modified != index.modified) {
            index.scan(ch, size);
            index.fileSize = size;
            index.modified = modified;
            changed = true;
        }
        if (changed) {
            index.save(sidecar);
        }
        return index;
    }

    /** A copy that can be extended while readers still hold this one. */
    private LedgerIndex copy() {
        LedgerIndex x = new LedgerIndex();
        x.covered = covered;
        x.fileSize = fileSize;
        x.modified = modified;
        x.lastLineStart = lastLineStart;
        x.lastLineHash = lastLineHash;
        x.lineCount = lineCount;
        x.lastTag = lastTag;
        x.unreadable.addAll(unreadable);
        tags.forEach((tag, lines) -> {
            Lines l = new Lines();
            l.offsets = lines.offsets.clone();
            l.lengths = lines.lengths.clone();
            l.numbers = lines.numbers.clone();
            l.size = lines.size;
            x.tags.put(tag, l);
        });
        return x;
    }

    private boolean lastLineStill(FileChannel ch) throws IOException {
        if (lastLineStart < 0) {
            return covered == 0;
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (covered - lastLineStart));
        if (ch.read(buf, lastLineStart) != buf.capacity()) {
            return false;
        }
        return hash(buf.array(), 0, buf.capacity()) == lastLineHash;
    }

    /** Indexes the complete lines from {@code covered} to the last newline before {@code size}. */
    private void scan(FileChannel ch, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        byte[] line = new byte[4096];
        int length = 0;
        long lineStart = covered;
        long pos = covered;
        while (pos < size) {
            buf.clear();
            int n = ch.read(buf, pos);
            if (n <= 0) {
                break;
            }
            byte[] a = buf.array();
            for (int i = 0; i < n; i++) {
                byte b = a[i];
                if (b != '\n') {
                    if (length + 1 == line.length) {
                        line = Arrays.copyOf(line, line.length * 2);
                    }
                    line[length++] = b;
                    continue;
                }
                lineCount++;
                index(line, length, lineStart);
                lastLineStart = lineStart;
                lastLineHash = hash(line, 0, length + 1);
                lineStart = pos + i + 1;
                covered = lineStart;
                length = 0;
            }
            pos += n;
        }
    }

    private void index(byte[] line, int length, long offset) {
        line[length] = '\n'; // room is there: the buffer grows before it is full
        String tag = cheapTag(line, length);
        if (tag == null) {
            String text = new String(line, 0, length, StandardCharsets.UTF_8);
            if (text.isBlank()) {
                return;
            }
            try {
                tag = LedgerCodec.decode(text).tag();
            } catch (IllegalArgumentException e) {
                unreadable.add(new Unreadable(lineCount, e.getMessage()));
                return;
            }
        }
        tags.computeIfAbsent(tag, t -> new Lines()).add(offset, length, lineCount);
        lastTag = tag;
    }

    /** The tag of a line as Helix writes it ({@code {"run":N,"tag":"..."}}), or null when it is laid out otherwise. */
    private static String cheapTag(byte[] line, int length) {
        if (length < PREFIX.length || !startsWith(line, 0, PREFIX) || line[length - 1] != '}') {
            return null;
        }
        int i = PREFIX.length;
        while (i < length && line[i] >= '0' && line[i] <= '9') i++;
        if (i == PREFIX.length || !startsWith(line, i, TAG) || i + TAG.length > length) {
            return null;
        }
        int from = i + TAG.length;
        for (int j = from; j < length; j++) {
            if (line[j] == '\\' || line[j] < 0x20) return null;
            if (line[j] == '"') return new String(line, from, j - from, StandardCharsets.UTF_8);
        }
        return null;
    }

    private static boolean startsWith(byte[] a, int at, byte[] prefix) {
        if (at + prefix.length > a.length) return false;
        for (int k = 0; k < prefix.length; k++) {
            if (a[at + k] != prefix[k]) return false;
        }
        return true;
    }

    private static long hash(byte[] a, int from, int length) {
        CRC32 crc = new CRC32();
        crc.update(a, from, length);
        return crc.getValue() ^ ((long) length << 32);
    }

    private static LedgerIndex load(Path sidecar) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(sidecar), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                return null;
            }
            LedgerIndex x = new LedgerIndex();
            x.covered = in.readLong();
            x.fileSize = in.readLong();
            x.modified = in.readLong();
            x.lastLineStart = in.readLong();
            x.lastLineHash = in.readLong();
            x.lineCount = in.readInt();
            x.lastTag = in.readBoolean() ? in.readUTF() : null;
            for (int u = in.readInt(); u > 0; u--) {
                x.unreadable.add(new Unreadable(in.readInt(), in.readUTF()));
            }
            for (int t = in.readInt(); t > 0; t--) {
                String tag = in.readUTF();
                Lines lines = new Lines();
                int n = in.readInt();
                lines.offsets = new long[Math.max(n, 16)];
                lines.lengths = new int[Math.max(n, 16)];
                lines.numbers = new int[Math.max(n, 16)];
                for (int k = 0; k < n; k++) {
                    lines.offsets[k] = in.readLong();
                    lines.lengths[k] = in.readInt();
                    lines.numbers[k] = in.readInt();
                }
                lines.size = n;
                x.tags.put(tag, lines);
            }
            return x;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // a torn or foreign index is built again
        }
    }

    /** Writes the index beside the ledger, atomically; a read-only checkout keeps it in memory only. */
    private void save(Path sidecar) {
        Path tmp = sidecar.resolveSibling(sidecar.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeLong(covered);
                out.writeLong(fileSize);
                out.writeLong(modified);
                out.writeLong(lastLineStart);
                out.writeLong(lastLineHash);
                out.writeInt(lineCount);
                out.writeBoolean(lastTag != null);
                if (lastTag != null) out.writeUTF(lastTag);
                out.writeInt(unreadable.size());
                for (Unreadable u : unreadable) {
                    out.writeInt(u.line());
                    out.writeUTF(u.message().length() > 8000 ? u.message().substring(0, 8000) : u.message());
                }
                out.writeInt(tags.size());
                for (Map.Entry<String, Lines> t : tags.entrySet()) {
                    out.writeUTF(t.getKey());
                    Lines lines = t.getValue();
                    out.writeInt(lines.size);
                    for (int k = 0; k < lines.size; k++) {
                        out.writeLong(lines.offsets[k]);
                        out.writeInt(lines.lengths[k]);
                        out.writeInt(lines.numbers[k]);
                    }
                }
            }
            try {
                Files.move(tmp, sidecar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, sidecar, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Best effort: the index is only a shortcut.
            }
        }
    }
}

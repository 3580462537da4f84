package dev.helix.adapters.process;

import dev.helix.core.secret.SecretStream;
import dev.helix.core.secret.Secrets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps the first {@code headBytes} and the last {@code tailBytes} of a byte stream, in a file and
 * in memory, with a line {@code [... N bytes omitted ...]} between them. Memory and disk stay
 * bounded however much is written: the head goes to the file as it arrives (so a running log can be
 * followed), the tail lives in a ring buffer until {@link #finish()}.
 *
 * <p>The file is redacted as it is written ({@link Secrets}); the text {@link #finish()} returns is
 * not, since metrics are parsed from it in memory and a redaction must never make one unparseable.
 *
 * <p>Thread-safe: the output pump writes while the executor may finish it. Public for the other
 * executors (Slurm).
 */
public final class CappedLog {

    private final FileChannel file; // null: memory only
    private final Secrets secrets;
    private final SecretStream redacting; // the head, on its way to the file
    private final byte[] head;
    private int headLength;
    private final byte[] ring;
    private int ringPos;
    private long ringCount; // bytes that went past the head, in all
    private long total;
    private boolean fileFailed;
    private String text; // set by finish()

    private CappedLog(FileChannel file, int headBytes, int tailBytes, Secrets secrets) {
        this.file = file;
        this.secrets = secrets;
        this.redacting = secrets.stream();
        this.head = new byte[headBytes];
        this.ring = new byte[tailBytes];
    }

    /** Creates (or truncates) {@code log}, creating its parent directories; null keeps memory only. */
    public static CappedLog open(Path log, int headBytes, int tailBytes) throws IOException {
        return open(log, headBytes, tailBytes, Secrets.NONE);
    }

    /** As {@link #open(Path, int, int)}, the file with {@code secrets} redacted. */
    public static CappedLog open(Path log, int headBytes, int tailBytes, Secrets secrets) throws IOException {
        if (log == null) return new CappedLog(null, headBytes, tailBytes, secrets);
        Path parent = log.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        FileChannel channel = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        return new CappedLog(channel, headBytes, tailBytes, secrets);
    }

    public synchronized void write(byte[] bytes, int offset, int length) {
        if (text != null) return; // finished: a straggler writes after the result was taken
        total += length;
        int toHead = Math.min(length, head.length - headLength);
        if (toHead > 0) {
            System.arraycopy(bytes, offset, head, headLength, toHead);
            headLength += toHead;
            toFile(ByteBuffer.wrap(redacting.feed(bytes, offset, toHead)));
            offset += toHead;
            length -= toHead;
        }
        if (length > 0) toRing(bytes, offset, length);
    }

    private void toRing(byte[] bytes, int offset, int length) {
        ringCount += length;
        if (ring.length == 0) return;
        if (length >= ring.length) { // only the last ring.length bytes can survive
            System.arraycopy(bytes, offset + length - ring.length, ring, 0, ring.length);
            ringPos = 0;
            return;
        }
        int first = Math.min(length, ring.length - ringPos);
        System.arraycopy(bytes, offset, ring, ringPos, first);
        System.arraycopy(bytes, offset + first, ring, 0, length - first);
        ringPos = (ringPos + length) % ring.length;
    }

    /** Copies {@code in} into the log until it ends or is closed under us (what was read is kept). */
    public void drain(java.io.InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) write(buffer, 0, n);
        } catch (IOException e) {
            // the stream was closed under us: what was read is kept
        }
    }

    /** Ends the log with a line of Helix's own, so the log a ledger row points to says what went wrong. */
    public void finishWith(String note) {
        byte[] bytes = ("helix: " + note + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        write(bytes, 0, bytes.length);
        finish();
    }

    /** How many bytes were written in all. */
    public synchronized long total() {
        return total;
    }

    /**
     * Writes the tail to the file, closes it and returns the kept text. When something was
     * omitted, the cut is moved to line boundaries so that no half line is kept: a truncated
     * {@code loss: 0.12} would read as a real value to a metric pattern.
     */
    public synchronized String finish() {
        if (text != null) return text;
        int kept = (int) Math.min(ringCount, ring.length);
        byte[] tail = new byte[kept];
        int start = kept < ring.length ? 0 : ringPos; // ring not yet wrapped: data starts at 0
        for (int i = 0; i < kept; i++) tail[i] = ring[(start + i) % ring.length];

        long omitted = ringCount - kept;
        int headKeep = headLength;
        int tailFrom = 0;
        String marker = "";
        SecretStream tailRedacting = redacting;
        if (omitted > 0) {
            int lastNewline = lastIndexOf(head, headLength, (byte) '\n');
            if (lastNewline >= 0) headKeep = lastNewline + 1;
            int firstNewline = indexOf(tail, (byte) '\n');
            if (firstNewline >= 0 && firstNewline < tail.length - 1) tailFrom = firstNewline + 1;
            omitted += (headLength - headKeep) + tailFrom;
            marker = (headKeep > 0 && head[headKeep - 1] != '\n' ? "\n" : "")
                    + "[... " + omitted + " bytes omitted ...]\n";
            // Redaction changed the head's length on disk: write the kept head again rather than cut at a byte offset.
            truncateFile(0);
            SecretStream again = secrets.stream();
            toFile(ByteBuffer.wrap(again.feed(head, 0, headKeep)));
            toFile(ByteBuffer.wrap(again.flushAtCut()));
            tailRedacting = secrets.stream().afterCut();
        }
        byte[] markerBytes = marker.getBytes(StandardCharsets.UTF_8);
        toFile(ByteBuffer.wrap(markerBytes));
        // Without a cut the tail continues the head, so a secret across the two is still caught.
        toFile(ByteBuffer.wrap(tailRedacting.feed(tail, tailFrom, tail.length - tailFrom)));
        toFile(ByteBuffer.wrap(tailRedacting.flush()));
        closeFile();

        byte[] all = new byte[headKeep + markerBytes.length + tail.length - tailFrom];
        System.arraycopy(head, 0, all, 0, headKeep);
        System.arraycopy(markerBytes, 0, all, headKeep, markerBytes.length);
        System.arraycopy(tail, tailFrom, all, headKeep + markerBytes.length, tail.length - tailFrom);
        text = new String(all, StandardCharsets.UTF_8);
        return text;
    }

    // A log that cannot be written (disk full) must not stop the evaluation: the kept text in
    // memory still serves metric parsing, the file is just incomplete.
    private void toFile(ByteBuffer buffer) {
        if (file == null || fileFailed) return;
        try {
            while (buffer.hasRemaining()) file.write(buffer);
        } catch (IOException e) {
            fileFailed = true;
        }
    }

    private void truncateFile(long size) {
        if (file == null || fileFailed) return;
        try {
            file.truncate(size);
            file.position(size);
        } catch (IOException e) {
            fileFailed = true;
        }
    }

    private void closeFile() {
        if (file == null) return;
        try {
            file.close();
        } catch (IOException e) {
            fileFailed = true;
        }
    }

    private static int lastIndexOf(byte[] bytes, int length, byte b) {
        for (int i = length - 1; i >= 0; i--) if (bytes[i] == b) return i;
        return -1;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) if (bytes[i] == b) return i;
        return -1;
    }
}

package dev.helix.core.secret;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Redacts a byte stream as it passes, for a log written while the evaluation runs. A write may end
 * in the middle of a secret, so the last (longest secret − 1) bytes are held back until the next
 * write or {@link #flush()}: a secret split across two reads is still caught. Where the text is
 * cut (a capped log omits its middle), a piece of a secret of at least {@link #MIN_PIECE} bytes at
 * the cut is redacted too. Not thread-safe: one writer feeds it.
 */
public final class SecretStream {

    /** One secret's bytes and what replaces them. */
    record Pattern(byte[] secret, byte[] replacement) {}

    /** Shorter pieces of a secret at a cut are too likely to be ordinary text to replace. */
    static final int MIN_PIECE = 8;

    private final List<Pattern> patterns; // longest first, so a key containing another is replaced whole
    private final int holdBack;
    private byte[] pending = new byte[0];
    private boolean startsAtCut;

    SecretStream(List<Pattern> patterns) {
        this.patterns = List.copyOf(patterns);
        this.holdBack = patterns.stream().mapToInt(p -> p.secret().length).max().orElse(1) - 1;
    }

    /** The redacted bytes that are safe to write now; what may begin a secret stays held back. */
    public byte[] feed(byte[] bytes, int offset, int length) {
        if (patterns.isEmpty()) return Arrays.copyOfRange(bytes, offset, offset + length);
        byte[] all = new byte[pending.length + length];
        System.arraycopy(pending, 0, all, 0, pending.length);
        System.arraycopy(bytes, offset, all, pending.length, length);
        if (startsAtCut) {
            if (all.length <= holdBack) {
                pending = all; // not yet enough to tell whether it begins with the end of a secret
                return new byte[0];
            }
            return pieceAtStart(all, false);
        }
        return scan(all, false);
    }

    /** {@code all}, beginning where the text was cut: the end of a secret there is redacted too. */
    private byte[] pieceAtStart(byte[] all, boolean end) {
        startsAtCut = false;
        for (Pattern p : patterns) {
            int n = p.secret().length;
            for (int k = Math.min(n - 1, all.length); k >= MIN_PIECE; k--) {
                if (Arrays.equals(all, 0, k, p.secret(), n - k, n)) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.writeBytes(p.replacement());
                    out.writeBytes(scan(Arrays.copyOfRange(all, k, all.length), end));
                    return out.toByteArray();
                }
            }
        }
        return scan(all, end);
    }

    /** The held-back rest, redacted: the stream has ended. */
    public byte[] flush() {
        return startsAtCut ? pieceAtStart(pending, true) : scan(pending, true);
    }

    /** The held-back rest, redacted, where the text is cut: it may end with the beginning of a secret. */
    public byte[] flushAtCut() {
        for (Pattern p : patterns) {
            for (int k = p.secret().length - 1; k >= MIN_PIECE; k--) {
                if (k <= pending.length && Arrays.equals(pending, pending.length - k, pending.length, p.secret(), 0, k)) {
                    byte[] before = scan(Arrays.copyOf(pending, pending.length - k), true);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.writeBytes(before);
                    out.writeBytes(p.replacement());
                    pending = new byte[0];
                    return out.toByteArray();
                }
            }
        }
        return flush();
    }

    /** Makes the next {@link #feed} start where the text was cut: it may begin with the end of a secret. */
    public SecretStream afterCut() {
        startsAtCut = true;
        return this;
    }

    /*
     * Any secret starting before all.length - holdBack ends inside all, so it is seen whole here; a
     * position from there on might start a secret whose end has not arrived yet.
     */
    private byte[] scan(byte[] all, boolean end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(all.length);
        int safe = end ? all.length : all.length - holdBack;
        int i = 0;
        scanning:
        while (i < all.length) {
            for (Pattern p : patterns) {
                if (matches(all, i, p.secret())) {
                    out.write(p.replacement(), 0, p.replacement().length);
                    i += p.secret().length;
                    continue scanning;
                }
            }
            if (i >= safe) break;
            out.write(all[i]);
            i++;
        }
        pending = Arrays.copyOfRange(all, i, all.length);
        return out.toByteArray();
    }

    private static boolean matches(byte[] all, int at, byte[] secret) {
        if (at + secret.length > all.length) return false;
        for (int k = 0; k < secret.length; k++) {
            if (all[at + k] != secret[k]) return false;
        }
        return true;
    }
}

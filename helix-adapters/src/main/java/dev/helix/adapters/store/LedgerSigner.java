package dev.helix.adapters.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs ledger lines so that a record Helix did not write can be told: each line ends with
 * {@code "prev":"<mac of the session's previous record>","mac":"<HMAC-SHA256>"}, the MAC taken
 * over the line's bytes before {@code ,"mac"} (so over {@code prev} too: the records of a session
 * form a chain). The key is {@link LedgerKey}'s, outside the repository. A line without a MAC
 * was written before Helix signed its records (legacy).
 */
final class LedgerSigner {
    private static final String PREV = ",\"prev\":\"";
    private static final String MAC = ",\"mac\":\"";

    /** What a line is: written before signing, signed by this key, not signed by it, or signed but no key here to check. */
    enum Kind { LEGACY, GENUINE, FORGED, UNCHECKED }

    /** A line's kind, its MAC and the MAC it chains to (empty for a legacy line). */
    record Verdict(Kind kind, String mac, String prev) {}

    private final Optional<byte[]> key;
    /** One MAC for a whole read (a reader is one thread): a million lines must not each set one up. */
    private final Mac hmac;

    LedgerSigner(Optional<byte[]> key) {
        this.key = key;
        this.hmac = key.map(LedgerSigner::hmac).orElse(null);
    }

    /** The encoded record (one JSON object) signed, chained to {@code prev} ("" for a session's first). */
    static String sign(byte[] key, String encoded, String prev) {
        if (!encoded.endsWith("}")) throw new IllegalArgumentException("not a JSON object: " + encoded);
        String body = encoded.substring(0, encoded.length() - 1) + PREV + prev + "\"";
        return body + MAC + mac(key, body) + "\"}";
    }

    Verdict verify(String line) {
        int at = line.lastIndexOf(MAC);
        if (at < 0 || !line.endsWith("\"}")) return new Verdict(Kind.LEGACY, "", "");
        String body = line.substring(0, at);
        String mac = line.substring(at + MAC.length(), line.length() - 2);
        int p = body.lastIndexOf(PREV);
        String prev = p < 0 || !body.endsWith("\"") ? "" : body.substring(p + PREV.length(), body.length() - 1);
        if (key.isEmpty()) return new Verdict(Kind.UNCHECKED, mac, prev);
        boolean genuine = MessageDigest.isEqual(HexFormat.of().formatHex(hmac.doFinal(body.getBytes(StandardCharsets.UTF_8)))
                        .getBytes(StandardCharsets.US_ASCII),
                mac.getBytes(StandardCharsets.US_ASCII));
        return new Verdict(genuine && p >= 0 ? Kind.GENUINE : Kind.FORGED, mac, prev);
    }

    /** The MAC a line carries ("" when it has none), without checking it. */
    static String macOf(String line) {
        int at = line.lastIndexOf(MAC);
        return at < 0 || !line.endsWith("\"}") ? "" : line.substring(at + MAC.length(), line.length() - 2);
    }

    private static String mac(byte[] key, String body) {
        return HexFormat.of().formatHex(hmac(key).doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static Mac hmac(byte[] key) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            return hmac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.helix.adapters.store;

import dev.helix.adapters.process.CallerEnvironment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The secret key that signs one ledger's records (see {@link LedgerSigner}), kept outside the
 * repository and every worktree, where a proposer that reads the repository does not look:
 * {@code $XDG_STATE_HOME/helix/keys/<id>} (else {@code ~/.local/state/helix/keys/<id>}), mode
 * 0600, where {@code id} is a hash of the ledger's absolute path. Made by the first append.
 */
final class LedgerKey {
    private final Path path;

    private LedgerKey(Path path) {
        this.path = path;
    }

    /** The key of the ledger at {@code ledgerFile}. */
    static LedgerKey of(Path ledgerFile) {
        return new LedgerKey(directory().resolve(id(ledgerFile)));
    }

    /** Where the keys live: the helix.state.home property (tests), else $XDG_STATE_HOME/helix, else ~/.local/state/helix. */
    static Path directory() {
        String property = System.getProperty("helix.state.home");
        if (property != null && !property.isBlank()) return Path.of(property).resolve("keys");
        String xdg = CallerEnvironment.current().get("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("helix").resolve("keys");
    }

    Path path() {
        return path;
    }

    /** The key, when it was made. */
    Optional<byte[]> read() {
        try {
            return Optional.of(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger key " + path + ": " + e.getMessage(), e);
        }
    }

    /** The key, made now (32 random bytes, mode 0600) when there is none. */
    byte[] readOrCreate() {
        Optional<byte[]> key = read();
        if (key.isPresent()) return key.get();
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        try {
            Files.createDirectories(path.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path temp = Files.createTempFile(path.getParent(), ".key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(temp, fresh);
            try {
                Files.createLink(path, temp); // atomic, and never over a key another process just made
            } catch (FileAlreadyExistsException raced) {
                // the other process's key wins
            } finally {
                Files.delete(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ledger key " + path + ": " + e.getMessage(), e);
        }
        return read().orElseThrow();
    }

    private static String id(Path ledgerFile) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(ledgerFile.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

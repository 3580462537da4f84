package dev.helix.cli.resident;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The directory a resident Helix lives in ({@code $XDG_RUNTIME_DIR/helix}, else {@code ~/.cache/helix}):
 * its socket, its token, its lock and a note of who it is, none of them readable by another user.
 */
record ResidentHome(Path dir) {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    Path socket() {
        return dir.resolve("resident.sock");
    }

    Path token() {
        return dir.resolve("resident.token");
    }

    Path lock() {
        return dir.resolve("resident.lock");
    }

    Path info() {
        return dir.resolve("resident.info");
    }

    /**
     * Makes the directory, or checks the one there: a directory (not a link) owned by this user that no
     * one else can enter, else the socket could be swapped or the token read.
     */
    void prepare() throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another Helix made it at the same moment; it is checked below like any other
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) throw new IOException(dir + " is not a directory");
        String me = System.getProperty("user.name");
        String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
        if (!owner.equals(me)) throw new IOException(dir + " belongs to " + owner + ", not " + me);
        Files.setPosixFilePermissions(dir, OWNER_DIR);
    }

    /** The lock that makes this the user's one resident Helix, when no other holds it. */
    Optional<FileLock> tryLock() throws IOException {
        FileChannel channel = FileChannel.open(lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        Files.setPosixFilePermissions(lock(), OWNER_ONLY);
        FileLock lock = channel.tryLock();
        if (lock == null) channel.close();
        return Optional.ofNullable(lock);
    }

    /** A fresh token of 32 random bytes, written (hex) to the token file, readable by this user alone. */
    byte[] newToken() throws IOException {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String hex = HexFormat.of().formatHex(raw);
        writePrivate(token(), hex);
        return hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Writes {@code text} to {@code file} through a 0600 file moved into place, so no reader sees half of it. */
    void writePrivate(Path file, String text) throws IOException {
        Path tmp = dir.resolve(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

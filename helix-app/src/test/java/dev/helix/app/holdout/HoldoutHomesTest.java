package dev.helix.app.holdout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where hold-out runs get their private directories: in a directory of the user's own under the
 * temporary directory (which the sandbox hides whole), never in one that others could have made
 * or can write, where Helix falls back to the temporary directory itself.
 */
class HoldoutHomesTest {
    @TempDir
    Path repo;

    private String user;
    private Path parent;

    @BeforeEach
    void aUserOfItsOwn() {
        user = System.getProperty("user.name");
        // a name no other test or user has, so that the directory is this test's to make and remove
        System.setProperty("user.name", "helix-test-" + UUID.randomUUID());
        parent = Path.of(System.getProperty("java.io.tmpdir"), HoldoutHomes.PARENT_PREFIX + System.getProperty("user.name"));
    }

    @AfterEach
    void restore() throws Exception {
        System.setProperty("user.name", user);
        if (Files.exists(parent)) {
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
            try (var all = Files.walk(parent)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void aHoldoutDirectoryIsMadeInTheUsersOwnDirectoryMode0700() throws Exception {
        Path home = HoldoutHomes.create(repo);

        assertThat(home.getParent()).isEqualTo(parent);
        assertThat(home.getFileName().toString()).startsWith(HoldoutHomes.PREFIX);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(parent))).isEqualTo("rwx------");
        assertThat(home.resolve(".helix-holdout-owner")).exists();
    }

    @Test
    void aDirectoryOthersCanWriteIsNotUsedAndTheTemporaryDirectoryIsInstead() throws Exception {
        Files.createDirectory(parent);
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(HoldoutHomes.parent()).isEqualTo(Optional.empty());
        Path home = HoldoutHomes.create(repo);
        try {
            assertThat(home.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
        } finally {
            Files.deleteIfExists(home.resolve(".helix-holdout-owner"));
            Files.deleteIfExists(home);
        }
    }

    @Test
    void aLinkInItsPlaceIsNotFollowed() throws Exception {
        Path elsewhere = Files.createDirectories(repo.resolve("elsewhere"));
        Files.createSymbolicLink(parent, elsewhere);

        assertThat(HoldoutHomes.parent()).isEmpty();
        Files.delete(parent);
    }
}

package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files for outputs people read: helix-cli/src/test/resources/golden/NAME. Run the tests
 * with {@code -Dhelix.golden.update=true} to rewrite them after an intended change, then review
 * the diff.
 */
final class Golden {
    private static final Path DIR = Path.of("src/test/resources/golden");

    private Golden() {}

    static void assertMatches(String name, String actual) {
        Path file = DIR.resolve(name);
        try {
            if (Boolean.getBoolean("helix.golden.update") || !Files.exists(file)) {
                Files.createDirectories(DIR);
                Files.writeString(file, actual);
                if (!Boolean.getBoolean("helix.golden.update")) {
                    throw new AssertionError("golden file " + file + " did not exist; written now: review it and run again");
                }
            }
            assertThat(actual).as("golden file %s (rewrite with -Dhelix.golden.update=true)", file)
                    .isEqualTo(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files for outputs people read: helix-cli/src/test/resources/golden/NAME, compared after
 * {@link #normalise}. With -Dhelix.golden.update=true a test writes the file instead of comparing.
 */
final class Golden {
    private static final Path DIR = Path.of("src/test/resources/golden");

    private Golden() {}

    /** Replaces what varies between runs: commit hashes, times, durations and the temporary directory. */
    static String normalise(String text, Path tmp) {
        return text.replace(tmp.toString(), "<tmp>")
                .replaceAll("\\b[0-9a-f]{40}\\b", "<commit>")
                .replaceAll("index [0-9a-f]+\\.\\.[0-9a-f]+", "index <blob>..<blob>")
                .replaceAll("\\b[0-9a-f]{7}\\b", "<short>")
                .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "<time>")
                .replaceAll("\\b\\d+(\\.\\d+)?s\\b", "<d>s")
                .replaceAll("(seconds\\b[\"]?:\\s*)[0-9.E-]+", "$1<d>")
                .replaceAll("(?m)^(\\| \\d+(\\.\\d+)? \\|.*\\| )[0-9.]+ \\|$", "$1<d> |")
                .replace("\r\n", "\n");
    }

    static void assertMatches(String name, String actual) {
        Path file = DIR.resolve(name);
        try {
            if (Boolean.getBoolean("helix.golden.update") || !Files.exists(file)) {
                Files.createDirectories(DIR);
                Files.writeString(file, actual);
                if (!Boolean.getBoolean("helix.golden.update")) throw new AssertionError("wrote missing golden file " + file.toAbsolutePath() + ": check it and run again");
                return;
            }
            assertThat(actual).as("golden file %s (update with -Dhelix.golden.update=true)", file).isEqualTo(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

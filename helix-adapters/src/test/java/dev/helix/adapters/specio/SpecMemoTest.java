package dev.helix.adapters.specio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.adapters.process.CallerEnvironment;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a resident Helix keeps of a helix.yaml: a settled file is read once, and an edit made in the
 * clock tick of a read (same size, same modification time) is still seen by the next call.
 */
class SpecMemoTest {

    @TempDir
    Path dir;

    private static final String SPEC = """
            name: demo
            domain: AI/ML
            description: Lower the loss.
            scope:
              editable: [train.py]
            metrics:
              primary: {name: val_loss}
            evaluate:
              command: python train.py
            """;

    private static Spec residentLoad(Path file) {
        return CallerEnvironment.with(System.getenv(), () -> SpecFiles.load(file));
    }

    @Test
    void anEditOfTheSameSizeInTheTickOfTheReadIsSeenByTheNextCall() throws IOException {
        Path file = dir.resolve("helix.yaml");
        Files.writeString(file, SPEC);
        FileTime written = Files.getLastModifiedTime(file);
        assertThat(residentLoad(file).evaluate().command()).isEqualTo("python train.py");

        // the same size and, as within one tick of a coarse clock, the same modification time
        Files.writeString(file, SPEC.replace("train.py\n", "tests.py\n"));
        Files.setLastModifiedTime(file, written);

        assertThat(residentLoad(file).evaluate().command()).isEqualTo("python tests.py");
    }

    @Test
    void aFileModifiedWellBeforeTheReadIsKeptWhileItsStampHolds() throws IOException {
        Path file = dir.resolve("helix.yaml");
        Files.writeString(file, SPEC);
        FileTime settled = FileTime.from(Instant.now().minus(1, ChronoUnit.MINUTES));
        Files.setLastModifiedTime(file, settled);
        assertThat(residentLoad(file).evaluate().command()).isEqualTo("python train.py");

        // the stamp made to hold although the bytes changed: the kept spec is what answers
        Files.writeString(file, SPEC.replace("train.py\n", "tests.py\n"));
        Files.setLastModifiedTime(file, settled);
        assertThat(residentLoad(file).evaluate().command()).isEqualTo("python train.py");
        // a cold call reads always
        assertThat(SpecFiles.load(file).evaluate().command()).isEqualTo("python tests.py");
        // a real edit changes the stamp
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(30, ChronoUnit.SECONDS)));
        assertThat(residentLoad(file).evaluate().command()).isEqualTo("python tests.py");
    }
}

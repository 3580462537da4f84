package dev.helix.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/helix-yaml.md is the table rendered: it changes with the table, never by hand. */
class SpecReferenceTest {

    private static final Path PAGE = Path.of("..", "docs", "helix-yaml.md");

    @Test
    void docsHelixYamlIsUpToDateWithTheTable() throws IOException {
        String page = SpecReference.markdown();
        if ("1".equals(System.getenv("HELIX_WRITE_DOCS"))) Files.writeString(PAGE, page);
        String onDisk = Files.exists(PAGE) ? Files.readString(PAGE) : "";
        assertThat(onDisk)
                .as("docs/helix-yaml.md is out of date with SpecSchema; regenerate it from the repository root with:%n  %s",
                        SpecReference.REGENERATE)
                .isEqualTo(page);
    }

    @Test
    void everyKeyHasARow() {
        String page = SpecReference.markdown();
        for (SpecKey k : SpecSchema.KEYS) assertThat(page).contains("| `" + k.path() + "` |");
    }
}

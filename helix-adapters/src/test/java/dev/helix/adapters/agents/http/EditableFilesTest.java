package dev.helix.adapters.agents.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a model is shown of the editable files: in path order, whatever order the file system lists them in. */
class EditableFilesTest {

    @TempDir
    Path worktree;

    @Test
    void theFilesAndTheNotesOnThoseNotShownAreInPathOrder() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 24; i++) names.add(String.format("w%02d", i));
        // created in a shuffled order: a directory lists its entries in an order of its own (ext4: by hash)
        Collections.shuffle(names, new Random(7));
        for (String name : names) {
            Files.write(worktree.resolve(name + ".bin"), new byte[] {0, 1, 2, 0});
            Files.writeString(worktree.resolve(name + ".txt"), name + "\n");
        }

        EditableFiles.Shown shown = EditableFiles.read(worktree, List.of("*.bin", "*.txt"), 1 << 20);

        List<String> sorted = names.stream().sorted().toList();
        assertThat(shown.notes()).containsExactlyElementsOf(sorted.stream().map(n -> n + ".bin: not shown, it is a binary file").toList());
        assertThat(List.copyOf(shown.texts().keySet())).containsExactlyElementsOf(sorted.stream().map(n -> n + ".txt").toList());
    }
}

package dev.helix.adapters.store;

import static dev.helix.adapters.store.StoreChild.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Experiment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerPublishTest {

    @TempDir
    Path dir;

    @Test
    void publishedCopiesReadBackAsTheRecordsAndLeaveTheStoreAlone() throws Exception {
        FileLedgerStore store = new FileLedgerStore(dir.resolve(".helix/experiments.jsonl"));
        Path branch = Files.createDirectories(dir.resolve("worktree"));
        List<Experiment> records = List.of(record("nov23", 0), record("nov23", 1));

        store.publish(records, branch, "score", Optional.empty());

        assertThat(new FileLedgerStore(branch.resolve("experiments.jsonl")).read().experiments()).isEqualTo(records);
        assertThat(Files.readAllLines(branch.resolve("experiments.tsv"))).hasSize(3);
        assertThat(store.read().experiments()).isEmpty();
    }
}

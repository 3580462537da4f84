package dev.helix.adapters.store;

import static dev.helix.adapters.store.StoreChild.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.LedgerStore.Contents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading one session through the sidecar index gives what the full read gives for that session. */
class LedgerIndexTest {

    @TempDir
    Path dir;
    Path file;
    Path index;
    FileLedgerStore store;

    @BeforeEach
    void setUp() {
        file = dir.resolve(".helix/experiments.jsonl");
        index = dir.resolve(".helix/experiments.idx");
        store = new FileLedgerStore(file, ".helix/experiments.jsonl");
    }

    @Test
    void aMissingLedgerHasNoSessions() {
        assertThat(store.latestTag()).isEmpty();
        assertThat(store.tags()).isEmpty();
        assertThat(store.readTag("a").experiments()).isEmpty();
        assertThat(Files.exists(index)).isFalse();
    }

    @Test
    void readsOneSessionAsTheFullReadDoesAndWritesTheIndex() {
        interleave("a", "b", 30);

        assertSameAsFullRead("a");
        assertSameAsFullRead("b");
        assertThat(store.latestTag()).contains("b");
        assertThat(store.tail("a", 3).experiments()).extracting(Experiment::run).containsExactly(27, 28, 29);
        assertThat(store.tail("a", 100).experiments()).isEqualTo(store.readTag("a").experiments());
        assertThat(Files.exists(index)).isTrue();
    }

    @Test
    void appendsByAnotherWriterAreSeenThroughAnExistingIndex() {
        interleave("a", "b", 5);
        assertThat(store.readTag("a").experiments()).hasSize(5);

        FileLedgerStore other = new FileLedgerStore(file, ".helix/experiments.jsonl");
        other.append(record("a", 5));
        other.append(record("c", 0));

        assertThat(store.readTag("a").experiments()).extracting(Experiment::run).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(store.latestTag()).contains("c");
        assertThat(store.tags()).as("in the order each first appears, as the full read gives them")
                .containsExactly("a", "b", "c").isEqualTo(store.read().experiments().stream().map(Experiment::tag).distinct().toList());
        assertSameAsFullRead("b");
    }

    @Test
    void aLedgerRewrittenUnderTheIndexIsIndexedAgain() throws Exception {
        interleave("a", "b", 5);
        assertThat(store.readTag("a").experiments()).hasSize(5);

        List<String> lines = Files.readAllLines(file);
        Files.write(file, lines.subList(0, 4)); // shorter: a rewrite, not an append
        assertSameAsFullRead("a");
        assertSameAsFullRead("b");

        String same = String.join("\n", lines.subList(0, 4)).replace("\"a\"", "\"x\"") + "\n";
        Files.writeString(file, same); // same size, other content
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5_000));
        assertThat(store.readTag("a").experiments()).isEmpty();
        assertSameAsFullRead("x");
    }

    @Test
    void aTornOrForeignIndexIsBuiltAgain() throws Exception {
        interleave("a", "b", 5);
        store.readTag("a");
        Files.write(index, new byte[] {1, 2, 3});
        assertSameAsFullRead("a");
        byte[] bytes = Files.readAllBytes(index);
        Files.write(index, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertSameAsFullRead("b");
    }

    @Test
    void aTornLastLineAndAnUnreadableLineAreReportedAsTheFullReadReportsThem() throws Exception {
        interleave("a", "b", 3);
        Files.writeString(file, "this is not json\n{\"tag\":\"a\",\"run\":9}\n", StandardOpenOption.APPEND);
        store.append(record("a", 3));
        Files.writeString(file, "{\"run\":4,\"tag\":\"a\",\"wor", StandardOpenOption.APPEND);

        assertSameAsFullRead("a");
        assertSameAsFullRead("b");
        assertThat(store.readTag("a").warnings()).hasSize(3).last().asString().contains("is torn");

        store.append(record("a", 4)); // cuts the torn tail, then appends
        assertSameAsFullRead("a");
        assertThat(store.readTag("a").experiments()).extracting(Experiment::run).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void linesLaidOutOtherwiseAreDecodedInFull() throws Exception {
        Experiment e = record("a", 0);
        String encoded = LedgerCodec.encode(e);
        // The same record with its fields in another order, as another tool might write it.
        String reordered = "{\"tag\":\"a\"," + encoded.substring(1).replace(",\"tag\":\"a\"", "");
        Files.createDirectories(file.getParent());
        Files.writeString(file, reordered + "\n\n", StandardCharsets.UTF_8);
        store.append(record("a", 1));

        assertSameAsFullRead("a");
        assertThat(store.readTag("a").experiments()).hasSize(2);
        assertThat(store.latestTag()).contains("a");
    }

    private void interleave(String a, String b, int each) {
        List<Experiment> records = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            records.add(record(a, i));
            records.add(record(b, i));
        }
        records.forEach(store::append);
    }

    private void assertSameAsFullRead(String tag) {
        Contents all = new FileLedgerStore(file, ".helix/experiments.jsonl").read();
        Contents one = store.readTag(tag);
        assertThat(one.experiments()).isEqualTo(all.ofTag(tag));
        assertThat(one.warnings()).isEqualTo(all.warnings());
        Optional<String> latest = all.experiments().isEmpty() ? Optional.empty()
                : Optional.of(all.experiments().get(all.experiments().size() - 1).tag());
        assertThat(store.latestTag()).isEqualTo(latest);
    }
}

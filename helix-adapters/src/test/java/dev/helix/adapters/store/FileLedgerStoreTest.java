package dev.helix.adapters.store;

import static dev.helix.adapters.store.StoreChild.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.LedgerStore.Contents;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLedgerStoreTest {

    @TempDir
    Path dir;
    Path file;
    FileLedgerStore store;

    @BeforeEach
    void setUp() {
        file = dir.resolve(".helix/experiments.jsonl");
        store = new FileLedgerStore(file, ".helix/experiments.jsonl");
    }

    @Test
    void aMissingLedgerReadsAsEmpty() {
        Contents contents = store.read();
        assertThat(contents.experiments()).isEmpty();
        assertThat(contents.warnings()).isEmpty();
    }

    @Test
    void appendsOneLinePerRecordAndReadsThemBackInOrder() throws Exception {
        List<Experiment> written = IntStream.range(0, 50).mapToObj(i -> record("nov23", i)).toList();
        written.forEach(store::append);

        Contents contents = store.read();

        assertThat(contents.experiments()).isEqualTo(written);
        assertThat(contents.warnings()).isEmpty();
        assertThat(Files.readAllLines(file)).hasSize(50).allSatisfy(l -> assertThat(l).startsWith("{\"run\":"));
        assertThat(contents.ofTag("nov23")).hasSize(50);
        assertThat(contents.ofTag("other")).isEmpty();
    }

    @Test
    void twoThreadsAppendingAtOnceLoseNothing() throws Exception {
        int each = 100;
        CountDownLatch go = new CountDownLatch(1);
        Thread a = new Thread(() -> appendAll(go, "a", each));
        Thread b = new Thread(() -> appendAll(go, "b", each));
        a.start();
        b.start();
        go.countDown();
        a.join();
        b.join();

        Contents contents = new FileLedgerStore(file).read();

        assertThat(contents.warnings()).isEmpty();
        assertThat(contents.ofTag("a")).extracting(Experiment::run).containsExactlyElementsOf(range(each));
        assertThat(contents.ofTag("b")).extracting(Experiment::run).containsExactlyElementsOf(range(each));
    }

    @Test
    void twoProcessesAppendingAtOnceLoseNothing() throws Exception {
        int each = 300;
        store.read(); // load classes, so both sides start at full speed
        Process child = StoreChild.start("append", file.toString(), "child", Integer.toString(each));
        // Start together, so that the two really contend for the lock.
        assertThat(new BufferedReader(new InputStreamReader(child.getInputStream())).readLine()).isEqualTo("ready");
        child.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
        child.getOutputStream().flush();
        for (int i = 0; i < each; i++) {
            store.append(record("parent", i));
        }
        StoreChild.awaitSuccess(child);

        Contents contents = store.read();

        assertThat(contents.warnings()).isEmpty();
        assertThat(contents.ofTag("parent")).extracting(Experiment::run).containsExactlyElementsOf(range(each));
        assertThat(contents.ofTag("child")).extracting(Experiment::run).containsExactlyElementsOf(range(each));
    }

    @Test
    void aTornLastLineIsReportedAndTheNextAppendCutsItAway() throws Exception {
        for (int i = 0; i < 3; i++) {
            store.append(record("nov23", i));
        }
        // What kill -9 in the middle of a write leaves behind: part of a line, no newline.
        Files.writeString(file, "{\"run\":3,\"tag\":\"nov2", StandardOpenOption.APPEND);

        Contents torn = store.read();

        assertThat(torn.experiments()).extracting(Experiment::run).containsExactly(0, 1, 2);
        assertThat(torn.warnings()).containsExactly("line 4 of .helix/experiments.jsonl is torn "
                + "(no newline at end: a write was cut off); it is ignored");

        store.append(record("nov23", 3));

        Contents repaired = store.read();
        assertThat(repaired.experiments()).extracting(Experiment::run).containsExactly(0, 1, 2, 3);
        assertThat(repaired.warnings()).isEmpty();
        assertThat(Files.readString(file)).endsWith("}\n").doesNotContain("\"nov2\n");
        assertThat(Files.readAllLines(file)).hasSize(4);
    }

    @Test
    void aCompleteRecordWithoutItsNewlineIsStillTorn() throws Exception {
        // The write stopped just before the newline: the record was never durable, and the next
        // append removes it, so a reader must not count it either.
        Files.createDirectories(file.getParent());
        Files.writeString(file, LedgerCodec.encode(record("nov23", 0)));

        assertThat(store.read().experiments()).isEmpty();
        assertThat(store.read().warnings()).singleElement().asString().startsWith("line 1 of").contains("torn");

        store.append(record("nov23", 1));
        assertThat(store.read().experiments()).extracting(Experiment::run).containsExactly(1);
    }

    @Test
    void anUnreadableLineInTheMiddleIsSkippedAndReportedWithItsNumber() throws Exception {
        store.append(record("nov23", 0));
        Files.writeString(file, "this is not json\n", StandardOpenOption.APPEND);
        store.append(record("nov23", 1));

        Contents contents = store.read();

        assertThat(contents.experiments()).extracting(Experiment::run).containsExactly(0, 1);
        assertThat(contents.warnings()).singleElement().asString()
                .startsWith("line 2 of .helix/experiments.jsonl is unreadable (not a ledger record: malformed JSON")
                .endsWith("; it is ignored");
    }

    @Test
    void anInterruptedThreadStillAppendsAndStaysInterrupted() {
        Thread.currentThread().interrupt();
        try {
            store.append(record("nov23", 0));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(store.read().experiments()).hasSize(1);
    }

    @Test
    void writesUtf8() throws Exception {
        Experiment e = record("nov23", 0);
        store.append(e);
        String encoded = LedgerCodec.encode(e);
        // The record as encoded, then the MAC chain's fields (the first record of a session chains to "").
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8))
                .startsWith(encoded.substring(0, encoded.length() - 1) + ",\"prev\":\"\",\"mac\":\"")
                .matches("(?s).*,\"mac\":\"[0-9a-f]{64}\"}\n");
    }

    @Test
    void aRecordHelixDidNotWriteIsLeftOutAndNamed() throws Exception {
        store.append(record("nov23", 0));
        store.append(record("nov23", 1));
        String first = Files.readAllLines(file).get(0);
        // A forger copies a genuine line and changes it (a new run, a better metric): the MAC no longer fits.
        String forged = first.replace("\"run\":0", "\"run\":2").replace("\"primary\":1.0", "\"primary\":-1000.0");
        // Another adds a line without a MAC, as if written before Helix signed its records.
        String unsigned = LedgerCodec.encode(record("nov23", 3));
        Files.writeString(file, forged + "\n" + unsigned + "\n", java.nio.file.StandardOpenOption.APPEND);

        Contents all = store.read();
        Contents tag = new FileLedgerStore(file, ".helix/experiments.jsonl").readTag("nov23");

        assertThat(all.experiments()).extracting(Experiment::run).containsExactly(0, 1);
        assertThat(tag.experiments()).extracting(Experiment::run).containsExactly(0, 1);
        assertThat(tag.warnings()).containsExactly(
                "line 3 of .helix/experiments.jsonl was not written by Helix (its MAC does not match this repository's key); it is ignored",
                "line 4 of .helix/experiments.jsonl was not written by Helix (it has no MAC, and Helix signs every record it writes); it is ignored");
    }

    @Test
    void aSealedLedgerKeepsWhatAnotherHelixAppendedAndCutsOnlyWhatNoHelixWrote() throws Exception {
        store.append(record("run", 0));
        store.seal(); // a session watches its ledger while a proposer works
        // Meanwhile another Helix process (a helix try, a helix record) appends under the lock, signed ...
        FileLedgerStore other = new FileLedgerStore(file, ".helix/experiments.jsonl");
        other.append(record("try", 0));
        // ... and a proposer appends a line of its own between two of Helix's.
        Files.writeString(file, LedgerCodec.encode(record("run", 7)) + "\n", java.nio.file.StandardOpenOption.APPEND);
        other.append(record("try", 1));
        long before = Files.size(file);

        List<String> undone = store.restoreForeignWrites();
        store.append(record("run", 1));

        assertThat(undone).singleElement().asString().contains("1 record Helix did not write");
        assertThat(store.read().experiments()).extracting(e -> e.tag() + "#" + e.run())
                .containsExactly("run#0", "try#0", "try#1", "run#1");
        assertThat(store.read().warnings()).isEmpty();
        assertThat(Files.size(file)).isGreaterThan(before - LedgerCodec.encode(record("run", 7)).length());
    }

    @Test
    void aSealedLedgerThatOnlyAnotherHelixWroteToIsLeftAsItIs() throws Exception {
        store.append(record("run", 0));
        store.seal();
        new FileLedgerStore(file, ".helix/experiments.jsonl").append(record("try", 0));
        byte[] before = Files.readAllBytes(file);

        assertThat(store.restoreForeignWrites()).isEmpty();
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aSecondRecordOfTheSameRunAndAttemptIsReadOnce() throws Exception {
        store.append(record("nov23", 0));
        store.append(record("nov23", 1));
        store.append(record("nov23", 1)); // as a replayed append would

        Contents tag = new FileLedgerStore(file, "ledger").readTag("nov23");

        assertThat(tag.experiments()).extracting(Experiment::run).containsExactly(0, 1);
        assertThat(tag.warnings()).containsExactly("line 3 of ledger repeats run 1 of session nov23; only the first is read");
    }

    @Test
    void aLedgerWrittenBeforeRecordsWereSignedIsStillRead() throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, LedgerCodec.encode(record("old", 0)) + "\n" + LedgerCodec.encode(record("old", 1)) + "\n");
        store.append(record("old", 2));

        Contents tag = store.readTag("old");

        assertThat(tag.experiments()).extracting(Experiment::run).containsExactly(0, 1, 2);
        assertThat(tag.warnings()).isEmpty();
    }

    private void appendAll(CountDownLatch go, String tag, int count) {
        try {
            go.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        FileLedgerStore own = new FileLedgerStore(file);
        for (int i = 0; i < count; i++) {
            own.append(record(tag, i));
        }
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }
}

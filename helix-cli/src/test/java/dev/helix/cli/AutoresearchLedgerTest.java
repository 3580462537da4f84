package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.store.FileLedgerStore;
import dev.helix.app.record.AutoresearchLedger;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.LedgerStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project of the Rust autoresearch CLI with the ledger its {@code autoresearch record} wrote
 * (.autoresearch/experiments.jsonl, lines as that command writes them): Helix continues its history
 * on real git and never changes the file.
 */
class AutoresearchLedgerTest {
    @TempDir
    Path tmp;

    /** The project, with commits for its runs on branch autoresearch; returns the runs' commits. */
    private List<String> project(TestRepo repo) {
        repo.write("autoresearch.toml", """
                target_file = "train.py"
                eval_command = "sh eval.sh"
                metric_name = "val_bpb"
                metric_direction = "lower"
                time_budget = "30s"
                branch = "autoresearch"
                """);
        repo.write("train.py", "LR = 50\n");
        repo.write("eval.sh", "echo \"val_bpb 1.0$(sed -n 's/^LR = //p' train.py)\"\n");
        repo.write("program.md", "Lower val_bpb.\n");
        repo.commitAll("a project of the autoresearch CLI");
        repo.git("switch", "-q", "-c", "autoresearch");
        List<String> commits = new ArrayList<>(List.of(repo.git("rev-parse", "HEAD")));
        for (String lr : List.of("42", "55", "31")) {
            repo.write("train.py", "LR = " + lr + "\n");
            repo.commitAll("LR " + lr);
            commits.add(repo.git("rev-parse", "HEAD"));
        }
        return commits;
    }

    /** One line as `autoresearch record` writes it (serde_json, keys in its order), with an extra field of a later version. */
    private static String line(int run, String hash, double metric, Double delta, String status, String summary) {
        return "{\"run\":%d,\"hash\":\"%s\",\"short_hash\":\"%s\",\"metric\":%s,\"delta\":%s,\"status\":\"%s\",\"summary\":\"%s\",\"timestamp\":\"2026-03-1%dT0%d:15:42.123456+00:00\",\"agent\":\"claude-code\"}"
                .formatted(run, hash, hash.substring(0, 7), metric, delta == null ? "null" : delta.toString(), status, summary, run, run);
    }

    @Test
    void itsHistoryContinuesInLogStatusAndTheNextRecordAndTheFileStaysAsItWas() throws IOException {
        TestRepo repo = new TestRepo(tmp.resolve("gpt"));
        List<String> c = project(repo);
        String ledger = String.join("\n",
                line(0, c.get(0), 1.05, null, "baseline", "baseline"),
                line(1, c.get(1), 1.042, -0.008, "kept", "LR 42"),
                line(2, c.get(2), 1.055, 0.013, "discarded", "LR 55 overshoots"),
                line(3, c.get(3), 1.031, -0.011, "kept", "LR 31")) + "\n";
        repo.write(".autoresearch/experiments.jsonl", ledger);
        Path file = repo.dir.resolve(".autoresearch/experiments.jsonl");
        byte[] before = Files.readAllBytes(file);

        TestRepo.Run log = repo.helix("log", "-n", "30");
        assertThat(log.code()).as(log.toString()).isZero();
        JsonNode rows = log.json().get("data");
        assertThat(rows).hasSize(4);
        assertThat(rows).extracting(r -> r.get("run").asInt()).containsExactly(0, 1, 2, 3);
        assertThat(rows).extracting(r -> r.get("status").asText()).containsExactly("baseline", "keep", "discard", "keep");
        assertThat(rows).extracting(r -> r.get("tag").asText()).containsOnly("autoresearch");
        assertThat(rows.get(2).get("description").asText()).isEqualTo("LR 55 overshoots");
        assertThat(rows.get(3).get("commit").asText()).isEqualTo(c.get(3));
        assertThat(rows.get(3).get("metrics").get("val_bpb").asDouble()).isCloseTo(1.031, within(1e-12));
        assertThat(rows.get(3).get("started_at").asText()).startsWith("2026-03-13T03:15:42");

        TestRepo.Run status = repo.helix("status");
        assertThat(status.code()).as(status.toString()).isZero();
        assertThat(status.json().get("data").toString()).contains("1.031").contains("1.05");

        TestRepo.Run worse = repo.helix("record", "--metric", "1.04", "--status", "kept", "--summary", "LR 40");
        assertThat(worse.code()).as("the best to beat is the earlier run 3, 1.031: " + worse).isEqualTo(2);
        assertThat(worse.err() + worse.out()).contains("not_an_improvement");

        TestRepo.Run keep = repo.helix("record", "--metric", "1.02", "--status", "kept", "--summary", "LR 29");
        assertThat(keep.code()).as(keep.toString()).isZero();
        JsonNode kept = keep.json().get("data");
        assertThat(kept.toString()).contains("\"run\":4").contains("\"status\":\"keep\"");
        assertThat(repo.ledger()).hasSize(5);
        assertThat(repo.ledger().get(4).get("delta").asDouble()).isCloseTo(1.02 - 1.031, within(1e-12));

        assertThat(repo.helix("log", "-n", "30").json().get("data")).as("read once, never twice").hasSize(5);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(repo.git("status", "--porcelain", "--untracked-files=all")).doesNotContain(".helix");
    }

    @Test
    void aSessionHelixRunsAfterwardsIsToldTheImportedBaselineAndBestToBeat() {
        TestRepo repo = new TestRepo(tmp.resolve("gpt"));
        List<String> c = project(repo);
        repo.write(".autoresearch/experiments.jsonl", String.join("\n",
                line(0, c.get(0), 1.05, null, "baseline", "baseline"),
                line(1, c.get(1), 1.042, -0.008, "kept", "LR 42"),
                line(2, c.get(2), 1.055, 0.013, "discarded", "LR 55 overshoots"),
                line(3, c.get(3), 1.031, -0.011, "kept", "LR 31")) + "\n");

        TestRepo.Run run = repo.helix("--text", "run", "--tune", "LR=20..60", "--max-experiments", "1");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out() + run.err()).contains("earlier sessions (.autoresearch/experiments.jsonl): "
                + "val_bpb: baseline 1.05, best 1.031 to beat (LR 31), from 4 earlier experiments");
        assertThat(repo.ledger()).extracting(r -> r.get("tag").asText()).containsSubsequence("autoresearch", "autoresearch-2");
    }

    @Test
    void missingAndExtraFieldsAreToleratedAndAHelixSessionOfTheSameNameIsLeftAlone() throws IOException {
        TestRepo repo = new TestRepo(tmp.resolve("gpt"));
        project(repo);
        repo.git("branch", "helix/autoresearch"); // a session of that name exists: the history gets a name of its own
        repo.write(".autoresearch/experiments.jsonl", """
                {"metric": 1.05, "status": "baseline", "hash": "0123456789abcdef0123456789abcdef01234567"}

                {"run": 7, "metric": 1.01, "status": "keep", "notes": {"lr": 0.1}, "hash": null}
                {"run": 3, "metric": "1.2", "status": "discard", "summary": "renumbered", "timestamp": "yesterday"}
                {"run": 9, "metric": null, "status": "discarded", "summary": "NaN loss"}
                {"run": 10, "metric": 1.0, "status": "mystery"}
                """);
        TestRepo.Run log = repo.helix("log", "-n", "30");
        assertThat(log.code()).as(log.toString()).isZero();
        JsonNode rows = log.json().get("data");
        assertThat(rows).extracting(r -> r.get("run").asInt()).containsExactly(0, 7, 8, 9, 10);
        assertThat(rows).extracting(r -> r.get("status").asText()).containsExactly("baseline", "keep", "discard", "crash", "discard");
        assertThat(rows.get(3).get("reason").asText()).contains("line 5").contains("no metric");
        assertThat(rows.get(4).get("reason").asText()).contains("status 'mystery' taken as a discard");
        assertThat(rows.get(2).get("metrics").get("val_bpb").asDouble()).isEqualTo(1.2);
        assertThat(rows).extracting(r -> r.get("tag").asText()).containsOnly("autoresearch-2");
        assertThat(rows.get(0).get("commit").asText()).isEmpty();
        assertThat(rows.get(0).get("reason").asText()).contains("its commit 0123456789abcdef0123456789abcdef01234567 is not in this repository");
        TestRepo.Run best = repo.helix("--text", "best");
        assertThat(best.code()).as("a commit the repository lacks leaves no diff, and no git error: " + best).isZero();
        assertThat(best.out()).contains("1.01");
        assertThat(repo.helix("--text", "show", "0").code()).isZero();
    }

    @Test
    void aMalformedLineStopsOnlyTheImportWithANoticeNamingFileAndLineUntilItIsFixed() throws IOException {
        TestRepo repo = new TestRepo(tmp.resolve("gpt"));
        List<String> c = project(repo);
        String good = line(0, c.get(0), 1.05, null, "baseline", "baseline") + "\n" + line(1, c.get(1), 1.042, -0.008, "kept", "LR 42") + "\n";
        String ledger = good + "{\"run\":2,\"metric\":1.0,\"status\":\"kept\",\"summary\":\"cut off\n";
        repo.write(".autoresearch/experiments.jsonl", ledger);

        TestRepo.Run log = repo.helix("--text", "log");
        assertThat(log.code()).as(log.toString()).isZero();
        assertThat(log.err()).contains(".autoresearch/experiments.jsonl line 3: not JSON").contains("fix or delete line 3");
        assertThat(repo.ledger()).isEmpty();
        assertThat(repo.read(".autoresearch/experiments.jsonl")).isEqualTo(ledger);
        TestRepo.Run doctor = repo.helix("--json", "doctor", "--quick");
        JsonNode tag = DoctorCommandTest.check(doctor.json().get("data"), "tag");
        assertThat(tag.get("status").asText()).as(tag.toString()).isEqualTo("warn");
        assertThat(tag.get("message").asText()).contains("line 3");
        TestRepo.Run record = repo.helix("record", "--metric", "1", "--status", "baseline", "-m", "baseline", "--tag", "mine");
        assertThat(record.code()).as(record.toString()).isZero(); // another session is not held up by it
        assertThat(repo.ledger()).hasSize(1);

        repo.write(".autoresearch/experiments.jsonl", good + line(2, c.get(2), 1.055, 0.013, "discarded", "LR 55") + "\n");
        assertThat(repo.helix("--text", "log").code()).isZero();
        assertThat(repo.ledger()).hasSize(4); // all three lines once fixed, in one import
    }

    @Test
    void aLastLineBeingWrittenLeavesTheWholeImportForALaterCommandWithoutAWord() throws IOException {
        TestRepo repo = new TestRepo(tmp.resolve("gpt"));
        List<String> c = project(repo);
        String good = line(0, c.get(0), 1.05, null, "baseline", "baseline") + "\n" + line(1, c.get(1), 1.042, -0.008, "kept", "LR 42") + "\n";
        String third = line(2, c.get(2), 1.055, 0.013, "discarded", "LR 55");
        repo.write(".autoresearch/experiments.jsonl", good + third.substring(0, 30)); // that CLI writing at this moment

        TestRepo.Run log = repo.helix("--text", "log");
        assertThat(log.code()).as(log.toString()).isZero();
        assertThat(log.err()).doesNotContain("experiments.jsonl");
        assertThat(repo.ledger()).isEmpty();

        repo.write(".autoresearch/experiments.jsonl", good + third + "\n");
        assertThat(repo.helix("--text", "log").code()).isZero();
        assertThat(repo.ledger()).hasSize(3);
    }

    private static String fourRuns(List<String> c) {
        return String.join("\n",
                line(0, c.get(0), 1.05, null, "baseline", "baseline"),
                line(1, c.get(1), 1.042, -0.008, "kept", "LR 42"),
                line(2, c.get(2), 1.055, 0.013, "discarded", "LR 55 overshoots"),
                line(3, c.get(3), 1.031, -0.011, "kept", "LR 31")) + "\n";
    }

    @Test
    void theUsersOwnTagWinsOverTheImportsNameAndATakenImportedTagSuggestsAFreeOne() {
        TestRepo repo = new TestRepo(tmp.resolve("gpt"));
        repo.write(".autoresearch/experiments.jsonl", fourRuns(project(repo)));

        TestRepo.Run run = repo.helix("--text", "run", "--tag", "autoresearch", "--tune", "LR=20..60", "--max-experiments", "1");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.git("rev-parse", "--verify", "-q", "refs/heads/helix/autoresearch")).isNotBlank();
        List<JsonNode> rows = repo.ledger();
        assertThat(rows.subList(0, 4)).as("the history took another name").extracting(r -> r.get("tag").asText()).containsOnly("autoresearch-2");
        assertThat(rows.subList(4, rows.size())).extracting(r -> r.get("tag").asText()).containsOnly("autoresearch");

        TestRepo.Run taken = repo.helix("--text", "run", "--tag", "autoresearch-2", "--tune", "LR=20..60", "--max-experiments", "1");
        assertThat(taken.code()).as(taken.toString()).isEqualTo(2);
        assertThat(taken.err()).contains("has no branch helix/autoresearch-2").contains("--tag autoresearch-2-2")
                .doesNotContain("git switch").doesNotContain("--resume");
    }

    @Test
    void anImportCutOffPartwayIsFinishedUnderTheSameNameAndNeverImportedTwice() {
        TestRepo repo = new TestRepo(tmp.resolve("gpt"));
        List<String> c = project(repo);
        repo.write(".autoresearch/experiments.jsonl", fourRuns(c));
        Path helixDir = repo.dir.resolve(".helix");
        FileLedgerStore file = new FileLedgerStore(helixDir.resolve("experiments.jsonl"));
        int[] appended = {0};
        LedgerStore dying = new LedgerStore() { // the process killed after its second record
            @Override
            public void append(Experiment e) {
                if (appended[0]++ == 2) throw new IllegalStateException("killed");
                file.append(e);
            }

            @Override
            public Contents read() {
                return file.read();
            }

            @Override
            public void publish(List<Experiment> records, Path directory, String primary, Optional<String> guard) {
                file.publish(records, directory, primary, guard);
            }
        };
        assertThatThrownBy(() -> AutoresearchLedger.importInto(repo.dir, helixDir, dying, "autoresearch", "val_bpb",
                h -> Optional.of(h))).hasMessage("killed");
        assertThat(repo.ledger()).hasSize(2);

        TestRepo.Run log = repo.helix("log", "-n", "30");
        assertThat(log.code()).as(log.toString()).isZero();
        JsonNode rows = log.json().get("data");
        assertThat(rows).extracting(r -> r.get("run").asInt()).containsExactly(0, 1, 2, 3);
        assertThat(rows).extracting(r -> r.get("tag").asText()).containsOnly("autoresearch");
        assertThat(repo.helix("log", "-n", "30").json().get("data")).hasSize(4);
        assertThat(helixDir.resolve("imported")).isDirectoryNotContaining("glob:**.partial");
    }

    @Test
    void watchShowsTheImportedHistoryAsTheFirstCommandAndDoctorNamesTheTagRunWillUse() {
        TestRepo repo = new TestRepo(tmp.resolve("gpt"));
        repo.write(".autoresearch/experiments.jsonl", fourRuns(project(repo)));

        TestRepo.Run watch = repo.helix("--text", "watch", "--once");
        assertThat(watch.code()).as(watch.toString()).isZero();
        assertThat(watch.out()).contains("autoresearch").contains("1.031");

        TestRepo.Run doctor = repo.helix("--text", "doctor", "--quick");
        assertThat(doctor.out()).as(doctor.toString()).contains("the spec's tag autoresearch is taken; 'helix run' will use autoresearch-2")
                .doesNotContain("today's tag");
        TestRepo.Run run = repo.helix("--text", "run", "--tune", "LR=20..60", "--max-experiments", "1");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.git("rev-parse", "--verify", "-q", "refs/heads/helix/autoresearch-2")).isNotBlank();
    }

    @Test
    void aLedgerSavedOnWindowsWithAByteOrderMarkAndCrlfLinesIsImportedWhole() throws IOException {
        TestRepo repo = new TestRepo(tmp.resolve("gpt"));
        List<String> c = project(repo);
        String ledger = "\uFEFF" + fourRuns(c).replace("LR 42", "LR → 42 ✓ 学习率").replace("\n", "\r\n");
        repo.write(".autoresearch/experiments.jsonl", ledger);

        TestRepo.Run log = repo.helix("--text", "log");

        assertThat(log.code()).as(log.toString()).isZero();
        assertThat(log.err()).doesNotContain("experiments.jsonl");
        List<JsonNode> rows = repo.ledger();
        assertThat(rows).extracting(r -> r.get("status").asText()).containsExactly("baseline", "keep", "discard", "keep");
        assertThat(rows.get(1).get("description").asText()).isEqualTo("LR → 42 ✓ 学习率");
        assertThat(repo.read(".autoresearch/experiments.jsonl")).isEqualTo(ledger);
    }

    @Test
    void aLastLineCutOffLongAgoIsReportedLikeABadLineInsteadOfWaitedForForever() throws IOException {
        TestRepo repo = new TestRepo(tmp.resolve("gpt"));
        List<String> c = project(repo);
        String good = line(0, c.get(0), 1.05, null, "baseline", "baseline") + "\n" + line(1, c.get(1), 1.042, -0.008, "kept", "LR 42") + "\n";
        String cut = good + line(2, c.get(2), 1.055, 0.013, "discarded", "LR 55").substring(0, 30); // that CLI killed mid-write
        repo.write(".autoresearch/experiments.jsonl", cut);
        Path file = repo.dir.resolve(".autoresearch/experiments.jsonl");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));

        TestRepo.Run log = repo.helix("--text", "log");

        assertThat(log.code()).as(log.toString()).isZero();
        assertThat(log.err()).contains(".autoresearch/experiments.jsonl line 3: cut off").contains("fix or delete line 3");
        assertThat(repo.ledger()).isEmpty();
        assertThat(repo.read(".autoresearch/experiments.jsonl")).isEqualTo(cut);
    }
}

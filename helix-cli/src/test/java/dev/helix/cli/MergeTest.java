package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code helix merge}: a session comes home as a real git merge, and never at the cost of the user's work. */
class MergeTest {
    @TempDir
    Path tmp;

    /** A quadratic project with one finished session r that kept at least one change. */
    private TestRepo session() {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        TestRepo.Run run = repo.helix("run", "--tag", "r", "--max-experiments", "3");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.git("diff", "--name-only", "main", "helix/r")).contains("params.txt");
        return repo;
    }

    @Test
    void aCommitMadeOnMainAfterTheSessionSurvivesAndASecondMergeChangesNothing() {
        TestRepo repo = session();
        repo.write("README.md", "a project\nwith a line written while the session ran\n");
        repo.commitAll("the user's own work");
        String mine = repo.git("rev-parse", "main");

        TestRepo.Run merged = repo.helix("merge", "--tag", "r");
        assertThat(merged.code()).as(merged.toString()).isZero();
        JsonNode data = merged.json().get("data");
        assertThat(data.get("status").asText()).isEqualTo("merged");
        assertThat(repo.git("rev-parse", "main^1")).as("the first parent is the user's commit").isEqualTo(mine);
        assertThat(repo.git("rev-parse", "main^2")).as("the second parent is the session").isEqualTo(repo.git("rev-parse", "helix/r"));
        assertThat(repo.read("README.md")).contains("written while the session ran");
        assertThat(repo.git("show", "main:params.txt")).isEqualTo(repo.git("show", "helix/r:params.txt"));
        long rows = repo.ledger().stream().filter(r -> r.get("tag").asText().equals("r")).count();
        assertThat(repo.read("experiments.jsonl").lines().count()).isEqualTo(rows);
        assertThat(repo.read("experiments.tsv")).startsWith("tag\trun\tcommit\tloss").hasLineCount((int) rows + 1);
        assertThat(repo.git("status", "--porcelain", "--untracked-files=no")).isEmpty();

        String head = repo.git("rev-parse", "HEAD");
        TestRepo.Run again = repo.helix("merge", "--tag", "r");
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(again.json().get("data").get("status").asText()).isEqualTo("already_merged");
        assertThat(repo.git("rev-parse", "HEAD")).as("no second commit").isEqualTo(head);
        assertThat(repo.helix("--text", "merge").out()).as("the latest session by default").contains("already merged");
    }

    @Test
    void aConflictStopsTheMergeWithNothingChanged() {
        TestRepo repo = session();
        repo.write("params.txt", "x = 0.5\nwidth = 9\n");
        repo.commitAll("the user tuned x by hand");
        repo.write("notes.txt", "my notes, never committed\n");
        Snapshot before = Snapshot.of(repo, "params.txt", "README.md", "helix.yaml", "notes.txt");

        TestRepo.Run merged = repo.helix("merge", "--tag", "r");
        assertThat(merged.code()).as("a conflict is a failure of the merge, not of the call: " + merged).isEqualTo(1);
        JsonNode error = merged.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("merge_conflict");
        assertThat(error.get("message").asText()).contains("params.txt").contains("nothing was changed");
        assertThat(error.get("suggestion").asText()).contains("git merge --no-ff helix/r");
        assertThat(Snapshot.of(repo, "params.txt", "README.md", "helix.yaml", "notes.txt")).isEqualTo(before);
        assertThat(Files.exists(repo.dir.resolve("experiments.tsv"))).isFalse();
        assertThat(Files.exists(repo.dir.resolve(".git/MERGE_HEAD"))).isFalse();
    }

    @Test
    void aDirtyTreeIsRefusedBeforeAnythingHappens() {
        TestRepo repo = session();
        repo.write("README.md", "an edit not committed yet\n");
        Snapshot before = Snapshot.of(repo, "README.md", "params.txt");

        TestRepo.Run merged = repo.helix("merge", "--tag", "r");
        assertThat(merged.code()).as(merged.toString()).isEqualTo(2);
        JsonNode error = merged.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("dirty_tree");
        assertThat(error.get("suggestion").asText()).contains("git stash");
        assertThat(Snapshot.of(repo, "README.md", "params.txt")).isEqualTo(before);
    }

    @Test
    void aUsersOwnExperimentsTsvIsNeverReplaced() {
        TestRepo repo = session();
        repo.write("experiments.tsv", "commit\tval_bpb\tmemory_gb\tstatus\tdescription\na1b2c3d\t0.997\t44.0\tkeep\tbaseline\n");
        repo.commitAll("results of an earlier tool");
        Snapshot before = Snapshot.of(repo, "experiments.tsv", "params.txt");

        TestRepo.Run merged = repo.helix("merge", "--tag", "r");
        assertThat(merged.code()).as(merged.toString()).isEqualTo(2);
        JsonNode error = merged.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("not_helix_ledger");
        assertThat(error.get("suggestion").asText()).contains("git mv experiments.tsv");
        assertThat(Snapshot.of(repo, "experiments.tsv", "params.txt")).isEqualTo(before);
    }

    @Test
    void aSecondSessionMergedLaterAddsItsRowsToTheFirstOnes() {
        TestRepo repo = session();
        assertThat(repo.helix("merge", "--tag", "r").code()).isZero();
        TestRepo.Run s = repo.helix("run", "--tag", "s", "--max-experiments", "2");
        assertThat(s.code()).as(s.toString()).isZero();

        TestRepo.Run merged = repo.helix("merge", "--tag", "s");
        assertThat(merged.code()).as(merged.toString()).isZero();
        List<String> tags = repo.read("experiments.jsonl").lines().map(l -> l.replaceAll(".*\"tag\":\"([^\"]*)\".*", "$1")).toList();
        assertThat(tags).as("r's rows first, then s's, each once").isEqualTo(repo.ledger().stream().map(r -> r.get("tag").asText()).toList());
        assertThat(repo.read("experiments.tsv").lines().count()).isEqualTo(tags.size() + 1);
    }

    @Test
    void aSessionOfHelixTryMergesWithItsRowsThoughItsBranchCarriesNoLedger() {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        repo.write("params.txt", "x = 2.0\nwidth = 3\n");
        TestRepo.Run tried = repo.helix("try", "--tag", "t", "-m", "move x towards 1.7");
        assertThat(tried.code()).as(tried.toString()).isZero();
        assertThat(tried.json().get("data").get("status").asText()).isEqualTo("keep");
        repo.git("switch", "-q", "main");

        TestRepo.Run merged = repo.helix("merge", "--tag", "t");
        assertThat(merged.code()).as(merged.toString()).isZero();
        assertThat(repo.read("params.txt")).isEqualTo("x = 2.0\nwidth = 3\n");
        assertThat(repo.read("experiments.jsonl").lines().count()).isEqualTo(repo.ledger().size()).isEqualTo(2);
        assertThat(repo.git("ls-files", "experiments.jsonl", "experiments.tsv")).isEqualTo("experiments.jsonl\nexperiments.tsv");
        assertThat(repo.git("status", "--porcelain")).isEmpty();
    }

    /** HEAD, git status and the bytes of some files: what must not change when a merge is refused. */
    private record Snapshot(String head, String status, Map<String, String> files) {
        static Snapshot of(TestRepo repo, String... paths) {
            Map<String, String> files = new LinkedHashMap<>();
            for (String p : paths) {
                try {
                    files.put(p, Arrays.toString(Files.readAllBytes(repo.dir.resolve(p))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new Snapshot(repo.git("rev-parse", "HEAD"), repo.git("status", "--porcelain", "--untracked-files=all"), files);
        }
    }
}

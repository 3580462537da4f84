package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.app.Workspace;
import dev.helix.app.run.EnvironmentCopy;
import dev.helix.core.experiment.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a session ran travels with its branch: environments.jsonl beside the ledger copy on
 * helix/TAG, carried into the user's branch by helix merge, and found in a clone of the branch;
 * doctor shows the record a session would make now and the isolation it would choose.
 */
class EnvironmentCopyTest {
    @TempDir
    Path tmp;

    private TestRepo session(String tag) {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "run:\n  fingerprint: [\"echo fingerprint-one\"]\n");
        TestRepo.Run run = repo.helix("run", "--tag", tag, "--max-experiments", "2");
        assertThat(run.code()).as(run.toString()).isZero();
        return repo;
    }

    @Test
    void theSessionBranchCarriesItsEnvironmentAndACloneFindsIt() {
        TestRepo repo = session("e");

        String carried = repo.git("show", "helix/e:environments.jsonl");
        assertThat(carried.lines().toList()).hasSize(1).allSatisfy(l -> assertThat(l).contains("\"tag\":\"e\"")
                .contains("\"echo fingerprint-one\":\"fingerprint-one"));
        assertThat(repo.git("log", "-1", "--format=%s", "helix/e")).startsWith("helix(e): ledger");
        assertThat(repo.git("show", "--name-only", "--format=", "helix/e").lines())
                .containsExactlyInAnyOrder("experiments.jsonl", "experiments.tsv", "environments.jsonl");

        Path clone = tmp.resolve("clone");
        repo.git("clone", "-q", repo.dir.toString(), clone.toString());
        assertThat(Files.exists(clone.resolve(".helix/environments.jsonl"))).isFalse();
        List<Environment> found = EnvironmentCopy.recorded(Workspace.open(clone, "test"), "e");
        assertThat(found).hasSize(1);
        assertThat(found.get(0).fingerprints()).containsEntry("echo fingerprint-one", "fingerprint-one");
    }

    @Test
    void mergeCarriesTheEnvironmentIntoTheUsersBranch_andABranchWithoutOneMergesAsBefore() throws Exception {
        TestRepo repo = session("e");
        TestRepo.Run merged = repo.helix("merge", "--tag", "e");
        assertThat(merged.code()).as(merged.toString()).isZero();
        assertThat(repo.read("environments.jsonl")).contains("\"tag\":\"e\"");
        assertThat(repo.git("status", "--porcelain", "--untracked-files=no")).isEmpty();
        JsonNode data = merged.json().get("data");
        assertThat(data.get("status").asText()).isEqualTo("merged");

        // A session of an older Helix: no record anywhere, and its branch carries none.
        Files.delete(repo.dir.resolve(".helix/environments.jsonl"));
        repo.git("rm", "-q", "environments.jsonl");
        repo.commitAll("forget where e ran");
        TestRepo.Run older = repo.helix("run", "--tag", "old", "--max-experiments", "1");
        assertThat(older.code()).as(older.toString()).isZero();
        String wt = tmp.resolve("old-wt").toString();
        repo.git("worktree", "add", "-q", "--detach", wt, "helix/old");
        repo.git("-C", wt, "rm", "-q", "environments.jsonl");
        repo.git("-C", wt, "commit", "-q", "--amend", "--no-edit");
        repo.git("update-ref", "refs/heads/helix/old", repo.git("-C", wt, "rev-parse", "HEAD"));
        repo.git("worktree", "remove", "--force", wt);
        Files.delete(repo.dir.resolve(".helix/environments.jsonl"));
        TestRepo.Run plain = repo.helix("merge", "--tag", "old");
        assertThat(plain.code()).as(plain.toString()).isZero();
        assertThat(Files.exists(repo.dir.resolve("environments.jsonl"))).isFalse();
    }

    @Test
    void aFileOfTheUsersOfThatNameStopsTheMerge() {
        TestRepo repo = session("e");
        repo.write("environments.jsonl", "my own notes\n");
        repo.commitAll("my notes");
        TestRepo.Run merged = repo.helix("merge", "--tag", "e");
        assertThat(merged.code()).as(merged.toString()).isEqualTo(2);
        assertThat(merged.out() + merged.err()).contains("environments.jsonl on ").contains("is not the one Helix writes");
        assertThat(repo.read("environments.jsonl")).isEqualTo("my own notes\n");
    }

    @Test
    void doctorShowsTheRecordASessionWouldMakeAndTheIsolationItWouldChoose() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "run:\n  fingerprint: [\"echo fingerprint-one\"]\n");
        JsonNode data = repo.helix("--json", "doctor").json().get("data");
        JsonNode environment = DoctorCommandTest.check(data, "environment");
        assertThat(environment.get("message").asText()).as(environment.toString()).startsWith("CPU: ")
                .contains("; system: ").contains("$ echo fingerprint-one: fingerprint-one");
        assertThat(DoctorCommandTest.check(repo.helix("--json", "doctor", "--quick").json().get("data"), "environment")
                .get("message").asText()).contains("run.fingerprint not run (--quick): echo fingerprint-one")
                .doesNotContain("$ echo");
        assertThat(DoctorCommandTest.check(data, "isolation").get("message").asText()).startsWith("auto, settled after the baseline");
    }
}

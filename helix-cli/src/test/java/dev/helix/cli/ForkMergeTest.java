package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parallel directions: fork a session's best, run each, rank them, bring the winner home. */
class ForkMergeTest {
    @TempDir
    Path tmp;

    @Test
    void forksStartFromTheBestAndTheWinnerIsMergedIntoTheUsersBranch() {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        assertThat(repo.helix("run", "--tag", "r", "--max-experiments", "2").code()).isZero();
        TestRepo.Run fork = repo.helix("fork", "a", "b");
        assertThat(fork.code()).as(fork.toString()).isZero();
        String best = repo.git("rev-parse", "helix/r^");
        assertThat(repo.git("rev-parse", "helix/r-a")).isEqualTo(best);
        assertThat(repo.helix("fork", "a").code()).as("an existing fork").isEqualTo(2);

        assertThat(repo.helix("run", "--tag", "r-a", "--max-experiments", "1").code()).isZero();
        TestRepo.Run b = repo.helix("run", "--tag", "r-b", "--max-experiments", "8");
        assertThat(b.code()).as(b.toString()).isZero();
        assertThat(repo.ledger().stream().filter(r -> r.get("tag").asText().equals("r-b")).findFirst().orElseThrow()
                .get("commit").asText()).as("a fork's baseline is the best it forked from").isEqualTo(best);

        // A session that only shares the prefix (as the default tags do: nov23, nov23-2) is not a fork of r.
        assertThat(repo.helix("run", "--tag", "r-2", "--max-experiments", "1").code()).isZero();
        TestRepo.Run ranking = repo.helix("merge-best", "--tag", "r");
        assertThat(ranking.code()).as(ranking.toString()).isZero();
        JsonNode data = ranking.json().get("data");
        assertThat(data.get("ranking")).hasSize(3);
        String winner = data.get("winner").asText();
        double winning = data.get("ranking").get(0).get("best").asDouble();
        for (JsonNode e : data.get("ranking")) assertThat(e.get("best").asDouble()).isGreaterThanOrEqualTo(winning);

        String before = repo.git("rev-parse", "main");
        TestRepo.Run applied = repo.helix("merge-best", "--tag", "r", "--apply");
        assertThat(applied.code()).as(applied.toString()).isZero();
        assertThat(repo.git("rev-parse", "main^")).isEqualTo(before);
        assertThat(repo.git("log", "-1", "--format=%s", "main")).startsWith("helix: merge the best of " + winner);
        assertThat(repo.read("experiments.tsv")).startsWith("tag\trun\tcommit\tloss").contains(winner + "\t");
        assertThat(repo.read("params.txt")).isEqualTo(repo.git("show", data.get("ranking").get(0).get("commit").asText() + ":params.txt") + "\n");
        assertThat(repo.git("status", "--porcelain", "--untracked-files=no")).isEmpty();
        assertThat(repo.git("rev-parse", "main^2")).as("a real merge of the winner's branch").isEqualTo(repo.git("rev-parse", "helix/" + winner));
        assertThat(repo.read("experiments.jsonl").lines().count()).as("the rows of the session and of every fork")
                .isEqualTo(repo.ledger().stream().filter(r -> !r.get("tag").asText().equals("r-2")).count());
        for (String tag : List.of("r", "r-a", "r-b")) assertThat(repo.read("experiments.tsv")).contains("\n" + tag + "\t");
        assertThat(repo.read("experiments.tsv")).doesNotContain("\nr-2\t");

        String merged = repo.git("rev-parse", "main");
        TestRepo.Run twice = repo.helix("merge-best", "--tag", "r", "--apply");
        assertThat(twice.code()).as(twice.toString()).isZero();
        assertThat(twice.json().get("data").get("merge").get("status").asText()).isEqualTo("already_merged");
        assertThat(repo.git("rev-parse", "main")).as("no duplicate commit").isEqualTo(merged);
    }
}

package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machine and the earlier sessions' results ("to beat"), as {@code helix run} and {@code helix
 * try} give them: read from the experiments.tsv committed on the branch a session starts from, on
 * real git, never from a copy in the working checkout.
 */
class EarlierSessionsTest {
    @TempDir
    Path tmp;

    private static final String COMMITTED = """
            commit\tloss\tstatus\tdescription
            a1b2c3d\t5.29\tkeep\tbaseline
            b2c3d4e\t0.25\tkeep\tx nearer the middle
            c3d4e5f\t9.0\tdiscard\tx far off
            """;

    @Test
    void runReadsTheCommittedResultsAndNotAnUncommittedCopy() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("p"), "");
        repo.write("experiments.tsv", COMMITTED);
        repo.commitAll("results of earlier sessions");
        repo.git("rm", "-q", "--cached", "experiments.tsv");
        repo.write(".gitignore", "experiments.tsv\n");
        repo.commitAll("experiments.tsv is no longer tracked");
        // On main now: no committed experiments.tsv, and an ignored copy in the checkout with other numbers.
        repo.write("experiments.tsv", COMMITTED.replace("0.25", "0.0001"));

        TestRepo.Run run = repo.helix("--text", "run", "--tag", "a", "--max-experiments", "1");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out() + run.err()).contains("hardware: ").doesNotContain("earlier sessions").doesNotContain("0.0001");

        repo.git("switch", "-q", "main");
        repo.write(".gitignore", "");
        repo.write("experiments.tsv", COMMITTED);
        repo.commitAll("results of earlier sessions, tracked again");
        repo.write("experiments.tsv", COMMITTED.replace("0.25", "0.0001") + "d4e5f6a\t0.0001\tkeep\tnot committed\n");
        repo.git("update-index", "--assume-unchanged", "experiments.tsv"); // the checkout's copy differs, unseen by git status
        TestRepo.Run second = repo.helix("--text", "run", "--tag", "b", "--max-experiments", "1");
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(second.out() + second.err())
                .contains("earlier sessions (experiments.tsv): loss: baseline 5.29, best 0.25 to beat (x nearer the middle)")
                .doesNotContain("0.0001");
    }

    @Test
    void theFirstTryGivesTheAgentTheMachineAndTheResultsToBeatAndLaterOnesDoNot() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("p"), "");
        repo.write("experiments.tsv", COMMITTED);
        repo.commitAll("results of earlier sessions");

        repo.write("params.txt", "x = 3.0\nwidth = 3\n");
        TestRepo.Run first = repo.helix("try", "-m", "x to 3.0");
        assertThat(first.code()).as(first.toString()).isZero();
        JsonNode data = first.json().get("data");
        assertThat(data.get("briefing").asText()).contains("## The machine").contains("cores")
                .contains("loss: baseline 5.29, best 0.25 to beat (x nearer the middle)");

        repo.write("params.txt", "x = 2.0\nwidth = 3\n");
        TestRepo.Run text = repo.helix("--text", "try", "-m", "x to 2.0");
        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.out()).doesNotContain("## The machine").doesNotContain("to beat");
        repo.write("params.txt", "x = 1.8\nwidth = 3\n");
        assertThat(repo.helix("try", "-m", "x to 1.8").json().get("data").has("briefing")).isFalse();
    }

    @Test
    void theFirstTryShownToAPersonStartsWithTheMachine() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("p"), "");
        repo.write("params.txt", "x = 3.0\nwidth = 3\n");
        TestRepo.Run first = repo.helix("--text", "try", "-m", "x to 3.0");
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.out()).startsWith("## The machine").contains("cores").doesNotContain("to beat");
    }
}

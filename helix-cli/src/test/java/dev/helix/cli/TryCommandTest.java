package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent that drives itself: a script edits the code and calls helix try, 20 times. */
class TryCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aScriptedAgentRunsTheLoopWithTwentyTries() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                case "$x" in *[!0-9.-]*) echo "error: x is not a number: $x" >&2; exit 2;; esac
                awk -v x="$x" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """);
        repo.commitAll("an evaluation that fails on bad input");
        Path verdicts = tmp.resolve("verdicts.jsonl");
        Path agent = tmp.resolve("agent.sh");
        // The agent's plan: 20 edits, most a step towards 1.7, some worse, one broken, one out of scope.
        Files.writeString(agent, """
                #!/bin/sh
                set -e
                cd "$1"
                for x in 3.5 3.0 3.9 2.6 bad 2.2 2.9 1.9 OUT 1.8 1.75 2.5 1.72 1.71 3.0 1.705 1.701 4.0 1.7 1.9; do
                  if [ "$x" = OUT ]; then
                    echo "more readme" >> README.md
                    msg="edit the readme"
                  else
                    sed -i "s/^x = .*/x = $x/" params.txt
                    msg="set x to $x"
                  fi
                  "$HELIX" --json try -m "$msg" --hypothesis "closer to the minimum" >> "$2"
                done
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        Path launcher = tmp.resolve("helix");
        Files.writeString(launcher, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' dev.helix.cli.Main \"$@\"\n");
        launcher.toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder("sh", agent.toString(), repo.dir.toString(), verdicts.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("agent.log").toFile());
        pb.environment().put("HELIX", launcher.toString());
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("agent.log"))).isZero();

        List<JsonNode> answers = new ArrayList<>();
        for (String line : Files.readAllLines(verdicts)) answers.add(Output.JSON.readTree(line));
        assertThat(answers).hasSize(20).allSatisfy(a -> assertThat(a.get("status").asText()).isEqualTo("success"));
        List<String> statuses = answers.stream().map(a -> a.get("data").get("status").asText()).toList();
        assertThat(statuses).startsWith("keep", "keep", "discard", "keep", "crash")
                .contains("rejected").doesNotContain("interrupted");
        JsonNode crash = answers.get(4).get("data");
        assertThat(crash.get("log_tail").asText()).contains("x is not a number: bad");
        assertThat(answers.get(8).get("data").get("reason").asText()).contains("README.md (not in scope.editable)");

        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("run").asInt()).containsExactly(
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20);
        String tag = answers.get(0).get("data").get("tag").asText();
        assertThat(repo.git("rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("helix/" + tag);
        JsonNode best = null;
        for (JsonNode r : ledger) if (r.get("status").asText().matches("baseline|keep")) best = r;
        assertThat(best.get("primary").asDouble()).isZero();
        assertThat(repo.git("rev-parse", "HEAD")).isEqualTo(best.get("commit").asText());
        assertThat(repo.read("params.txt")).startsWith("x = 1.7\n");
        assertThat(repo.read("README.md")).isEqualTo("a project\n");
        assertThat(repo.git("status", "--porcelain", "--untracked-files=no")).isEmpty();
    }

    @Test
    void aTryWithNoEditSinceTheLastIsAUsageErrorAndRecordsNothing() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("nochange"), "");
        repo.write("params.txt", "x = 3.0\nwidth = 3\n");
        TestRepo.Run first = repo.helix("try", "-m", "x=3");
        assertThat(first.code()).as(first.toString()).isZero();
        int records = repo.ledger().size();
        TestRepo.Run again = repo.helix("try", "-m", "x=3 again");
        assertThat(again.code()).as(again.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.json().at("/error/message").asText()).isEqualTo("no changes since the last try");
        assertThat(again.err()).contains("error: no changes since the last try");
        assertThat(repo.ledger()).hasSize(records);
        repo.write("params.txt", "x = 2.0\nwidth = 3\n");
        assertThat(repo.helix("try", "-m", "x=2").code()).isZero();
        assertThat(repo.ledger()).hasSize(records + 1);
    }
}

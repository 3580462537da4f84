package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code helix run} with an agent and the tuner in one session (agent.mix): a real agent program
 * (the command backend) changes the model's structure, the tuner sets x between its kept changes.
 * The loss is (x - 1.7)^2 + FLOOR, FLOOR being the agent's to change.
 */
class MixRunTest {
    @TempDir
    Path tmp;

    /** The agent: first lowers FLOOR (kept), then raises it (discarded), then lowers it again (kept). */
    private static final String AGENT = """
            #!/bin/sh
            state="$1"
            n=$(cat "$state/calls" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$state/calls"
            cat > "$state/request-$HELIX_EXPERIMENT.json"
            case "$n" in 1) floor=1 ;; 2) floor=5 ;; 3) floor=0.5 ;; *) floor=0.25 ;; esac
            printf 'FLOOR=%s\\n' "$floor" > model.sh
            echo "{\\"description\\": \\"floor $floor\\", \\"hypothesis\\": \\"a lower floor\\"}"
            """;

    private TestRepo repo(String mix) throws IOException {
        Path state = Files.createDirectories(tmp.resolve("agent-state"));
        Files.writeString(tmp.resolve("agent.sh"), AGENT);
        TestRepo repo = new TestRepo(tmp.resolve("repo"));
        repo.write("params.txt", "x = 4.0\n");
        repo.write("model.sh", "FLOOR=2\n");
        repo.write("evaluate.sh", """
                #!/bin/sh
                . ./model.sh
                x=$(sed -n 's/^x = //p' params.txt)
                awk -v x="$x" -v f="$FLOOR" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) + f }'
                """);
        repo.write("helix.yaml", """
                name: mixed
                domain: testing
                description: Lower a floor and find the x that minimizes a parabola above it.
                scope:
                  editable: [params.txt, model.sh]
                metrics:
                  primary: {name: loss, optimize: minimize}
                evaluate:
                  command: sh evaluate.sh
                  timeout_seconds: 20
                  repeats: 1
                judge: {mode: strict}
                agent:
                  backend: command
                  command: sh %s %s
                %s
                search:
                  seed: 7
                  parameters:
                    x: {file: params.txt, pattern: 'x = ([-0-9.eE+]+)', type: float, range: [0, 5]}
                """.formatted(tmp.resolve("agent.sh"), state, mix));
        repo.commitAll("the project");
        return repo;
    }

    @Test
    void afterEachKeptChangeOfTheAgentTheTunerTakesItsTurnsAndTheLedgerSaysWhoProposedWhat() throws IOException {
        TestRepo repo = repo("  mix: {tune: 2}");

        TestRepo.Run run = repo.helix("run", "--tag", "m", "--max-experiments", "7");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("run").asInt() + ":" + (r.get("agent").isObject() ? r.get("agent").get("backend").asText() : "-"))
                .containsExactly("0:-", "1:command", "2:tune", "3:tune", "4:command", "5:command", "6:tune", "7:tune");
        assertThat(ledger.get(1).get("status").asText()).isEqualTo("keep");
        assertThat(ledger.get(4).get("status").asText()).isEqualTo("discard");
        assertThat(ledger.get(5).get("status").asText()).isEqualTo("keep");
        // the baseline and every change of the agent record the knob's value they were measured at
        assertThat(ledger.get(0).get("parameters").get("x").asText()).isEqualTo("4.0");
        assertThat(ledger.get(1).get("parameters").get("x").asText()).isEqualTo("4.0");
        assertThat(ledger.get(2).get("parameters").get("x").asText()).isNotEqualTo("4.0");

        // the agent's second request shows it what the tuner found on its first change
        JsonNode asked = Output.JSON.readTree(tmp.resolve("agent-state/request-4.json").toFile());
        JsonNode tuner = asked.get("tuner");
        assertThat(tuner.get("results")).extracting(r -> r.get("run").asInt()).containsExactly(2, 3);
        assertThat(tuner.get("results").get(0).get("values").get("x").asText())
                .isEqualTo(ledger.get(2).get("parameters").get("x").asText());
        int bestRun = asked.get("best").get("run").asInt();
        assertThat(tuner.get("values").get("x").asText()).isEqualTo(ledger.get(bestRun).get("parameters").get("x").asText());
        assertThat(asked.get("history")).anySatisfy(r -> assertThat(r.get("proposer").asText()).isEqualTo("tune"));

        TestRepo.Run log = repo.helix("--text", "log", "--tag", "m");
        assertThat(log.out()).contains("floor 1  ").contains("[by command]").contains("[by tune]");
        TestRepo.Run status = repo.helix("--text", "status", "--tag", "m");
        assertThat(status.out()).contains("Proposers: command 3 experiments (2 kept), tune 4 (");
    }

    @Test
    void aMixWithoutParametersIsAUsageErrorThatSaysHowToFixIt() throws IOException {
        TestRepo repo = repo("  mix: {tune: 2}");
        String spec = repo.read("helix.yaml");
        repo.write("helix.yaml", spec.substring(0, spec.indexOf("search:")));
        repo.commitAll("no knobs");

        TestRepo.Run run = repo.helix("run", "--tag", "m", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.out() + run.err()).contains("agent.mix").contains("search.parameters declares nothing to tune")
                .contains("search: {parameters:");
        assertThat(repo.ledger()).isEmpty();
    }
}

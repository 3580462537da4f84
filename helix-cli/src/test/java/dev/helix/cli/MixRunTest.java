package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.testing.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    private TestRepo commandAgent(String mix) throws IOException {
        Path state = Files.createDirectories(tmp.resolve("agent-state"));
        Files.writeString(tmp.resolve("agent.sh"), AGENT);
        return project("  backend: command\n  command: sh " + tmp.resolve("agent.sh") + " " + state + "\n" + mix);
    }

    /** The project, {@code agent} being the body of helix.yaml's agent section. */
    private TestRepo project(String agent) {
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
                %s
                search:
                  seed: 7
                  parameters:
                    x: {file: params.txt, pattern: 'x = ([-0-9.eE+]+)', type: float, range: [0, 5]}
                """.formatted(agent));
        repo.commitAll("the project");
        return repo;
    }

    @Test
    void afterEachKeptChangeOfTheAgentTheTunerTakesItsTurnsAndTheLedgerSaysWhoProposedWhat() throws IOException {
        TestRepo repo = commandAgent("  mix: {tune: 2}");

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
        assertThat(asked.get("history")).anySatisfy(r -> assertThat(r.path("proposer").asText()).isEqualTo("tune"));

        TestRepo.Run log = repo.helix("--text", "log", "--tag", "m");
        assertThat(log.out()).contains("floor 1  ").contains("[by command]").contains("[by tune]");
        TestRepo.Run status = repo.helix("--text", "status", "--tag", "m");
        assertThat(status.out()).contains("Proposers: command 3 experiments (2 kept), tune 4 (");
        TestRepo.Run report = repo.helix("--text", "report", "--tag", "m");
        assertThat(report.out()).as(report.toString()).contains("| Proposers | command 3 experiments (2 kept), tune 4 (")
                .contains("floor 1 (by command)");
    }

    @Test
    void aModelBehindTheChatCompletionsApiIsShownWhatTheTunerFoundBetweenItsChanges() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(ex -> {
            String[] floors = requests.incrementAndGet() == 1 ? new String[] {"2", "1"} : new String[] {"1", "0.5"};
            HttpSessionTest.stream(ex, "Lower the floor to " + floors[1] + "\nHypothesis: a lower floor\n\nmodel.sh\n```\n"
                    + "<<<<<<< SEARCH\nFLOOR=" + floors[0] + "\n=======\nFLOOR=" + floors[1] + "\n>>>>>>> REPLACE\n```\n", 500, 30);
        })) {
            TestRepo repo = project("""
                      backend: openai
                      model: test-model
                      base_url: %s/v1
                      timeout_seconds: 30
                      mix: {tune: 2}
                    """.formatted(server.baseUrl()).stripTrailing());
            Path output = tmp.resolve("helix-output.log");
            ProcessBuilder pb = repo.helixProcess(output, "run", "--tag", "h", "--max-experiments", "5");
            pb.environment().put("OPENAI_API_KEY", HttpSessionTest.KEY);
            Process helix = pb.start();
            boolean ended = helix.waitFor(90, TimeUnit.SECONDS);
            if (!ended) helix.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            String out = Files.readString(output);
            assertThat(ended).as(out).isTrue();
            assertThat(helix.exitValue()).as(out).isZero();

            List<JsonNode> ledger = repo.ledger();
            assertThat(ledger).as(out).extracting(r -> r.get("run").asInt() + ":" + r.get("status").asText() + ":"
                            + (r.get("agent").isObject() ? r.get("agent").get("backend").asText() : "-"))
                    .startsWith("0:baseline:-", "1:keep:openai").hasSize(6);
            assertThat(ledger).extracting(r -> r.get("agent").isObject() ? r.get("agent").get("backend").asText() : "-")
                    .containsExactly("-", "openai", "tune", "tune", "openai", "tune");
            assertThat(ledger.get(4).get("status").asText()).isEqualTo("keep");
            assertThat(repo.git("show", "helix/h:model.sh")).startsWith("FLOOR=0.5");

            assertThat(server.requests()).hasSize(2);
            assertThat(server.requests().get(0).body()).doesNotContain("The tuner's latest experiments");
            String second = Output.JSON.readTree(server.requests().get(1).body()).toString();
            assertThat(second).contains("## What the tuner found").contains("tries up to 2 settings of these values on it: x.")
                    .contains("The tuner's latest experiments on the code you kept last:\\n#2 ")
                    .contains("#3 ").contains("x=" + ledger.get(3).get("parameters").get("x").asText());
        }
    }

    @Test
    void aMixWithoutParametersIsAUsageErrorThatSaysHowToFixIt() throws IOException {
        TestRepo repo = commandAgent("  mix: {tune: 2}");
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

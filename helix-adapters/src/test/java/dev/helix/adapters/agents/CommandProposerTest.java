package dev.helix.adapters.agents;

import static dev.helix.adapters.agents.Fixtures.agent;
import static dev.helix.adapters.agents.Fixtures.record;
import static dev.helix.adapters.agents.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.Clock;
import dev.helix.core.port.Proposer.Proposal;
import dev.helix.core.port.Proposer.Request;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.Spec.SearchSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class CommandProposerTest {

    @TempDir
    Path dir;

    final CommandProposer proposer = new CommandProposer(Clock.SYSTEM, Duration.ofMillis(500));

    /**
     * A bound on durations that holds on any machine: a run that ends this far before what it
     * would otherwise wait for (a sleep of 300 s, an endless loop) was ended by the kill under
     * test, however busy the machine is.
     */
    static final double WELL_BEFORE = 30;

    /** An executable script in the worktree, run as the agent. */
    String agentScript(String body) throws Exception {
        Path script = dir.resolve("agent.sh");
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return "./agent.sh";
    }

    Request request(String command, int timeoutSeconds, List<Experiment> history) {
        Spec spec = spec(agent("command", command, timeoutSeconds), new SearchSpec(List.of(), 0, 0));
        Experiment baseline = record(0, Status.BASELINE, 1.5, "baseline");
        Experiment best = record(3, Status.KEEP, 1.25, "raise lr");
        return new Request(4, "nov23", spec, "# Goal\nLower val_loss.\n", dir, baseline, best, history,
                Optional.of("Traceback: boom"));
    }

    Proposal propose(String command, int timeoutSeconds) throws Exception {
        return proposer.propose(request(command, timeoutSeconds, List.of()));
    }

    static String reason(Proposal p) {
        assertThat(p).isInstanceOf(Proposal.Failure.class);
        return ((Proposal.Failure) p).reason();
    }

    @Test
    void anAgentThatEditsAFileAndRepliesMakesAChange() throws Exception {
        Files.writeString(dir.resolve("train.py"), "LR = 0.1\n");
        String cmd = agentScript("""
                cat > request.json
                printf '%s %s %s\\n' "$HELIX_EXPERIMENT" "$HELIX_TAG" "$HELIX_WORKTREE" > env.txt
                sed -i 's/0.1/0.05/' train.py
                echo '{"description": "halve lr", "hypothesis": "lr too high", "usage": {"tokens_in": 1200, "tokens_out": 340, "cost_usd": 0.012, "turns": 3, "model": "m1"}}'
                """);
        List<Experiment> history = new ArrayList<>();
        for (int i = 1; i <= 25; i++) history.add(record(i, Status.DISCARD, i == 7 ? null : 2.0, "idea " + i));

        Proposal p = proposer.propose(request(cmd, 10, history));

        assertThat(p).isInstanceOf(Proposal.Change.class);
        Proposal.Change c = (Proposal.Change) p;
        assertThat(c.description()).isEqualTo("halve lr");
        assertThat(c.hypothesis()).contains("lr too high");
        assertThat(c.usage().backend()).isEqualTo("command");
        assertThat(c.usage().model()).contains("m1");
        assertThat(c.usage().tokensIn()).contains(1200L);
        assertThat(c.usage().tokensOut()).contains(340L);
        assertThat(c.usage().costUsd()).contains(0.012);
        assertThat(c.usage().turns()).contains(3);
        assertThat(c.usage().seconds()).isPositive();
        assertThat(Files.readString(dir.resolve("train.py"))).isEqualTo("LR = 0.05\n");
        assertThat(Files.readString(dir.resolve("env.txt")).strip())
                .isEqualTo("4 nov23 " + dir.toAbsolutePath().normalize());

        JsonNode req = new ObjectMapper().readTree(dir.resolve("request.json").toFile());
        assertThat(req.get("experiment").asInt()).isEqualTo(4);
        assertThat(req.get("tag").asText()).isEqualTo("nov23");
        JsonNode spec = req.get("spec");
        assertThat(spec.get("name").asText()).isEqualTo("demo");
        assertThat(spec.get("metric").asText()).isEqualTo("val_loss");
        assertThat(spec.get("direction").asText()).isEqualTo("minimize");
        assertThat(spec.get("editable").toString()).isEqualTo("[\"train.py\"]");
        assertThat(spec.get("readonly").toString()).isEqualTo("[\"helix.yaml\",\"program.md\"]");
        assertThat(spec.get("evaluate_command").asText()).isEqualTo("python train.py");
        assertThat(spec.get("timeout_seconds").asInt()).isEqualTo(120);
        assertThat(spec.has("description")).isTrue();
        assertThat(req.get("program").asText()).startsWith("# Goal");
        assertThat(req.get("baseline").toString()).isEqualTo("{\"run\":0,\"primary\":1.5,\"commit\":\"c0\"}");
        assertThat(req.get("best").toString())
                .isEqualTo("{\"run\":3,\"primary\":1.25,\"commit\":\"c3\",\"description\":\"raise lr\"}");
        JsonNode rows = req.get("history");
        assertThat(rows).hasSize(20);
        assertThat(rows.get(0).get("run").asInt()).isEqualTo(6);
        assertThat(rows.get(19).toString()).isEqualTo(
                "{\"run\":25,\"status\":\"discard\",\"primary\":2.0,\"delta\":1.0,\"description\":\"idea 25\",\"reason\":\"reason 25\"}");
        assertThat(rows.get(1).get("primary").isNull()).isTrue();
        assertThat(req.get("crash_log_tail").asText()).isEqualTo("Traceback: boom");
    }

    @Test
    void aNonZeroExitFailsWithTheCodeAndTheLastLinesOfStderr() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 1; i <= 15; i++) body.append("echo 'err line ").append(i).append("' >&2\n");
        body.append("echo '{\"description\": \"x\"}'\nexit 4\n"); // 3 would say it is done
        String reason = reason(propose(agentScript(body.toString()), 10));
        assertThat(reason).contains("exited with code 4").contains("err line 15").contains("err line 6")
                .doesNotContain("err line 5\n");
    }

    @Test
    void garbageOnStdoutIsNoReply() throws Exception {
        String reason = reason(propose(agentScript("echo 'I changed things!'\necho '{not json'\necho 'oops' >&2\n"), 10));
        assertThat(reason).contains("no JSON reply").contains("I changed things!").contains("oops");
    }

    @Test
    void aReplyWithoutADescriptionIsMalformed() throws Exception {
        assertThat(reason(propose(agentScript("echo '{\"hypothesis\": \"h\"}'"), 10))).contains("no description");
        assertThat(reason(propose(agentScript("echo '{\"description\": \"   \"}'"), 10))).contains("no description");
        assertThat(reason(propose(agentScript("echo '{\"description\": 42}'"), 10))).contains("no description");
        assertThat(reason(propose(agentScript("echo '[\"description\"]'"), 10))).contains("no JSON reply");
    }

    @Test
    void chatterBeforeTheReplyIsIgnoredAndTheLastObjectWins() throws Exception {
        String cmd = agentScript("""
                echo 'Thinking about the learning rate...'
                echo '{"progress": 0.5}'
                echo '{"description": "first idea"}'
                echo 'done, replying now'
                printf '%s\\n' '  {"description": "try\\nwarmup", "usage": {"tokens_in": "many", "turns": 2.5}}  '
                echo
                """);
        Proposal.Change c = (Proposal.Change) propose(cmd, 10);
        assertThat(c.description()).isEqualTo("try warmup");
        assertThat(c.hypothesis()).isEmpty();
        assertThat(c.usage().tokensIn()).isEmpty();
        assertThat(c.usage().turns()).isEmpty();
    }

    @Test
    void aPrettyPrintedReplyAtTheEndIsAcceptedToo() throws Exception {
        String cmd = agentScript("printf 'working\\n{\\n  \"description\": \"pretty\"\\n}\\n'");
        assertThat(((Proposal.Change) propose(cmd, 10)).description()).isEqualTo("pretty");
    }

    @Test
    void anAgentPastItsTimeIsKilledWithEverythingItStarted() throws Exception {
        String cmd = agentScript("""
                sleep 300 &
                echo $! > child.pid
                echo 'still thinking' >&2
                wait
                """);
        // The timeout leaves a slow machine ample time to reach the wait.
        long t0 = System.nanoTime();
        String reason = reason(propose(cmd, 5));
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(reason).startsWith("agent command timed out after 5s").contains("still thinking");
        assertThat(seconds).isGreaterThanOrEqualTo(5).isLessThan(5 + WELL_BEFORE);
        long child = Long.parseLong(Files.readString(dir.resolve("child.pid")).strip());
        assertDies(child);
    }

    @Test
    void anAgentThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        String cmd = agentScript("trap '' TERM\nwhile :; do sleep 0.1; done\n");
        long t0 = System.nanoTime();
        assertThat(reason(propose(cmd, 1))).startsWith("agent command timed out after 1s");
        // The loop never ends by itself: only the SIGKILL after the timeout and the grace ends it.
        assertThat((System.nanoTime() - t0) / 1e9).isGreaterThanOrEqualTo(1 + 0.5).isLessThan(WELL_BEFORE);
    }

    @Test
    void anInterruptKillsTheAgentAndIsRethrown() throws Exception {
        String cmd = agentScript("echo $$ > agent.pid\nsleep 300\n");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                proposer.propose(request(cmd, 0, List.of()));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        Path pidFile = dir.resolve("agent.pid");
        // the whole line, newline included: a pid read while it is written would be cut short
        while (!Files.exists(pidFile) || !Files.readString(pidFile).endsWith("\n")) Thread.sleep(20);
        t.interrupt();
        t.join(Duration.ofSeconds(60));
        assertThat(t.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertDies(pid);
    }

    @Test
    void anAlreadyInterruptedThreadStartsNothing() throws Exception {
        String cmd = agentScript("touch ran\necho '{\"description\": \"x\"}'\n");
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> propose(cmd, 10)).isInstanceOf(InterruptedException.class);
        assertThat(dir.resolve("ran")).doesNotExist();
    }

    @Test
    void aLargeRequestToAnAgentThatNeverReadsItDoesNotHang() throws Exception {
        String cmd = agentScript("echo '{\"description\": \"did not read\"}'\n");
        Spec spec = spec(agent("command", cmd, 10), new SearchSpec(List.of(), 0, 0));
        Experiment base = record(0, Status.BASELINE, 1.0, "baseline");
        Request big = new Request(1, "t", spec, "x".repeat(1 << 20), dir, base, base, List.of(), Optional.empty());
        assertThat(((Proposal.Change) proposer.propose(big)).description()).isEqualTo("did not read");
    }

    @Test
    void aTorrentOfChatterBeforeTheReplyIsFine() throws Exception {
        String cmd = agentScript("""
                i=0; while [ $i -lt 3000 ]; do echo "step $i: considering a very long line of chatter to fill the pipe"; i=$((i+1)); done
                echo '{"description": "after chatter"}'
                """);
        assertThat(((Proposal.Change) propose(cmd, 20)).description()).isEqualTo("after chatter");
    }

    @Test
    void aCommandThatDoesNotExistFailsWithTheShellsWords() throws Exception {
        String reason = reason(propose("./no-such-agent", 10));
        assertThat(reason).contains("exited with code 127").contains("no-such-agent");
    }

    @Test
    void withoutACommandItExplainsWhatToSet() throws Exception {
        assertThat(reason(propose(null, 10))).contains("agent.command");
        assertThat(reason(propose("  ", 10))).contains("agent.command");
    }

    @Test
    void runsInTheWorktree() throws Exception {
        Files.writeString(dir.resolve("marker"), "here");
        String cmd = "test -f marker && echo '{\"description\": \"found marker\"}'";
        assertThat(((Proposal.Change) propose(cmd, 10)).description()).isEqualTo("found marker");
    }

    /**
     * Waits until {@code pid} is gone or a zombie (killed, and waiting for its new parent to reap
     * it, which some container inits do slowly); fails after 60 seconds, far more than dying
     * takes on a busy machine.
     */
    static void assertDies(long pid) throws Exception {
        Path stat = Path.of("/proc/" + pid + "/stat");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            String text;
            try {
                text = Files.readString(stat);
            } catch (java.io.IOException gone) {
                return;
            }
            if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) return;
            Thread.sleep(20);
        }
        throw new AssertionError("process " + pid + " is still running");
    }

    @Test
    void anAgentThatExitsWithCodeThreeIsDoneWithTheReasonItGaveOnStderr() throws Exception {
        String cmd = agentScript("echo 'every idea in ideas.txt was tried' >&2\nexit 3\n");

        Proposal p = propose(cmd, 30);

        assertThat(p).isEqualTo(new Proposal.Exhausted("agent command is done (exit code 3): every idea in ideas.txt was tried", p.usage()));
    }

    @Test
    void anAgentThatRepliesDoneIsDoneWithItsReason() throws Exception {
        String cmd = agentScript("echo '{\"done\": true, \"reason\": \"the search space is covered\"}'\n");

        Proposal p = propose(cmd, 30);

        assertThat(p).isInstanceOfSatisfying(Proposal.Exhausted.class,
                e -> assertThat(e.reason()).isEqualTo("agent command is done: the search space is covered"));
    }

    @Test
    void aFixUpRequestCarriesItsAttemptAndTheCrashInTheJsonAndTheEnvironment() throws Exception {
        String cmd = agentScript("""
                cat > request.json
                printf '%s %s %s\\n' "$HELIX_ATTEMPT" "$HELIX_CRASH_EXIT_CODE" "$HELIX_CRASH_TIMED_OUT" > env.txt
                echo '{"description": "guard the division"}'
                """);
        Experiment crashed = new Experiment(4, "nov23", 0, "p4", "c4", Status.CRASH, Map.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), "halve lr", Optional.empty(), "crashed: exit code 1", List.of(), Instant.EPOCH, Instant.EPOCH, 3,
                Optional.of(1), false, ".helix/runs/nov23/4.log", DiffStat.NONE, Optional.empty(), List.of(),
                Optional.of("ZeroDivisionError: division by zero"));
        Request first = request(cmd, 30, List.of());
        Request fixUp = new Request(first.experiment(), first.tag(), first.spec(), first.program(), first.worktree(), first.baseline(),
                first.best(), first.history(), crashed.logTail(), 1, Optional.empty(), 2, Optional.of(crashed));

        assertThat(proposer.propose(fixUp)).isInstanceOf(Proposal.Change.class);

        JsonNode req = new ObjectMapper().readTree(dir.resolve("request.json").toFile());
        assertThat(req.get("attempt").asInt()).isEqualTo(2);
        assertThat(req.get("crash").get("exit_code").asInt()).isEqualTo(1);
        assertThat(req.get("crash").get("timed_out").asBoolean()).isFalse();
        assertThat(req.get("crash").get("log_tail").asText()).isEqualTo("ZeroDivisionError: division by zero");
        assertThat(Files.readString(dir.resolve("env.txt"))).isEqualTo("2 1 false\n");
    }

    @Test
    void aNewExperimentsRequestHasAttemptZeroAndNoCrash() throws Exception {
        String cmd = agentScript("cat > request.json\necho '{\"description\": \"x\"}'\n");
        proposer.propose(Fixtures.request(spec(agent("command", cmd, 30), new SearchSpec(List.of(), 0, 0)), dir, 1, List.of()));
        JsonNode req = new ObjectMapper().readTree(dir.resolve("request.json").toFile());
        assertThat(req.get("attempt").asInt()).isZero();
        assertThat(req.get("crash").isNull()).isTrue();
    }

}

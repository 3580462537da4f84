package dev.helix.adapters.agents;

import static dev.helix.adapters.agents.Fixtures.request;
import static dev.helix.adapters.agents.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.adapters.agents.CliAgent.Reading;
import dev.helix.adapters.agents.CliAgent.Tally;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer.Proposal;
import dev.helix.core.secret.Secrets;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.Spec.AgentSpec;
import dev.helix.core.spec.Spec.SearchSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The run every CLI agent shares, with a shell script for the CLI and a descriptor made for the test. */
@Timeout(30)
class CliAgentProposerTest {
    static final String KEY = "k3y";

    @TempDir
    Path tmp;
    Path bin;
    Path worktree;
    Path logDir;

    @BeforeEach
    void setUp() throws IOException {
        bin = Files.createDirectories(tmp.resolve("bin"));
        worktree = Files.createDirectories(tmp.resolve("worktree"));
        logDir = tmp.resolve("runs");
    }

    @Test
    void theCliRunsInTheWorktreeWithThePromptOnStdinAndItsAnswerBecomesTheChange() throws Exception {
        cli("cat > prompt.txt; printf 'Set x to 2\\nHypothesis: smaller steps help\\n'; echo \"key=$THE_KEY\" >&2");

        Proposal proposal = propose(agent(CliAgent.Setup.NONE), env(), 7);

        assertThat(proposal).isInstanceOf(Proposal.Change.class);
        Proposal.Change change = (Proposal.Change) proposal;
        assertThat(change.description()).isEqualTo("Set x to 2");
        assertThat(change.hypothesis()).contains("smaller steps help");
        assertThat(change.usage().backend()).isEqualTo("fake");
        assertThat(change.usage().model()).as("the model the CLI reported, none being configured").contains("m-1");
        assertThat(change.usage().tokensIn()).contains(3L);
        assertThat(Files.readString(worktree.resolve("prompt.txt"))).contains("# Helix experiment 7 of session t");
        // the transcript appends, and the key is scrubbed however short it is
        propose(agent(CliAgent.Setup.NONE), env(), 7);
        String log = Files.readString(logDir.resolve("7.agent.log"));
        assertThat(log.split("=== run", -1)).hasSize(3);
        assertThat(log).contains("key=[REDACTED:THE_KEY]").doesNotContain("key=" + KEY);
    }

    @Test
    void anUnsetKeyIsAFailureBeforeAnythingRuns() throws Exception {
        cli("touch ran");

        Proposal proposal = propose(agent(CliAgent.Setup.NONE), Map.of("PATH", bin.toString()), 1);

        assertThat(proposal).isInstanceOf(Proposal.Failure.class);
        assertThat(((Proposal.Failure) proposal).reason()).isEqualTo("THE_KEY is unset");
        assertThat(worktree.resolve("ran")).doesNotExist();
        assertThat(logDir.resolve("1.agent.log")).doesNotExist();
    }

    @Test
    void aReadFailureKeepsTheTallyAndAnAnswerWithoutDescriptionIsAFailure() throws Exception {
        cli("exit 3");
        Proposal failed = propose(agent(CliAgent.Setup.NONE), env(), 1);
        assertThat(((Proposal.Failure) failed).reason()).isEqualTo("exit 3");
        assertThat(failed.usage().tokensIn()).contains(3L);

        cli("echo");
        Proposal undescribed = propose(agent(CliAgent.Setup.NONE), env(), 2);
        assertThat(((Proposal.Failure) undescribed).reason()).isEqualTo("no description in ''");
    }

    @Test
    void aTemporarySetupIsSeenByTheRunAndRemovedAfterIt() throws Exception {
        cli("cat > /dev/null; cat \"$RUN_HOME/settings\"");
        AtomicReference<Path> home = new AtomicReference<>();
        CliAgent.Setup setup = new CliAgent.Setup(run -> {
            home.set(Files.createTempDirectory(tmp, "home-"));
            Files.writeString(home.get().resolve("settings"), "From the settings\n");
            return Optional.of(home.get());
        }, (run, e) -> "no settings: " + e.getMessage(), true);

        Proposal proposal = propose(agent(setup), env(), 1);

        assertThat(proposal).isInstanceOf(Proposal.Change.class);
        assertThat(((Proposal.Change) proposal).description()).isEqualTo("From the settings");
        assertThat(home.get()).doesNotExist();
    }

    @Test
    void aSetupThatFailsIsAFailureWithItsReason() throws Exception {
        cli("touch ran");
        CliAgent.Setup setup = new CliAgent.Setup(run -> {
            throw new IOException("disk full");
        }, (run, e) -> "no settings: " + e.getMessage(), false);

        Proposal proposal = propose(agent(setup), env(), 1);

        assertThat(((Proposal.Failure) proposal).reason()).isEqualTo("no settings: disk full");
        assertThat(worktree.resolve("ran")).doesNotExist();
    }

    @Test
    void checkNamesTheMissingCliWithItsInstallCommandAndTheUnsetKey() throws Exception {
        Spec spec = spec(new AgentSpec("fake", Optional.empty(), 10, 2, Optional.empty(), 10), new SearchSpec(List.of(), 0, 0));
        CliAgentBackend backend = new CliAgentBackend(agent(CliAgent.Setup.NONE)) {};

        assertThat(backend.check(spec, Map.of("PATH", bin.toString()))).containsExactly(
                new AgentBackend.Unready("no fake-cli in " + bin, "install fake-cli"),
                new AgentBackend.Unready("THE_KEY is not set", "export THE_KEY=..."));
        cli("exit 0");
        assertThat(backend.check(spec, env())).isEmpty();
        assertThat(backend.name()).isEqualTo("fake");
    }

    // ---- fixtures ------------------------------------------------------------------------------

    private CliAgent agent(CliAgent.Setup setup) {
        Tally tally = new Tally(Optional.of("m-1"), Optional.of(3L), Optional.of(4L), Optional.empty(), Optional.of(1));
        return new CliAgent("fake",
                new CliAgent.Executable("fake-cli", "install fake-cli", env -> "no fake-cli in " + env.get("PATH"),
                        Optional.of("fake-cli is missing"), Optional.empty(), List.of()),
                new CliAgent.KeyVariable("THE_KEY", (spec, variable) -> new AgentBackend.Unready(variable + " is not set",
                        "export " + variable + "=..."), Optional.of(variable -> variable + " is unset"), true),
                spec -> List.of(),
                setup,
                new CliAgent.Launch(run -> List.of(run.executable().toString()), run -> {
                    Map<String, String> env = new HashMap<>(run.context().env());
                    run.home().ifPresent(h -> env.put("RUN_HOME", h.toString()));
                    return env;
                }, (cli, e) -> "cannot start " + cli, 1 << 20, Duration.ofSeconds(1)),
                new CliAgent.Output((result, run) -> result.exitCode() != 0
                        ? new Reading.Failed("exit " + result.exitCode(), tally)
                        : new Reading.Answer(result.stdout(), tally), text -> "no description in '" + text.strip() + "'"),
                new CliAgent.Transcript(a -> a.result().map(r -> "=== run\n" + r.stdout() + r.stderr()), true));
    }

    private Proposal propose(CliAgent agent, Map<String, String> env, int experiment) throws InterruptedException {
        Spec spec = spec(new AgentSpec("fake", Optional.empty(), 10, 2, Optional.empty(), 10), new SearchSpec(List.of(), 0, 0));
        AgentBackend.Context context = new AgentBackend.Context(spec, env, logDir, Secrets.of(env, List.of()));
        return new CliAgentProposer(agent, context).propose(request(spec, worktree, experiment, List.of()));
    }

    private Map<String, String> env() {
        return Map.of("PATH", bin + ":/usr/bin:/bin", "THE_KEY", KEY);
    }

    private void cli(String script) throws IOException {
        Path cli = bin.resolve("fake-cli");
        Files.writeString(cli, "#!/bin/sh\n" + script + "\n");
        assertThat(cli.toFile().setExecutable(true)).isTrue();
    }

    @Test
    void aFailureNamingTheApisStatusGetsItsKind() {
        assertThat(CliAgentProposer.fault("Claude Code failed: " + ClaudeStream.happened("success", 401) + ": invalid x-api-key", "claude"))
                .hasValueSatisfying(f -> {
                    assertThat(f.kind()).isEqualTo(dev.helix.core.port.Proposer.Fault.Kind.AUTH);
                    assertThat(f.fix()).contains("claude CLI");
                });
        assertThat(CliAgentProposer.fault("stream error: HTTP 503 Service Unavailable", "codex").map(f -> f.kind()))
                .contains(dev.helix.core.port.Proposer.Fault.Kind.SERVER);
        assertThat(CliAgentProposer.fault("API status 404: model not found", "claude").map(f -> f.kind()))
                .contains(dev.helix.core.port.Proposer.Fault.Kind.NOT_FOUND);
        assertThat(CliAgentProposer.fault("exit 3", "claude")).isEmpty();
        assertThat(CliAgentProposer.fault("wrote 200 lines", "claude")).isEmpty();
    }

}

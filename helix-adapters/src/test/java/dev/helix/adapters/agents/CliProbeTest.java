package dev.helix.adapters.agents;

import static dev.helix.adapters.agents.Fixtures.agent;
import static dev.helix.adapters.agents.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.adapters.agents.codex.CodexBackend;
import dev.helix.adapters.agents.gemini.GeminiBackend;
import dev.helix.adapters.agents.opencode.OpencodeBackend;
import dev.helix.adapters.testing.AgentClis;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.AgentBackend.Probe;
import dev.helix.core.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The doctor's probe of the real agent CLIs: found, version and key or login, each said apart, no session started. */
@Timeout(300)
class CliProbeTest {
    @TempDir
    Path tmp;

    @Test
    void claudeCodeIsFoundReportsItsVersionAndItsOwnAuthStatus() throws Exception {
        Path claude = AgentClis.require("claude");
        Spec spec = spec(agent("claude", null, 60), new Spec.SearchSpec(List.of(), 0, 0));

        List<Probe> withKey = new ClaudeBackend().probe(spec, env(claude, Map.of("ANTHROPIC_API_KEY", "sk-ant-test-0123")));

        assertThat(withKey).extracting(Probe::aspect).containsExactly("found", "version", "API key");
        assertThat(withKey).allSatisfy(p -> assertThat(p.ok()).as(p.toString()).contains(true));
        assertThat(withKey.get(0).detail()).endsWith("/claude");
        assertThat(withKey.get(1).detail()).contains("Claude Code").containsPattern("\\d+\\.\\d+\\.\\d+");
        assertThat(withKey.get(2).detail()).contains("claude auth status: logged in", "ANTHROPIC_API_KEY");

        List<Probe> noKey = new ClaudeBackend().probe(spec, env(claude, Map.of()));
        assertThat(noKey.get(1).ok()).contains(true);
        assertThat(noKey.get(2)).satisfies(p -> {
            assertThat(p.ok()).contains(false);
            assertThat(p.detail()).isEqualTo("ANTHROPIC_API_KEY is not set");
            assertThat(p.fix()).contains("export ANTHROPIC_API_KEY=");
        });
    }

    @Test
    void codexGeminiAndOpencodeReportTheirVersions() throws Exception {
        for (Map.Entry<String, AgentBackend> cli : Map.of("codex", (AgentBackend) new CodexBackend(), "gemini", new GeminiBackend(),
                "opencode", new OpencodeBackend()).entrySet()) {
            Path exe = AgentClis.require(cli.getKey());
            Spec spec = spec(agent(cli.getKey(), null, 60), new Spec.SearchSpec(List.of(), 0, 0));
            List<Probe> probes = cli.getValue().probe(spec, env(exe, Map.of("OPENAI_API_KEY", "k", "GEMINI_API_KEY", "k")));
            assertThat(probes).as(cli.getKey()).extracting(Probe::aspect).containsExactly("found", "version", "API key");
            assertThat(probes.get(1).ok()).as(probes.toString()).contains(true);
            assertThat(probes.get(1).detail()).as(cli.getKey()).containsPattern("\\d+\\.\\d+\\.\\d+").doesNotContain("\u001B");
        }
    }

    @Test
    void aMissingCliAndOneThatHangsOrFailsAreSaidApartFromTheKey() throws Exception {
        Spec spec = spec(agent("claude", null, 60), new Spec.SearchSpec(List.of(), 0, 0));
        Map<String, String> keyed = Map.of("PATH", tmp.resolve("none").toString(), "HOME", tmp.toString(), "ANTHROPIC_API_KEY", "k");
        List<Probe> missing = CliProbe.probe(ClaudeBackend.AGENT, spec, keyed, (e, env, t) -> Optional.empty(), Duration.ofSeconds(5));
        assertThat(missing).extracting(p -> p.aspect() + "=" + p.ok().map(String::valueOf).orElse("?"))
                .containsExactly("found=false", "version=?", "API key=true");
        assertThat(missing.get(0).fix()).isEqualTo(ClaudeBackend.INSTALL);

        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path hanging = bin.resolve("claude");
        Files.writeString(hanging, "#!/bin/sh\nsleep 600\n");
        assertThat(hanging.toFile().setExecutable(true)).isTrue();
        Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin", "HOME", tmp.toString(), "ANTHROPIC_API_KEY", "k");
        long started = System.nanoTime();
        List<Probe> hung = CliProbe.probe(ClaudeBackend.AGENT, spec, env, (e, en, t) -> Optional.empty(), Duration.ofSeconds(2));
        assertThat((System.nanoTime() - started) / 1e9).as("the probe waits its timeout, not the CLI").isLessThan(60);
        assertThat(hung.get(1).ok()).contains(false);
        assertThat(hung.get(1).detail()).contains("did not answer within 2 s");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(hanging.toString())))
                .as("the hanging CLI is gone").isEmpty();

        Files.writeString(hanging, "#!/bin/sh\necho 'cannot find module' >&2\nexit 3\n");
        List<Probe> failed = CliProbe.probe(ClaudeBackend.AGENT, spec, env, (e, en, t) -> Optional.empty(), Duration.ofSeconds(20));
        assertThat(failed.get(1).detail()).contains("exited with code 3", "cannot find module");
        assertThat(failed.get(1).fix()).contains(ClaudeBackend.INSTALL);
    }

    private Map<String, String> env(Path exe, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", exe.getParent() + ":" + System.getenv("PATH"));
        env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        env.putAll(extra);
        return env;
    }
}

package dev.helix.adapters.agents.codex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.helix.adapters.process.Bubblewrap;
import dev.helix.adapters.process.Sandbox;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.secret.Secrets;
import dev.helix.core.spec.Spec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Codex in Helix's sandbox, for a repository under the temporary directory: the temporary
 * directory Helix gives it beside its CODEX_HOME must be there, and writable, inside the sandbox.
 */
class CodexConfinedTest {
    @TempDir
    Path tmp;

    @Test
    void theTemporaryDirectoryGivenToCodexIsWritableInTheSandbox() throws Exception {
        Sandbox.Finding found = Sandbox.find(System.getenv());
        assumeThat(found.usable()).as(found.words()).isTrue();
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("train.py"), "LR = 0.01\n");
        git(repo, "init", "-q");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "init");
        Path worktree = repo.resolve(".helix/worktrees/t");
        git(repo, "worktree", "add", "-q", "--detach", worktree.toString());
        Path runs = Files.createDirectories(repo.resolve(".helix/runs/s"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        // a codex that needs its temporary directory, as the real one does for its helpers and patches
        Files.writeString(bin.resolve("codex"), "#!/bin/sh\ncat >/dev/null\nf=$(mktemp) && echo \"$f\" > tmp-ok\nexit 0\n");
        bin.resolve("codex").toFile().setExecutable(true);
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        env.put(CodexBackendTest.KEY_ENV, CodexBackendTest.KEY);
        Spec spec = CodexBackendTest.spec("http://127.0.0.1:9/v1", 60, List.of());
        Bubblewrap bwrap = new Bubblewrap(found.bwrap().orElseThrow(), repo, repo.resolve(".git"), repo.resolve(".helix"), List.of());
        Proposer proposer = new CodexBackend().create(new AgentBackend.Context(spec, env, runs,
                Secrets.of(env, List.of(CodexBackendTest.KEY_ENV)), bwrap));

        proposer.propose(CodexBackendTest.request(spec, worktree));

        assertThat(worktree.resolve("tmp-ok")).as("codex's mktemp in its own temporary directory").exists();
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }
}

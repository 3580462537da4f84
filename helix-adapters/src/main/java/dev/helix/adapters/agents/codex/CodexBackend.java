package dev.helix.adapters.agents.codex;

import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code codex}: OpenAI's Codex CLI ({@code npm install -g @openai/codex}) edits the worktree,
 * run as {@code codex exec --json} against the model provider of agent.base_url (default OpenAI),
 * with the key read by codex itself from the variable agent.api_key_env (default OPENAI_API_KEY).
 */
public final class CodexBackend implements AgentBackend {
    static final String NAME = "codex";
    static final String INSTALL = "npm install -g @openai/codex";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Unready> check(Spec spec, Map<String, String> env) {
        List<Unready> problems = new ArrayList<>();
        if (executable(env).isEmpty()) problems.add(new Unready("Codex CLI not found", INSTALL));
        String keyEnv = CodexConfig.keyEnv(spec.agent());
        String key = env.get(keyEnv);
        if (key == null || key.isBlank()) {
            problems.add(new Unready(keyEnv + " is not set (the codex backend's API key variable)",
                    "export " + keyEnv + "=<your key>, or name another variable with agent.api_key_env"));
        }
        return problems;
    }

    @Override
    public Proposer create(Context context) {
        return new CodexProposer(context);
    }

    /** {@code codex} on the PATH of {@code env}. */
    static Optional<Path> executable(Map<String, String> env) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            try {
                Path candidate = Path.of(dir, "codex");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
            } catch (InvalidPathException ignored) {
                // a PATH entry that is no path
            }
        }
        return Optional.empty();
    }
}

package dev.helix.adapters.agents.codex;

import dev.helix.adapters.agents.CliAgents;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
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
    /** {@code codex} where npm puts it. */
    static Optional<Path> executable(Map<String, String> env) {
        return CliAgents.executable("codex", env, List.of());
    }
}

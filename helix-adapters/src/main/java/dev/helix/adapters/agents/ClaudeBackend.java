package dev.helix.adapters.agents;

import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code claude}: Anthropic's Claude Code CLI ({@code npm install -g @anthropic-ai/claude-code}),
 * run non-interactively ({@code claude -p}) in the worktree, with the file tools only.
 */
public final class ClaudeBackend implements AgentBackend {
    static final String NAME = "claude";
    static final String DEFAULT_KEY_ENV = "ANTHROPIC_API_KEY";
    static final String INSTALL = "npm install -g @anthropic-ai/claude-code";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Unready> check(Spec spec, Map<String, String> env) {
        List<Unready> problems = new ArrayList<>();
        if (executable(env).isEmpty()) {
            problems.add(new Unready("Claude Code CLI not found", INSTALL));
        }
        String keyEnv = keyEnv(spec);
        String key = env.get(keyEnv);
        if (key == null || key.isBlank()) {
            problems.add(new Unready(keyEnv + " is not set (Claude Code needs an Anthropic API key)",
                    "export " + keyEnv + "=<your key>"
                            + (keyEnv.equals(DEFAULT_KEY_ENV) ? "" : " (agent.api_key_env names this variable)")));
        }
        return problems;
    }

    @Override
    public Proposer create(Context context) {
        return new ClaudeProposer(context);
    }

    /** The variable holding the key: agent.api_key_env, else ANTHROPIC_API_KEY. */
    static String keyEnv(Spec spec) {
        return CliAgents.keyEnv(spec, DEFAULT_KEY_ENV);
    }

    /**
     * The {@code claude} executable: on PATH, else where npm and Claude Code's own installer put it
     * (npm's global prefix, ~/.npm-global, ~/.local/bin, ~/.claude/local, /usr/local/bin).
     */
    /** The {@code claude} executable: where npm puts it, or Claude Code's own installer (~/.claude/local). */
    static Optional<Path> executable(Map<String, String> env) {
        String home = env.get("HOME");
        return CliAgents.executable("claude", env,
                home == null || home.isBlank() ? List.of() : List.of(Path.of(home, ".claude", "local")));
    }
}

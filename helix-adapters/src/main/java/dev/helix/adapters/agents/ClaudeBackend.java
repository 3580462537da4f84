package dev.helix.adapters.agents;

import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
        return spec.agent().apiKeyEnv().filter(n -> !n.isBlank()).orElse(DEFAULT_KEY_ENV);
    }

    /**
     * The {@code claude} executable: on PATH, else where npm and Claude Code's own installer put it
     * (npm's global prefix, ~/.npm-global, ~/.local/bin, ~/.claude/local, /usr/local/bin).
     */
    static Optional<Path> executable(Map<String, String> env) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank()) dirs.add(Path.of(dir));
        }
        for (String prefixVar : List.of("NPM_CONFIG_PREFIX", "npm_config_prefix")) {
            String prefix = env.get(prefixVar);
            if (prefix != null && !prefix.isBlank()) dirs.add(Path.of(prefix, "bin"));
        }
        String home = env.get("HOME");
        if (home != null && !home.isBlank()) {
            dirs.add(Path.of(home, ".npm-global", "bin"));
            dirs.add(Path.of(home, ".local", "bin"));
            dirs.add(Path.of(home, ".claude", "local"));
        }
        dirs.add(Path.of("/usr/local/bin"));
        for (Path dir : dirs) {
            Path candidate = dir.resolve("claude");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }
}

package dev.helix.adapters.agents.gemini;

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
 * {@code gemini}: Google's Gemini CLI ({@code @google/gemini-cli}), run headless in the worktree
 * with {@code gemini -p}, allowed to read and edit files only. See {@link GeminiProposer} for the
 * exact command line, settings and environment.
 */
public final class GeminiBackend implements AgentBackend {
    public static final String NAME = "gemini";
    static final String EXECUTABLE = "gemini";
    static final String INSTALL = "npm install -g @google/gemini-cli";
    static final String DEFAULT_KEY_ENV = "GEMINI_API_KEY";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Unready> check(Spec spec, Map<String, String> env) {
        List<Unready> problems = new ArrayList<>();
        if (executable(env).isEmpty()) {
            problems.add(new Unready("Gemini CLI not found ('" + EXECUTABLE + "' is not on PATH)", INSTALL));
        }
        String keyEnv = keyEnv(spec);
        String key = env.get(keyEnv);
        if (key == null || key.isBlank()) {
            problems.add(new Unready(keyEnv + " is not set (the Gemini API key)",
                    "export " + keyEnv + "=<your Gemini API key>; Helix passes it to the CLI as GEMINI_API_KEY"
                            + " and never stores it"));
        }
        return problems;
    }

    @Override
    public Proposer create(Context context) {
        return new GeminiProposer(context, executable(context.env()).orElse(Path.of(EXECUTABLE)));
    }

    /** The variable holding the key: {@code agent.api_key_env}, else GEMINI_API_KEY. */
    /** The variable holding the key: {@code agent.api_key_env}, else GEMINI_API_KEY. */
    static String keyEnv(Spec spec) {
        return CliAgents.keyEnv(spec, DEFAULT_KEY_ENV);
    }

    /** {@code gemini} on the PATH of {@code env}. */
    /** {@code gemini} where npm puts it. */
    static Optional<Path> executable(Map<String, String> env) {
        return CliAgents.executable(EXECUTABLE, env, List.of());
    }
}

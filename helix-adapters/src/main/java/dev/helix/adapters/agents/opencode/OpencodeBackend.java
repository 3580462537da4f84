package dev.helix.adapters.agents.opencode;

import dev.helix.adapters.agents.CliAgents;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code opencode}: the OpenCode CLI ({@code npm install -g opencode-ai}) run non-interactively
 * ({@code opencode run --format json}) in the worktree. With {@code agent.base_url} it talks to
 * any OpenAI-compatible server through a provider Helix declares in a per-session config; the key
 * comes from the variable {@code agent.api_key_env} (default OPENAI_API_KEY) and is never written.
 */
public final class OpencodeBackend implements AgentBackend {
    static final String NAME = "opencode";
    static final String DEFAULT_KEY_ENV = "OPENAI_API_KEY";
    /** An explicit path to the CLI; otherwise {@code opencode} is looked up on PATH. */
    static final String BIN_ENV = "HELIX_OPENCODE_BIN";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Unready> check(Spec spec, Map<String, String> env) {
        List<Unready> problems = new ArrayList<>();
        if (find(env).isEmpty()) {
            problems.add(new Unready("OpenCode CLI not found (no executable 'opencode' on PATH"
                    + (env.containsKey(BIN_ENV) ? " nor at " + BIN_ENV + "=" + env.get(BIN_ENV) : "") + ")",
                    "npm install -g opencode-ai"));
        }
        String keyEnv = keyEnv(spec);
        String key = env.get(keyEnv);
        if (key == null || key.isBlank()) {
            problems.add(new Unready("the API key variable " + keyEnv + " is not set",
                    "export " + keyEnv + "=<your key>" + (spec.agent().apiKeyEnv().isEmpty()
                            ? " (or name another variable with agent.api_key_env)" : "")));
        }
        if (spec.agent().baseUrl().isPresent() && spec.agent().model().filter(m -> !m.isBlank()).isEmpty()) {
            problems.add(new Unready(spec.source() + ": agent.model is required with agent.base_url",
                    "set agent.model to the model id the server at " + spec.agent().baseUrl().get() + " serves"));
        }
        return problems;
    }

    @Override
    public Proposer create(Context context) {
        return new OpencodeProposer(context, find(context.env()).orElse(Path.of("opencode")));
    }

    static String keyEnv(Spec spec) {
        return CliAgents.keyEnv(spec, DEFAULT_KEY_ENV);
    }

    /** The CLI: {@value #BIN_ENV} when set, else the first {@code opencode} on the environment's PATH. */
    static Optional<Path> find(Map<String, String> env) {
        String explicit = env.get(BIN_ENV);
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        return CliAgents.executable("opencode", env, List.of());
    }
}

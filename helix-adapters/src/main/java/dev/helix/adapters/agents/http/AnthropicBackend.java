package dev.helix.adapters.agents.http;

import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import java.util.List;
import java.util.Map;

/**
 * {@code anthropic}: Anthropic's Messages API. helix.yaml: agent.model (required), agent.base_url
 * (default https://api.anthropic.com), agent.api_key_env (default ANTHROPIC_API_KEY, always
 * required), agent.max_tokens, agent.timeout_seconds (the whole proposal), agent.extra_args: [no-stream].
 */
public final class AnthropicBackend implements AgentBackend {
    private final ChatClient.Retries retries;

    public AnthropicBackend() {
        this(ChatClient.Retries.DEFAULT);
    }

    AnthropicBackend(ChatClient.Retries retries) {
        this.retries = retries;
    }

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public List<Unready> check(Spec spec, Map<String, String> env) {
        return HttpBackends.check(new AnthropicDialect(), spec, env, false);
    }

    @Override
    public List<Probe> probe(Spec spec, Map<String, String> env) {
        try {
            return BackendProbe.probe(new AnthropicDialect(), spec, env);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    @Override
    public Proposer create(Context context) {
        return new HttpProposer(new AnthropicDialect(), context, retries);
    }
}

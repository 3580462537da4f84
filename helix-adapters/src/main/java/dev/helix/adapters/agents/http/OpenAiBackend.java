package dev.helix.adapters.agents.http;

import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import java.util.List;
import java.util.Map;

/**
 * {@code openai}: any OpenAI-compatible Chat Completions endpoint (OpenAI, OpenRouter, Ollama, vLLM,
 * llama.cpp's server). helix.yaml: agent.model (required), agent.base_url (default
 * https://api.openai.com/v1; Ollama: http://localhost:11434/v1), agent.api_key_env (default
 * OPENAI_API_KEY; a server on this machine may need no key), agent.max_tokens,
 * agent.timeout_seconds (the whole proposal), agent.extra_args: [no-stream].
 */
public final class OpenAiBackend implements AgentBackend {
    private final ChatClient.Retries retries;

    public OpenAiBackend() {
        this(ChatClient.Retries.DEFAULT);
    }

    OpenAiBackend(ChatClient.Retries retries) {
        this.retries = retries;
    }

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public List<Unready> check(Spec spec, Map<String, String> env) {
        return HttpBackends.check(new OpenAiDialect(), spec, env, true);
    }

    @Override
    public List<Probe> probe(Spec spec, Map<String, String> env) {
        try {
            return BackendProbe.probe(new OpenAiDialect(), spec, env);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    @Override
    public Proposer create(Context context) {
        return new HttpProposer(new OpenAiDialect(), context, retries);
    }
}

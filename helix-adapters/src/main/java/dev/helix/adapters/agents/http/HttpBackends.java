package dev.helix.adapters.agents.http;

import dev.helix.core.port.AgentBackend.Unready;
import dev.helix.core.spec.Spec;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What the two HTTP backends check the same way: the model, the base URL, the key variable. */
final class HttpBackends {
    private HttpBackends() {}

    static List<Unready> check(Dialect dialect, Spec spec, Map<String, String> env, boolean keyOptionalOnLoopback) {
        Spec.AgentSpec agent = spec.agent();
        List<Unready> problems = new ArrayList<>();
        String name = dialect.backend();
        if (agent.model().map(String::strip).filter(m -> !m.isEmpty()).isEmpty()) {
            problems.add(new Unready(spec.source() + ": agent.model is required for the " + name + " backend",
                    name.equals("openai")
                            ? "set agent.model, e.g. `model: gpt-4o-mini`, or for Ollama `model: qwen2.5-coder:7b` with `base_url: http://localhost:11434/v1`"
                            : "set agent.model, e.g. `model: claude-sonnet-4-5`"));
        }
        String baseUrl = agent.baseUrl().orElse(dialect.defaultBaseUrl());
        Optional<String> bad = malformed(baseUrl);
        if (bad.isPresent()) {
            problems.add(new Unready(spec.source() + ": agent.base_url '" + baseUrl + "' " + bad.get(),
                    name.equals("openai") ? "e.g. `base_url: https://api.openai.com/v1` or `http://localhost:11434/v1` (Ollama)"
                            : "e.g. `base_url: https://api.anthropic.com`"));
        }
        String keyEnv = keyEnv(dialect, agent);
        boolean keySet = key(dialect, agent, env).isPresent();
        boolean loopback = bad.isEmpty() && loopback(baseUrl);
        if (!keySet && !(keyOptionalOnLoopback && loopback)) {
            problems.add(new Unready("the environment variable " + keyEnv + " (the " + name + " API key) is not set",
                    "export " + keyEnv + "=<your key> in the shell that runs helix"
                            + (agent.apiKeyEnv().isEmpty() ? ", or name another variable with agent.api_key_env" : "")));
        }
        return problems;
    }

    static String keyEnv(Dialect dialect, Spec.AgentSpec agent) {
        return agent.apiKeyEnv().map(String::strip).filter(s -> !s.isEmpty()).orElse(dialect.defaultKeyEnv());
    }

    /** The key from the environment, never from a file; empty when unset or blank. */
    static Optional<String> key(Dialect dialect, Spec.AgentSpec agent, Map<String, String> env) {
        return Optional.ofNullable(env.get(keyEnv(dialect, agent))).map(String::strip).filter(k -> !k.isEmpty());
    }

    /** What is wrong with a base URL, if anything. */
    static Optional<String> malformed(String url) {
        try {
            URI uri = new URI(url.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) return Optional.of("is not an http:// or https:// URL");
            if (uri.getHost() == null || uri.getHost().isBlank()) return Optional.of("has no host");
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) return Optional.of("must not have a query or fragment");
            if (uri.getRawUserInfo() != null) return Optional.of("must not carry credentials (use agent.api_key_env)");
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of("is not a well-formed URL");
        }
    }

    /** Whether the URL's host is this machine (localhost, 127.0.0.0/8, ::1): a local server that may need no key. */
    static boolean loopback(String url) {
        try {
            String host = new URI(url.strip()).getHost();
            if (host == null) return false;
            host = host.replaceAll("^\\[|\\]$", "").toLowerCase(Locale.ROOT);
            if (host.equals("localhost") || host.endsWith(".localhost")) return true;
            if (!host.matches("[0-9.]+|[0-9a-f:]+")) return false; // never resolve names here
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }
}

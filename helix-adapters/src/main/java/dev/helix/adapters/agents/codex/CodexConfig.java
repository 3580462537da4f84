package dev.helix.adapters.agents.codex;

import dev.helix.core.spec.Spec;

/**
 * The config.toml Helix writes into the session's own CODEX_HOME, so that nothing of the user's
 * ~/.codex is read or changed: the model provider (agent.base_url, the NAME of the key variable,
 * never the key), no approval prompts, edits confined to the worktree, and every call-out that is
 * not the model switched off. Written for codex 0.169; every key below is accepted by
 * {@code codex exec --strict-config} of that version (CodexBackendTest checks it).
 */
final class CodexConfig {
    /** The provider id Helix registers; users can override its fields with -c model_providers.helix.*=… */
    static final String PROVIDER = "helix";
    static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    static final String DEFAULT_KEY_ENV = "OPENAI_API_KEY";

    private CodexConfig() {}

    static String baseUrl(Spec.AgentSpec agent) {
        String url = agent.baseUrl().map(String::strip).filter(s -> !s.isEmpty()).orElse(DEFAULT_BASE_URL);
        while (url.endsWith("/")) url = url.substring(0, url.length() - 1);
        return url;
    }

    static String keyEnv(Spec.AgentSpec agent) {
        return agent.apiKeyEnv().map(String::strip).filter(s -> !s.isEmpty()).orElse(DEFAULT_KEY_ENV);
    }

    static String toml(Spec.AgentSpec agent) {
        String keyEnv = keyEnv(agent);
        return """
                # Written by Helix for one session; rewritten before every experiment.
                model_provider = "%1$s"
                approval_policy = "never"
                sandbox_mode = "workspace-write"
                check_for_update_on_startup = false
                # a hosted tool: not every Responses server has it, and it would reach outside
                web_search = "disabled"

                [analytics]
                enabled = false

                [feedback]
                enabled = false

                [otel]
                exporter = "none"
                trace_exporter = "none"
                metrics_exporter = "none"
                log_user_prompt = false

                # The agent's shell commands must not see the key (nor, with the default excludes,
                # any *KEY*/*SECRET*/*TOKEN* variable).
                [shell_environment_policy]
                inherit = "all"
                ignore_default_excludes = false
                exclude = [%3$s]

                # Off: each of these fetches from github.com or chatgpt.com at startup (plugins runs
                # git ls-remote https://github.com/openai/plugins.git), or offers tools a research
                # loop does not need; unbounded_connection_retries would keep a dead server waiting.
                [features]
                plugins = false
                remote_plugin = false
                plugin_sharing = false
                apps = false
                tool_suggest = false
                skill_mcp_dependency_install = false
                image_generation = false
                computer_use = false
                browser_use = false
                in_app_browser = false
                daemon_auto_start = false
                unbounded_connection_retries = false
                multi_agent_v2 = false
                goals = false

                # Subagents off. Not [features].multi_agent: codex 0.169 logs that key as deprecated,
                # an error item in every transcript.
                [agents]
                enabled = false

                # codex 0.169 rejects wire_api "chat" ("is no longer supported"): the server must
                # speak the Responses API, POST <base_url>/responses with stream: true.
                [model_providers.%1$s]
                name = "Helix: agent.base_url"
                base_url = %2$s
                env_key = %3$s
                wire_api = "responses"
                request_max_retries = 1
                stream_max_retries = 1
                """.formatted(PROVIDER, string(baseUrl(agent)), string(keyEnv));
    }

    /** A TOML basic string. */
    static String string(String value) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}

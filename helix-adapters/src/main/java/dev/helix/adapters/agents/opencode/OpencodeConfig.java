package dev.helix.adapters.agents.opencode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The session's OpenCode configuration, written under {@code <logDir>/opencode/}: the provider for
 * agent.base_url (naming the key's variable, never the key), no autoupdate, share or snapshots, and
 * permissions that let the agent read and edit files but deny bash, web access, sub-agents and
 * files outside the worktree, so it cannot run the evaluation or git.
 */
final class OpencodeConfig {
    /** The provider id Helix declares for {@code agent.base_url}. */
    static final String PROVIDER = "helix";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpencodeConfig() {}

    /** The model as OpenCode names it: {@code helix/<model>} with a base URL, else agent.model as given. */
    static Optional<String> modelRef(Spec.AgentSpec agent) {
        Optional<String> model = agent.model().map(String::strip).filter(m -> !m.isEmpty());
        return agent.baseUrl().isPresent() ? model.map(m -> PROVIDER + "/" + m) : model;
    }

    static Path file(Path home) {
        return home.resolve("opencode.json");
    }

    /** Writes the session's config and seeds the global config dir so OpenCode installs nothing; returns {@code home}. */
    static Path prepare(Path home, Spec spec) throws IOException {
        Files.createDirectories(home);
        Path globalConfig = home.resolve("xdg-config").resolve("opencode");
        Files.createDirectories(globalConfig.resolve("node_modules"));
        // OpenCode runs `npm install @opencode-ai/plugin` in its config dirs unless the lock says it is there
        write(globalConfig.resolve("package.json"), "{\"dependencies\":{\"@opencode-ai/plugin\":\"*\"}}\n");
        write(globalConfig.resolve("package-lock.json"), "{\"packages\":{\"\":{\"dependencies\":{\"@opencode-ai/plugin\":\"*\"}}}}\n");
        write(globalConfig.resolve(".gitignore"), "node_modules\npackage.json\npackage-lock.json\nbun.lock\n.gitignore\n");
        for (String dir : List.of("home", "xdg-data", "xdg-cache", "xdg-state")) Files.createDirectories(home.resolve(dir));
        write(file(home), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config(spec)) + "\n");
        return home;
    }

    static ObjectNode config(Spec spec) {
        Spec.AgentSpec agent = spec.agent();
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://opencode.ai/config.json");
        root.put("autoupdate", false);
        root.put("share", "disabled");
        root.put("snapshot", false); // Helix owns the history of the worktree
        if (agent.baseUrl().isPresent() && agent.model().isPresent()) {
            String model = agent.model().get().strip();
            ObjectNode provider = root.putObject("provider").putObject(PROVIDER);
            provider.put("npm", "@ai-sdk/openai-compatible");
            provider.put("name", "Helix (" + agent.baseUrl().get() + ")");
            ObjectNode options = provider.putObject("options");
            options.put("baseURL", agent.baseUrl().get());
            // OpenCode substitutes the variable's value when it reads the file: the key is never written
            options.put("apiKey", "{env:" + OpencodeBackend.AGENT.key().variable(spec) + "}");
            ObjectNode m = provider.putObject("models").putObject(model);
            m.put("name", model);
            m.putObject("limit").put("context", 128_000).put("output", agent.maxTokens());
            root.put("model", PROVIDER + "/" + model);
            root.put("small_model", PROVIDER + "/" + model);
        } else {
            modelRef(agent).ifPresent(m -> root.put("model", m));
        }
        ObjectNode permission = root.putObject("permission");
        permission.put("edit", "allow");
        permission.put("read", "allow");
        for (String denied : List.of("bash", "webfetch", "websearch", "task", "external_directory", "question", "doom_loop")) {
            permission.put(denied, "deny");
        }
        root.putObject("agent").putObject("build").put("steps", Math.max(1, agent.maxTurns()));
        return root;
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}

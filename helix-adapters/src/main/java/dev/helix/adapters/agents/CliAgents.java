package dev.helix.adapters.agents;

import dev.helix.core.spec.Spec;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What every coding-agent CLI backend needs to know before it runs: where the CLI is, which variable holds the key. */
public final class CliAgents {
    private CliAgents() {}

    /**
     * The executable {@code name}: on the PATH of {@code env}, else where npm's global installs go
     * (the npm prefix, ~/.npm-global/bin, ~/.local/bin, /usr/local/bin), else in {@code moreDirs}.
     */
    public static Optional<Path> executable(String name, Map<String, String> env, List<Path> moreDirs) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (dir.isBlank()) continue;
            try {
                dirs.add(Path.of(dir));
            } catch (InvalidPathException ignored) {
                // a PATH entry that is no path
            }
        }
        for (String prefixVar : List.of("NPM_CONFIG_PREFIX", "npm_config_prefix")) {
            String prefix = env.get(prefixVar);
            if (prefix != null && !prefix.isBlank()) dirs.add(Path.of(prefix, "bin"));
        }
        String home = env.get("HOME");
        if (home != null && !home.isBlank()) {
            dirs.add(Path.of(home, ".npm-global", "bin"));
            dirs.add(Path.of(home, ".local", "bin"));
        }
        dirs.add(Path.of("/usr/local/bin"));
        dirs.addAll(moreDirs);
        for (Path dir : dirs) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate.toAbsolutePath());
        }
        return Optional.empty();
    }

    /** The variable holding the key: agent.api_key_env, else {@code defaultName}. */
    public static String keyEnv(Spec spec, String defaultName) {
        return spec.agent().apiKeyEnv().map(String::strip).filter(n -> !n.isEmpty()).orElse(defaultName);
    }

    /** Whether {@code variable} holds a non-blank value in {@code env}. */
    public static boolean isSet(Map<String, String> env, String variable) {
        String value = env.get(variable);
        return value != null && !value.isBlank();
    }
}

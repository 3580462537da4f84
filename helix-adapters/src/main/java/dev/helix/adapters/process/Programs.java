package dev.helix.adapters.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Whether the program a shell command line starts exists, before Helix runs it for hours. */
public final class Programs {
    /** Words that start a shell construct rather than name a program: not looked up. */
    private static final Set<String> SHELL_WORDS = Set.of("cd", "export", "source", ".", "exec", "env", "time",
            "nice", "nohup", "timeout", "if", "for", "while", "test", "[", "true", ":", "set", "ulimit", "command");

    private Programs() {}

    /** The program {@code command} starts (after VAR=value prefixes), or empty for a shell construct. */
    public static Optional<String> first(String command) {
        for (String word : command.strip().split("\\s+")) {
            if (word.contains("=") && !word.startsWith("-")) continue; // VAR=value prefix
            if (word.isEmpty() || SHELL_WORDS.contains(word) || word.startsWith("$") || word.startsWith("(")) return Optional.empty();
            return Optional.of(word);
        }
        return Optional.empty();
    }

    /** The program {@code command} starts when it is neither a file under {@code dir} nor on the PATH of {@code env}. */
    public static Optional<String> missing(String command, Path dir, Map<String, String> env) {
        return first(command).filter(program -> program.contains("/")
                ? !Files.exists(dir.resolve(program).normalize())
                : !onPath(program, env));
    }

    public static boolean onPath(String program, Map<String, String> env) {
        return locate(program, env).isPresent();
    }

    /** Where {@code program} is on the PATH of {@code env}: the first executable of that name. */
    public static Optional<Path> locate(String program, Map<String, String> env) {
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return Optional.of(Path.of(dir, program));
        }
        return Optional.empty();
    }
}

package dev.helix.adapters.agents.gemini;

import static dev.helix.adapters.agents.Excerpt.abbreviate;

import dev.helix.adapters.agents.AgentProcess;
import dev.helix.adapters.agents.CliAgent.Attempt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Gemini CLI run's transcript: the command, the prompt, why it did not run or what it printed,
 * and the CLI's own record of the conversation (tool calls included) from its temporary HOME.
 */
final class GeminiTranscript {
    private GeminiTranscript() {}

    static Optional<String> text(Attempt attempt) {
        StringBuilder log = new StringBuilder();
        String prompt = attempt.prompt();
        log.append("=== gemini, experiment ").append(attempt.run().request().experiment())
                .append(attempt.run().request().crashLogTail().isPresent() ? " (fixing a crash)" : "").append('\n');
        log.append("$ ").append(String.join(" ", attempt.argv().stream().map(GeminiTranscript::quoted).toList()))
                .append("  < prompt (").append(prompt.length()).append(" chars)\n");
        log.append("--- prompt\n").append(prompt).append(prompt.endsWith("\n") ? "" : "\n");
        attempt.failure().ifPresent(f -> log.append("--- failed to run\n").append(f).append('\n'));
        if (attempt.result().isPresent()) {
            AgentProcess.Result run = attempt.result().get();
            log.append("--- exit ").append(run.timedOut() ? "timed out" : Integer.toString(run.exitCode())).append('\n');
            log.append("--- stdout\n").append(run.stdout()).append(run.stdout().endsWith("\n") ? "" : "\n");
            log.append("--- stderr\n").append(run.stderr()).append(run.stderr().endsWith("\n") ? "" : "\n");
        }
        attempt.run().home().flatMap(GeminiTranscript::chatRecord).ifPresent(c -> log
                .append("--- conversation (the CLI's chat record)\n").append(c).append(c.endsWith("\n") ? "" : "\n"));
        return Optional.of(log.toString());
    }

    private static String quoted(String arg) {
        return arg.matches("[\\w./:=@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    /** The CLI's own record of the conversation, kept in the temporary HOME. */
    private static Optional<String> chatRecord(Path home) {
        Path tmp = home.resolve(".gemini").resolve("tmp");
        if (!Files.isDirectory(tmp)) return Optional.empty();
        try (Stream<Path> files = Files.walk(tmp, 4)) {
            List<Path> chats = files.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("chats"))
                    .filter(Files::isRegularFile).sorted().toList();
            StringBuilder text = new StringBuilder();
            for (Path chat : chats) {
                String content = Files.readString(chat);
                text.append(abbreviate(content, 2 << 20));
            }
            return text.isEmpty() ? Optional.empty() : Optional.of(text.toString());
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }
}

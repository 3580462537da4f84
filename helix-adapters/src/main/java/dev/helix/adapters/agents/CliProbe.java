package dev.helix.adapters.agents;

import dev.helix.core.port.AgentBackend.Probe;
import dev.helix.core.spec.Spec;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The doctor's look at a coding-agent CLI without starting a session or spending a token: whether it
 * is found, the version it reports ({@code --version}), and whether it has a key or login (the key
 * variable, and the CLI's own non-interactive status check where it has one), each said apart.
 */
final class CliProbe {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The CLI's own auth check: given the executable, the environment a run gets and the timeout, an "API key" probe. */
    @FunctionalInterface
    interface AuthCheck {
        Optional<Probe> check(Path executable, Map<String, String> env, Duration timeout);
    }

    /** What a command printed (stdout and stderr together) and its exit code; empty when it did not end in time. */
    record Answer(int exit, String output) {}

    private CliProbe() {}

    static List<Probe> probe(CliAgent agent, Spec spec, Map<String, String> env, AuthCheck own, Duration timeout) {
        Optional<Path> exe = agent.executable().find(env);
        String keyEnv = agent.key().variable(spec);
        Probe key = agent.key().isSet(spec, env) ? ok("API key", keyEnv + " is set")
                : new Probe("API key", Optional.of(false), keyEnv + " is not set", agent.key().unset().apply(spec, keyEnv).suggestion());
        if (exe.isEmpty()) {
            return List.of(new Probe("found", Optional.of(false), agent.executable().notFound().apply(env), agent.executable().install()),
                    unknown("version"), key);
        }
        Probe found = ok("found", exe.get().toString());
        Optional<Answer> version = run(List.of(exe.get().toString(), "--version"), env, timeout);
        Probe v = version.isEmpty()
                ? new Probe("version", Optional.of(false), exe.get().getFileName() + " --version did not answer within "
                        + timeout.toSeconds() + " s", "run it by hand to see what it waits for; reinstall: " + agent.executable().install())
                : version.get().exit() != 0
                ? new Probe("version", Optional.of(false), exe.get().getFileName() + " --version exited with code " + version.get().exit()
                        + tail(version.get().output()), "reinstall it: " + agent.executable().install())
                : ok("version", firstLine(version.get().output()));
        if (!agent.key().isSet(spec, env)) return List.of(found, v, key);
        Optional<Probe> status = v.ok().orElse(false) ? own.check(exe.get(), env, timeout) : Optional.empty();
        return List.of(found, v, status.orElse(key));
    }

    /** The command's answer when it ends within {@code timeout}; it runs in an empty directory of its own, stdin closed. */
    static Optional<Answer> run(List<String> command, Map<String, String> env, Duration timeout) {
        Path dir = null;
        Process p = null;
        try {
            dir = Files.createTempDirectory("helix-probe");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(env);
            p = pb.start();
            Process started = p;
            StringBuilder out = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out.append(new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the exit code decides
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return Optional.empty();
            reader.join(TimeUnit.SECONDS.toMillis(5));
            return Optional.of(new Answer(p.exitValue(), out.toString()));
        } catch (IOException e) {
            return Optional.of(new Answer(127, e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            if (dir != null) CliAgent.Setup.remove(dir);
        }
    }

    static Probe ok(String aspect, String detail) {
        return new Probe(aspect, Optional.of(true), detail, "");
    }

    static Probe unknown(String aspect) {
        return new Probe(aspect, Optional.empty(), "not checked", "");
    }

    /** The first line that says something: not a CLI's warning about its own setup. */
    static String firstLine(String output) {
        List<String> lines = new ArrayList<>(output.replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "").lines().map(String::strip)
                .filter(l -> !l.isEmpty()).toList());
        return lines.stream().filter(l -> !l.startsWith("WARNING")).findFirst().orElse(lines.isEmpty() ? "(no output)" : lines.get(0));
    }

    private static String tail(String output) {
        String s = output.strip();
        if (s.isEmpty()) return "";
        return ": " + (s.length() > 300 ? "..." + s.substring(s.length() - 300) : s);
    }
}

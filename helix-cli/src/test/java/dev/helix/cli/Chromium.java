package dev.helix.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real headless Chromium (Debian's {@code chromium}, which ./run-tests installs), sealed: a fresh
 * profile and HOME, no network services, bounded in time and killed with its children.
 */
final class Chromium {
    private final Path binary;
    private final Path home;

    private Chromium(Path binary, Path home) {
        this.binary = binary;
        this.home = home;
    }

    /** Chromium, or the test is skipped (failed when HELIX_REQUIRE_AGENT_CLIS=1) with how to install it. */
    static Chromium require(Path home) {
        Optional<Path> found = find();
        if (found.isEmpty()) {
            String message = "chromium is not installed: run ./run-tests, which installs it (apt-get install -y chromium)";
            if ("1".equals(System.getenv("HELIX_REQUIRE_AGENT_CLIS"))) throw new AssertionError(message);
            Assumptions.abort(message);
        }
        return new Chromium(found.get(), home);
    }

    /** The browser's executable. */
    Path binary() {
        return binary;
    }

    static Optional<Path> find() {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/bin/chromium")));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) candidates.add(Path.of(dir, "chromium"));
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** The DOM of the page after rendering, serialised. */
    String dumpDom(Path page) {
        return run(page, List.of("--dump-dom"));
    }

    /** A screenshot of the page as PNG at {@code png}. */
    void screenshot(Path page, Path png, int width, int height) {
        run(page, List.of("--screenshot=" + png, "--window-size=" + width + "," + height, "--hide-scrollbars"));
    }

    private String run(Path page, List<String> extra) {
        try {
            Path profile = Files.createTempDirectory(home, "chromium-profile");
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile));
            command.addAll(extra);
            command.add(page.toUri().toString());
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(home.resolve("chromium.err").toFile());
            pb.environment().put("HOME", home.toString());
            pb.environment().put("XDG_CONFIG_HOME", home.resolve(".config").toString());
            pb.environment().put("XDG_CACHE_HOME", home.resolve(".cache").toString());
            Process p = pb.start();
            p.getOutputStream().close();
            // Read stdout on another thread so a full pipe cannot stall Chromium before the timeout.
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("chromium did not finish within 60s: " + command);
            }
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            if (p.exitValue() != 0) {
                throw new AssertionError("chromium exited with " + p.exitValue() + ": " + Files.readString(home.resolve("chromium.err")));
            }
            return out.get(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.helix.adapters.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real git repositories in a temporary directory, isolated from the machine's configuration: no
 * global or system config (so no identity), and no repository discovery above the directory.
 */
final class GitFixture {

    final Path tmp;
    final Map<String, String> env;

    GitFixture(Path tmp) {
        this.tmp = tmp;
        try {
            Path home = Files.createDirectories(tmp.resolve("home"));
            Path global = Files.writeString(tmp.resolve("empty.gitconfig"), "");
            env = Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", home.resolve(".config").toString(),
                    "GIT_CONFIG_GLOBAL", global.toString(), "GIT_CONFIG_NOSYSTEM", "1",
                    "GIT_CEILING_DIRECTORIES", tmp.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    GitVcs vcs() {
        return new GitVcs(env);
    }

    /** A repository with one commit holding {@code files} (path, content, path, content, ...). */
    Path repo(String name, String... files) {
        Path repo = tmp.resolve(name);
        git(tmp, "init", "-q", repo.toString());
        for (int i = 0; i < files.length; i += 2) {
            write(repo, files[i], files[i + 1]);
        }
        git(repo, "add", "-A");
        commitAll(repo, "initial");
        return repo;
    }

    /** Commits with an identity given for this command only, so the repository stays identity-less. */
    void commitAll(Path repo, String message) {
        git(repo, "-c", "user.name=Fixture", "-c", "user.email=fixture@test", "commit", "-q", "--allow-empty",
                "-am", message);
    }

    void write(Path dir, String relative, String content) {
        try {
            Path file = dir.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(Path dir, String relative) {
        try {
            return Files.readString(dir.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs git and returns its output; fails the test on a non-zero exit. */
    String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

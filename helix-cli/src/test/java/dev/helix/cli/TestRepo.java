package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real git repository in a temporary directory, and Helix run in-process against it. */
final class TestRepo {
    final Path dir;

    TestRepo(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git("init", "-q", "-b", "main");
        git("config", "user.name", "Test");
        git("config", "user.email", "test@example.invalid");
        git("config", "commit.gpgsign", "false");
    }

    /**
     * A project whose evaluation reads x from params.txt and prints loss = (x - 1.7)^2: the tuner can
     * find improvements, and everything runs in milliseconds.
     */
    static TestRepo quadratic(Path dir, String extraSpec) {
        TestRepo repo = new TestRepo(dir);
        repo.write("params.txt", "x = 4.0\nwidth = 3\n");
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                awk -v x="$x" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """);
        repo.write("README.md", "a project\n");
        repo.write("helix.yaml", """
                name: quadratic
                domain: testing
                description: Find the x that minimizes a parabola.
                scope:
                  editable: [params.txt]
                metrics:
                  primary: {name: loss, optimize: minimize}
                evaluate:
                  command: sh evaluate.sh
                  timeout_seconds: 20
                agent:
                  backend: tune
                search:
                  seed: 7
                  parameters:
                    x: {file: params.txt, pattern: 'x = ([-0-9.eE+]+)', type: float, range: [0, 5]}
                """ + extraSpec);
        repo.commitAll("the project");
        return repo;
    }

    /**
     * The {@link #quadratic} project proposed to by an agent instead of the tuner: {@code agent} is
     * the body of helix.yaml's agent section (its lines indented by two spaces), e.g.
     * "  backend: claude\n  base_url: http://127.0.0.1:4000\n".
     */
    static TestRepo withAgent(Path dir, String agent) {
        TestRepo repo = quadratic(dir, "");
        String spec = repo.read("helix.yaml");
        repo.write("helix.yaml", spec.substring(0, spec.indexOf("agent:")) + "agent:\n" + agent);
        repo.write("program.md", "Move x towards the minimum.\n");
        repo.commitAll("an agent proposes");
        return repo;
    }

    /**
     * A project whose evaluate.sh ({@code evaluator}) prints "score: N", to maximize, from the files
     * it reads: {@code files} (name, content, name, content, ...) are scope.editable; {@code extraSpec}
     * is appended to helix.yaml. Committed as "the project".
     */
    static TestRepo scored(Path dir, String name, String evaluator, String extraSpec, String... files) {
        TestRepo repo = new TestRepo(dir);
        List<String> editable = new ArrayList<>();
        for (int i = 0; i < files.length; i += 2) {
            repo.write(files[i], files[i + 1]);
            editable.add(files[i]);
        }
        repo.write("evaluate.sh", evaluator);
        repo.write("helix.yaml", """
                name: %s
                domain: testing
                description: Make the score higher.
                scope:
                  editable: [%s]
                metrics:
                  primary: {name: score, optimize: maximize}
                evaluate:
                  command: sh evaluate.sh
                  timeout_seconds: 20
                """.formatted(name, String.join(", ", editable)) + extraSpec);
        repo.commitAll("the project");
        return repo;
    }

    /**
     * Held-out data outside any repository: {@code dir}/data/test.txt holding {@code value}; what a
     * hold-out's evaluate.holdout.from_dir names.
     */
    static Path heldoutData(Path dir, String value) {
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.writeString(dir.resolve("data/test.txt"), value + "\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds a hold-out to this {@link #quadratic} project and commits it: scope.hidden data/**,
     * holdout.sh as {@code script}, evaluate.holdout running it with {@code settings} (lines of the
     * holdout section, each indented by four spaces, e.g. "    from_dir: /x\n").
     */
    TestRepo withHoldout(String script, String settings) {
        write("holdout.sh", script);
        write("helix.yaml", read("helix.yaml")
                .replace("  editable: [params.txt]\n", "  editable: [params.txt]\n  hidden: [data/**]\n")
                .replace("  timeout_seconds: 20\n", "  timeout_seconds: 20\n  holdout:\n    command: sh holdout.sh\n" + settings));
        commitAll("a hold-out");
        return this;
    }

    void write(String path, String text) {
        try {
            Path file = dir.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(String path) {
        try {
            return Files.readString(dir.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void commitAll(String message) {
        git("add", "-A");
        git("commit", "-q", "-m", message);
    }

    String git(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as("%s\n%s", command, out).isZero();
            return out.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs helix in-process in this repository. */
    Run helix(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("-C", dir.toString()));
        all.addAll(List.of(args));
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * Helix in a JVM of its own (this test's class path), in this repository with text output
     * appended to {@code output}: for tests that need their own environment or a real process to kill.
     */
    ProcessBuilder helixProcess(Path output, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dhelix.state.home=" + System.getProperty("helix.state.home", ""), "dev.helix.cli.Main", "-C", dir.toString(), "--text"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    }

    /** The ledger's records as the commands show them: without the signature (prev, mac) each line ends with. */
    List<JsonNode> ledger() {
        Path file = dir.resolve(".helix/experiments.jsonl");
        if (!Files.exists(file)) return List.of();
        try {
            List<JsonNode> rows = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) continue;
                JsonNode row = Output.JSON.readTree(line);
                if (row instanceof com.fasterxml.jackson.databind.node.ObjectNode o) o.remove(List.of("prev", "mac"));
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Run(int code, String out, String err) {
        JsonNode json() {
            try {
                return Output.JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }
}

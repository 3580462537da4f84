package dev.helix.cli;

import dev.helix.app.run.RunSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix demo}: the built-in example in a new git repository, tuned offline. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = {
    "Tune the built-in example offline, end to end.",
    "%nCopies the example (a small neural network trained in plain Java) into a new git repository and "
        + "tunes it with the built-in tuner: the whole loop in about a minute, nothing to download."})
final class DemoCommand implements Callable<Integer> {
    private static final String EXAMPLE = "examples/mlp";

    @ParentCommand
    Main main;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to create the demo repository (must not exist or be empty; default: a new temporary directory).")
    Path dir;

    @Option(names = "--max-experiments", paramLabel = "N", defaultValue = "24", description = "Experiments after the baseline (default 24).")
    int maxExperiments;

    @Override
    public Integer call() throws IOException {
        Path target = dir == null ? Files.createTempDirectory("helix-demo-") : main.workingDirectory().resolve(dir).normalize();
        if (Files.exists(target)) {
            try (Stream<Path> entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw CommandException.usage("demo_dir_not_empty", "--dir " + target + " is not empty",
                            "name a new or empty directory; the demo creates a git repository there");
                }
            }
        }
        Files.createDirectories(target);
        copyExample(target);
        git(target, "init", "-q", "-b", "main");
        git(target, "add", "-A");
        git(target, "-c", "user.name=Helix demo", "-c", "user.email=demo@helix.invalid", "commit", "-q", "-m", "The example, untuned");
        Output out = main.output();
        out.progress().println("Demo repository: " + target + "  (a copy of " + EXAMPLE + ", committed)");
        out.progress().println("Tuning it with the built-in tuner, " + maxExperiments + " experiments after the baseline...");
        out.progress().flush();
        RunSession runner = new RunSession();
        RunSession.Prepared prepared = runner.prepare(target, new RunSession.Options(Optional.of("demo"),
                Optional.of("tune"), OptionalInt.of(maxExperiments), Optional.empty(), Optional.empty(), false));
        int code = RunCommand.execute(out, runner, prepared);
        out.text("Look around:  cd " + target + " && git log --oneline helix/demo && cat .helix/experiments.jsonl");
        return code;
    }

    /** Copies the example out of Helix's own jar (or classes directory). */
    private static void copyExample(Path target) throws IOException {
        URI uri;
        try {
            var url = DemoCommand.class.getClassLoader().getResource(EXAMPLE + "/helix.yaml");
            if (url == null) throw new IllegalStateException("the example is missing from Helix's jar: rebuild it");
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (uri.getScheme().equals("jar")) {
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                copyTree(jar.getPath("/" + EXAMPLE), target);
            }
        } else {
            copyTree(Path.of(uri).getParent(), target);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path dest = to.resolve(from.relativize(f).toString());
                Files.createDirectories(dest.getParent());
                try (InputStream in = Files.newInputStream(f)) {
                    Files.copy(in, dest);
                }
            }
        }
    }

    private static void git(Path dir, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw CommandException.runtime("git_failed", String.join(" ", command) + ": " + output, "is git installed?");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandException.runtime("interrupted", "interrupted", "");
        }
    }
}

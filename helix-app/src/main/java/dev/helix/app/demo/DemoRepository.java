package dev.helix.app.demo;

import dev.helix.app.AppException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The demo's repository: a copy of the built-in example (shipped inside Helix's jar) committed
 * untuned in a new git repository, ready for a session.
 */
public final class DemoRepository {
    /** Where the built-in example lives among Helix's resources. */
    public static final String EXAMPLE = Gallery.DEFAULT.resource();

    private DemoRepository() {}

    /** Creates the built-in example's repository in {@code target}, which must not exist or be empty. */
    public static void create(Path target) throws IOException {
        create(target, Gallery.DEFAULT);
    }

    /** Creates {@code example}'s repository in {@code target}, which must not exist or be empty. */
    public static void create(Path target, Gallery.Example example) throws IOException {
        if (Files.exists(target)) {
            try (Stream<Path> entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw AppException.usage("demo_dir_not_empty", "--dir " + target + " is not empty",
                            "name a new or empty directory; the demo creates a git repository there");
                }
            }
        }
        Files.createDirectories(target);
        copyExample(example.resource(), target);
        git(target, "init", "-q", "-b", "main");
        git(target, "add", "-A");
        git(target, "-c", "user.name=Helix demo", "-c", "user.email=demo@helix.invalid", "commit", "-q", "-m", "The example, untuned");
        if (example.setup().isPresent()) run(target, List.of("sh", "-c", example.setup().get()));
    }

    /** Copies the example out of Helix's own jar (or classes directory). */
    private static void copyExample(String resource, Path target) throws IOException {
        URI uri;
        try {
            var url = DemoRepository.class.getClassLoader().getResource(resource + "/helix.yaml");
            if (url == null) throw new IllegalStateException("the example is missing from Helix's jar: rebuild it");
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (uri.getScheme().equals("jar")) {
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                copyTree(jar.getPath("/" + resource), target);
            }
        } else {
            copyTree(Path.of(uri).getParent(), target);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            // a Python example run in place leaves byte code behind; it is no part of the example
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("__pycache__")).toList()) {
                Path dest = to.resolve(from.relativize(f).toString());
                Files.createDirectories(dest.getParent());
                try (InputStream in = Files.newInputStream(f)) {
                    Files.copy(in, dest);
                }
            }
        }
    }

    private static void git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        run(dir, command);
    }

    private static void run(Path dir, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw AppException.runtime("demo_setup_failed", String.join(" ", command) + ": " + output,
                        "are git and python3 installed? (helix doctor in " + dir + " says what is missing)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AppException.runtime("interrupted", "interrupted", "");
        }
    }
}

package dev.helix.adapters.specio;

import dev.helix.core.spec.Direction;
import dev.helix.core.spec.Problem;
import dev.helix.core.spec.ProjectDetector;
import dev.helix.core.spec.ProjectDetector.Detection;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.SpecException;
import dev.helix.core.spec.SpecReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code helix init}: writes helix.yaml, program.md and a .gitignore entry for .helix/. Never
 * overwrites: an existing file is left byte for byte as it was and reported as skipped; the only
 * edit it makes to an existing file is appending ".helix/" to .gitignore.
 */
public final class Initializer {

    /**
     * @param written files created (or, for .gitignore, appended to)
     * @param skipped files that existed and were left alone
     * @param detection what the project looked like, or null when the spec came from a file
     * @param notes what the person should know or check, one sentence each
     */
    public record InitResult(List<Path> written, List<Path> skipped, Detection detection, List<String> notes) {
        public InitResult {
            written = List.copyOf(written);
            skipped = List.copyOf(skipped);
            notes = List.copyOf(notes);
        }
    }

    private static final Set<String> IGNORES_HELIX = Set.of(".helix", ".helix/", "/.helix", "/.helix/", ".helix/*", "/.helix/*", ".helix/**", "/.helix/**");
    private static final long MAX_READ = 1 << 20;

    private final List<Path> written = new ArrayList<>();
    private final List<Path> skipped = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private Initializer() {}

    /**
     * @param dir the repository root (created when missing)
     * @param from a spec in another format (or a helix.yaml) to convert instead of detecting
     * @throws SpecException for a bad {@code from} (missing, unknown format, invalid) or blank overrides
     */
    public static InitResult init(Path dir, Optional<String> domain, Optional<String> description, Optional<Path> from) {
        return init(dir, domain, description, from, System.getenv());
    }

    /** As {@link #init(Path, Optional, Optional, Optional)}, choosing the agent backend by the PATH of {@code env}. */
    public static InitResult init(Path dir, Optional<String> domain, Optional<String> description, Optional<Path> from,
                                  Map<String, String> env) {
        return new Initializer().run(dir, domain, description, from, env);
    }

    private InitResult run(Path dir, Optional<String> domain, Optional<String> description, Optional<Path> from,
                           Map<String, String> env) {
        for (var o : List.of(Map.entry("--domain", domain), Map.entry("--description", description))) {
            if (o.getValue().filter(String::isBlank).isPresent()) {
                throw new SpecException(new Problem("helix init", o.getKey(), 0, "must not be empty", "leave it out to use the default"));
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new SpecException(new Problem("helix init", "", 0, dir + " exists and is not a directory", "pass the repository's directory"));
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + dir, e);
        }

        Optional<Path> existingYaml = Stream.of("helix.yaml", "helix.yml").map(dir::resolve).filter(Files::exists).findFirst();
        Spec spec = null;
        Detection detection = null;
        Optional<String> agent = Optional.of("as converted");
        List<String> header = new ArrayList<>();
        if (from.isPresent()) {
            Path f = resolveFrom(dir, from.get());
            SpecFiles.Loaded loaded = SpecFiles.loadWithNotes(f);
            spec = loaded.spec();
            notes.add("Converted " + f.getFileName() + " into helix.yaml.");
            notes.addAll(loaded.notes());
            header.add("Converted from " + f.getFileName() + " by `helix init --from`.");
        } else if (existingYaml.isEmpty()) {
            Optional<Path> other = SpecFiles.find(dir);
            if (other.isPresent()) {
                try {
                    SpecFiles.Loaded loaded = SpecFiles.loadWithNotes(other.get());
                    spec = loaded.spec();
                    notes.add("Found " + other.get().getFileName() + " and converted it into helix.yaml.");
                    notes.addAll(loaded.notes());
                    header.add("Converted from " + other.get().getFileName() + " by `helix init`.");
                } catch (SpecException e) {
                    notes.add("Found " + other.get().getFileName() + " but could not convert it (" + e.problems().get(0).message()
                            + "); detected the project instead. Fix it and run `helix init --from " + other.get().getFileName() + "`.");
                }
            }
            if (spec == null) {
                detection = ProjectDetector.detect(rootNames(dir), name -> readSmall(dir, name));
                agent = AgentChoice.onPath(env);
                spec = fromDetection(detection, SpecFiles.projectName(dirName(dir)), agent);
                if (agent.isEmpty()) notes.add(AgentChoice.noneHint());
                notes.addAll(detection.notes());
                header.add("Written by `helix init` (detected project type: " + detection.type() + "). Check before `helix run`:");
                for (String n : detection.notes()) header.add("- " + n);
            }
        }

        if (spec != null) {
            spec = adjusted(spec, domain, description);
            String yaml = SpecFiles.toYaml(spec, header);
            if (agent.isEmpty()) yaml = withoutBackend(yaml);
            Spec back = SpecFiles.parseYaml(yaml, "helix.yaml");
            if (!back.equals(withSource(spec, "helix.yaml"))) {
                throw new IllegalStateException("helix init wrote a helix.yaml that does not read back as written:\n" + yaml);
            }
            if (existingYaml.isPresent()) {
                skipped.add(existingYaml.get());
                notes.add(existingYaml.get().getFileName() + " already exists and was left unchanged; remove it to write a new one.");
            } else {
                writeNew(dir.resolve("helix.yaml"), yaml);
            }
        } else {
            skipped.add(existingYaml.orElseThrow());
            notes.add(existingYaml.get().getFileName() + " already exists and was left unchanged.");
            try {
                spec = SpecFiles.load(existingYaml.get()); // only to fill in program.md
            } catch (SpecException e) {
                notes.add(existingYaml.get().getFileName() + " does not load yet; run `helix doctor` for the details.");
            }
        }

        writeNew(dir.resolve("program.md"), programMd(spec));
        gitignore(dir.resolve(".gitignore"));
        return new InitResult(written, skipped, detection, notes);
    }

    private static Path resolveFrom(Path dir, Path from) {
        Path f = from;
        if (!Files.exists(f) && !from.isAbsolute() && Files.exists(dir.resolve(from))) f = dir.resolve(from);
        String name = String.valueOf(f.getFileName());
        if (!Files.isRegularFile(f)) {
            throw new SpecException(new Problem(name, "", 0, "--from: no such file: " + from,
                    "check the path, or leave out --from to detect the project"));
        }
        if (!SpecFiles.knownFormat(name)) {
            throw new SpecException(new Problem(name, "", 0, "--from: cannot convert " + name + ": unknown format",
                    "--from takes " + SpecFiles.FORMATS));
        }
        return f;
    }

    /**
     * The backend line commented out: no agent CLI is installed, and a named one that is missing
     * would fail {@code helix doctor} for an agent that drives itself.
     */
    private static String withoutBackend(String yaml) {
        return yaml.replaceFirst("(?m)^  backend: claude(\\s*#\\s*)?(.*)$",
                "  # backend: claude   # none on PATH: helix try and helix record need none; helix run needs one of: $2");
    }

    private static Spec fromDetection(Detection d, String name, Optional<String> agent) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("name", name);
        tree.put("domain", d.domain());
        tree.put("description", d.description());
        tree.put("scope", Map.of("editable", d.editable(), "readonly", d.readonly()));
        tree.put("metrics", Map.of("primary", Map.of("name", d.metricName(), "optimize", d.direction().word())));
        Map<String, Object> evaluate = new LinkedHashMap<>();
        evaluate.put("command", d.command());
        d.setup().ifPresent(s -> evaluate.put("setup", s));
        evaluate.put("timeout_seconds", d.timeoutSeconds());
        evaluate.put("output_format", "pattern");
        evaluate.put("patterns", Map.of("primary", d.pattern()));
        tree.put("evaluate", evaluate);
        agent.ifPresent(a -> tree.put("agent", Map.of("backend", a)));
        return SpecReader.read(tree, "helix.yaml", p -> 0, SpecFiles.knownNames());
    }

    /** The overrides, and program.md and helix.yaml made readonly: the agent must not rewrite its own brief. */
    private static Spec adjusted(Spec s, Optional<String> domain, Optional<String> description) {
        Set<String> readonly = new LinkedHashSet<>(s.scope().readonly());
        for (String f : List.of("program.md", "helix.yaml")) {
            if (!s.scope().editable().contains(f)) readonly.add(f);
        }
        return new Spec(s.name(), s.version(), domain.map(String::strip).orElse(s.domain()),
                description.map(String::strip).orElse(s.description()), s.author(),
                new Spec.Scope(s.scope().editable(), List.copyOf(readonly), s.scope().strayFiles()), s.metrics(), s.evaluate(), s.judge(),
                s.agent(), s.search(), s.run(), s.requirements(), "helix.yaml");
    }

    /** {@code s} as read back from {@code source}, which says the primary's direction even where {@code s} inferred it. */
    private static Spec withSource(Spec s, String source) {
        Spec.Metrics m = s.metrics();
        Spec.Metrics written = new Spec.Metrics(new Spec.MetricSpec(m.primary().name(), m.primary().optimize(), true),
                m.qualityGuard(), m.constraints(), m.record());
        return new Spec(s.name(), s.version(), s.domain(), s.description(), s.author(), s.scope(), written, s.evaluate(),
                s.judge(), s.agent(), s.search(), s.run(), s.requirements(), source);
    }

    /** The program.md {@code helix init} writes for {@code spec} (null: none loaded): a template to fill in. */
    public static String programMd(Spec spec) {
        String metric = spec == null ? "the primary metric" : "`" + spec.metrics().primary().name() + "` ("
                + (spec.metrics().primary().optimize() == Direction.MINIMIZE ? "lower" : "higher") + " is better)";
        String files = spec == null ? "the files in scope.editable" : String.join(", ", spec.scope().editable().stream().map(f -> "`" + f + "`").toList());
        String command = spec == null ? "evaluate.command" : "`" + spec.evaluate().command() + "`";
        return """
                # Program

                Helix's agent: read this before every experiment. Make one focused change to %s that you expect \
                to improve %s, describe it in one line, and leave every other file alone. Read "What was tried" so \
                you do not repeat an idea that already failed.

                ## Goal

                <What should get better, and why it matters. The metric is %s, measured by %s.>

                ## Constraints

                - Only these files may change: %s.
                - <Rules the evaluation cannot check, e.g. "keep the public API", "no new dependencies".>

                ## Ideas to try

                - <An idea, and why it might help.>
                - <Another one.>

                ## What was tried

                <Conclusions worth keeping: what worked, what did not, and why. Every experiment is also in \
                .helix/experiments.jsonl (see `helix log`).>
                """.formatted(files, metric, metric, command, files);
    }

    private void writeNew(Path file, String content) {
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            written.add(file);
        } catch (FileAlreadyExistsException e) {
            skipped.add(file);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    private void gitignore(Path file) {
        try {
            if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                writeNew(file, ".helix/\n");
                return;
            }
            String text = Files.readString(file);
            if (text.lines().map(String::strip).anyMatch(IGNORES_HELIX::contains)) {
                skipped.add(file);
                return;
            }
            String add = (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + ".helix/\n";
            Files.writeString(file, add, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            written.add(file);
            notes.add("Added .helix/ to .gitignore (Helix's worktrees, logs and ledger live there).");
        } catch (IOException e) {
            throw new UncheckedIOException("updating " + file, e);
        }
    }

    private static Set<String> rootNames(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            Set<String> names = new LinkedHashSet<>();
            s.sorted().forEach(p -> names.add(p.getFileName().toString()));
            // ML layouts keep their data preparation and configurations one level down (data/<set>/prepare.py, config/*.py)
            for (String sub : List.of("data", "config")) {
                if (!Files.isDirectory(dir.resolve(sub))) continue;
                try (Stream<Path> inner = Files.list(dir.resolve(sub))) {
                    inner.sorted().forEach(p -> {
                        String name = sub + "/" + p.getFileName();
                        if (Files.isRegularFile(p.resolve("prepare.py"))) names.add(name + "/prepare.py");
                        else if (Files.isRegularFile(p) && name.endsWith(".py")) names.add(name);
                    });
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir, e);
        }
    }

    /** A small root file's text; anything else (nested paths, large or unreadable files) is absent. */
    private static Optional<String> readSmall(Path dir, String name) {
        if (name.contains("/") || name.contains("\\") || name.equals("..")) return Optional.empty();
        Path p = dir.resolve(name);
        try {
            if (!Files.isRegularFile(p) || Files.size(p) > MAX_READ) return Optional.empty();
            return Optional.of(Files.readString(p));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static String dirName(Path dir) {
        Path n = dir.toAbsolutePath().normalize().getFileName();
        return n == null ? "" : n.toString();
    }
}

package dev.helix.adapters.specio;

import dev.helix.adapters.Executors;
import dev.helix.adapters.agents.BackendCatalog;
import dev.helix.adapters.agents.Backends;
import dev.helix.adapters.process.CallerEnvironment;
import dev.helix.core.spec.KnownNames;
import dev.helix.core.spec.Problem;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.SpecException;
import dev.helix.core.spec.SpecReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads a spec from helix.yaml, autoresearch.toml, research.json or the `## autoresearch` section of
 * CLAUDE.md, and writes helix.yaml. Every format goes through {@link SpecReader}, so the rules and
 * the messages are the same whichever file a person wrote.
 */
public final class SpecFiles {

    /** The files {@link #find} looks for, in order of preference. */
    public static final List<String> NAMES = List.of("helix.yaml", "helix.yml", "autoresearch.toml", "research.json", "research.toml", "CLAUDE.md");

    static final String FORMATS = "helix.yaml (or .yml), autoresearch.toml, research.json (or .toml), or a CLAUDE.md with a `## autoresearch` section";

    /**
     * A parsed file before validation.
     *
     * @param names tree path → the key as the file spells it, for messages
     * @param notes what a conversion changed or left out, for `helix init --from`
     */
    record Document(Object root, Map<String, Integer> lines, List<Problem> problems, Map<String, String> names, List<String> notes) {}

    /** A spec and what its conversion changed or left out. */
    record Loaded(Spec spec, List<String> notes) {}

    private SpecFiles() {}

    /**
     * Loads and validates a spec, choosing the format by the file's name.
     *
     * @throws SpecException for a missing or unreadable file, a syntax error, or an invalid spec
     *                       (with every problem found)
     */
    public static Spec load(Path file) {
        return SpecMemo.of(file, () -> loadWithNotes(file).spec());
    }

    static Loaded loadWithNotes(Path file) {
        String source = String.valueOf(file.getFileName());
        String lower = source.toLowerCase(Locale.ROOT);
        if (!knownFormat(source)) {
            throw new SpecException(new Problem(source, "", 0, "unknown spec format (by its name)", "use " + FORMATS));
        }
        String text = read(file, source);
        Document doc;
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            YamlTree.Parsed p = YamlTree.parse(text, source);
            doc = new Document(p.root(), p.lines(), p.problems(), Map.of(), List.of());
        } else if (lower.endsWith(".toml")) {
            doc = OtherFormats.toml(text, source, file.toAbsolutePath().normalize().getParent());
        } else if (lower.endsWith(".json")) {
            doc = OtherFormats.json(text, source, file.toAbsolutePath().normalize().getParent());
        } else {
            doc = OtherFormats.markdown(text, source, file.toAbsolutePath().normalize().getParent());
        }
        Path dir = file.toAbsolutePath().normalize().getParent();
        return new Loaded(validate(doc, source, knownNames(dir)), doc.notes());
    }

    /** Whether {@link #load} can read a file of this name. */
    static boolean knownFormat(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return Stream.of(".yaml", ".yml", ".toml", ".json", ".md", ".markdown").anyMatch(lower::endsWith);
    }

    /** Validates helix.yaml text that is not (yet) in a file. */
    static Spec parseYaml(String text, String source) {
        YamlTree.Parsed p = YamlTree.parse(text, source);
        return validate(new Document(p.root(), p.lines(), p.problems(), Map.of(), List.of()), source, knownNames());
    }

    private static Spec validate(Document doc, String source, KnownNames known) {
        List<Problem> problems = new ArrayList<>(doc.problems());
        Spec spec = null;
        try {
            spec = SpecReader.read(doc.root(), source, path -> doc.lines().getOrDefault(path, 0), known);
        } catch (SpecException e) {
            for (Problem p : e.problems()) problems.add(renamed(p, doc.names()));
        }
        if (!problems.isEmpty()) {
            // in file order; problems without a line (missing fields) last
            problems.sort(Comparator.comparingInt(p -> p.line() == 0 ? Integer.MAX_VALUE : p.line()));
            throw new SpecException(problems);
        }
        return spec;
    }

    /** The backends and executors helix.yaml may name: Helix's own and those registered as services. */
    static KnownNames knownNames() {
        return new KnownNames(Backends.offered(), Executors.NAMES);
    }

    /**
     * The same where no plugin jar is around; with plugin jars any backend name is taken here, and
     * checked where the backend is used (run, doctor), which names a jar that did not load. So reading
     * a spec (status, log, ...) never runs a plugin's code.
     */
    static KnownNames knownNames(Path dir) {
        return BackendCatalog.hasPlugins(dir, CallerEnvironment.current()) ? new KnownNames(List.of(), Executors.NAMES) : knownNames();
    }

    /** "evaluate.command" → "run_command" for a research.json, so the message names what the person wrote. */
    private static Problem renamed(Problem p, Map<String, String> names) {
        String best = null;
        for (String k : names.keySet()) {
            boolean under = p.path().equals(k) || p.path().startsWith(k + ".") || p.path().startsWith(k + "[");
            if (under && (best == null || k.length() > best.length())) best = k;
        }
        if (best == null) return p;
        return new Problem(p.source(), names.get(best) + p.path().substring(best.length()), p.line(), p.message(), p.suggestion());
    }

    private static String read(Path file, String source) {
        try {
            if (Files.isDirectory(file)) {
                throw new SpecException(new Problem(source, "", 0, file + " is a directory",
                        "pass the spec file itself, e.g. " + file.resolve("helix.yaml")));
            }
            String text = Files.readString(file);
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (NoSuchFileException e) {
            throw new SpecException(new Problem(source, "", 0, "no such file: " + file,
                    "run `helix init` to create helix.yaml, or pass the path of an existing " + FORMATS));
        } catch (MalformedInputException e) {
            throw new SpecException(new Problem(source, "", 0, "is not UTF-8 text", "save it as UTF-8"));
        } catch (AccessDeniedException e) {
            throw new SpecException(new Problem(source, "", 0, "cannot be read (permission denied)", "check the file's permissions"));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /**
     * The spec file of a repository: helix.yaml, helix.yml, autoresearch.toml, research.json, research.toml, then
     * a CLAUDE.md that has a `## autoresearch` section.
     */
    public static Optional<Path> find(Path repoRoot) {
        for (String name : NAMES) {
            Path p = repoRoot.resolve(name);
            if (!Files.isRegularFile(p)) continue;
            if (!name.equals("CLAUDE.md")) return Optional.of(p);
            try {
                if (OtherFormats.hasSection(Files.readString(p))) return Optional.of(p);
            } catch (IOException e) {
                // an unreadable CLAUDE.md is not a spec
            }
        }
        return Optional.empty();
    }

    /** The spec as helix.yaml, in the documented layout with brief comments; {@link #load} reads it back equal. */
    public static String toYaml(Spec spec) {
        return SpecYamlWriter.write(spec, List.of());
    }

    /** Like {@link #toYaml(Spec)}, with {@code header} lines as comments at the top. */
    static String toYaml(Spec spec, List<String> header) {
        return SpecYamlWriter.write(spec, header);
    }

    /** A spec name from a directory name: lower case, letters, digits, '.', '_' and '-'. */
    static String projectName(String dirName) {
        String n = dirName == null ? "" : dirName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[-.]+|-+$", "");
        return n.isEmpty() ? "helix-project" : n;
    }
}

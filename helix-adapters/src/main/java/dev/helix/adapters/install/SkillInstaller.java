package dev.helix.adapters.install;

import dev.helix.core.guide.Skill;
import dev.helix.core.guide.SkillTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code helix install}: writes the skill where an agent reads it. Idempotent, and never clobbers
 * a file it did not write: a file carrying Helix's marker line is Helix's to update; any other file
 * is left as it is and reported as foreign (unless forced).
 */
public final class SkillInstaller {

    /** What happened to one file. */
    public enum Outcome {
        /** The file did not exist and was written. */
        WRITTEN,
        /** Helix's own file held an older text and was replaced. */
        UPDATED,
        /** The file already held exactly this text. */
        UNCHANGED,
        /** Someone else's file: left as it was. */
        FOREIGN,
        /** Someone else's file, replaced because the caller forced it. */
        REPLACED
    }

    /** One file of the installation. */
    public record Placement(Path file, Outcome outcome) {}

    /**
     * @param target the agent
     * @param project whether the repository's files were chosen (with --project, or because the agent reads only those)
     */
    public record Installation(SkillTarget target, boolean project, List<Placement> placements) {
        public Installation {
            placements = List.copyOf(placements);
        }

        public boolean changedNothing() {
            return placements.stream().allMatch(p -> p.outcome() == Outcome.UNCHANGED);
        }

        public List<Path> foreign() {
            return placements.stream().filter(p -> p.outcome() == Outcome.FOREIGN).map(Placement::file).toList();
        }
    }

    private final Path home;
    private final Map<String, String> env;
    private final Path repository;

    /**
     * @param home the user's home directory
     * @param env where CODEX_HOME and XDG_CONFIG_HOME come from
     * @param repository the repository's top level, for --project and repository-only agents
     */
    public SkillInstaller(Path home, Map<String, String> env, Path repository) {
        this.home = home;
        this.env = Map.copyOf(env);
        this.repository = repository;
    }

    /** The file a place stands for here. */
    public Path resolve(SkillTarget.Place place) {
        Path root = switch (place.root()) {
            case HOME -> home;
            case CODEX_HOME -> nonBlank("CODEX_HOME").map(Path::of).orElse(home.resolve(".codex"));
            case XDG_CONFIG -> nonBlank("XDG_CONFIG_HOME").map(Path::of).orElse(home.resolve(".config"));
            case REPOSITORY -> repository;
        };
        return root.resolve(place.path());
    }

    public Installation install(SkillTarget target, boolean project, boolean force) {
        List<Placement> placements = new ArrayList<>();
        for (SkillTarget.Place place : target.places(project)) {
            Path file = resolve(place);
            placements.add(new Placement(file, write(file, Skill.render(place.format()), force)));
        }
        return new Installation(target, project || target.repositoryOnly(), placements);
    }

    private static Outcome write(Path file, String content, boolean force) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, content, StandardCharsets.UTF_8);
                return Outcome.WRITTEN;
            }
            String existing;
            try {
                existing = Files.readString(file, StandardCharsets.UTF_8);
            } catch (java.nio.charset.CharacterCodingException e) {
                existing = ""; // not text Helix wrote
            }
            if (existing.equals(content)) return Outcome.UNCHANGED;
            if (!Skill.isHelixFile(existing) && !force) return Outcome.FOREIGN;
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return Skill.isHelixFile(existing) ? Outcome.UPDATED : Outcome.REPLACED;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file + ": " + e.getMessage(), e);
        }
    }

    private java.util.Optional<String> nonBlank(String name) {
        return java.util.Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }
}

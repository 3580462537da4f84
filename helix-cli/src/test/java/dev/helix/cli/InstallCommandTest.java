package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.core.guide.Skill;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import org.yaml.snakeyaml.Yaml;

/** {@code helix install <agent>}: the skill lands where each agent reads it, in its format, once. */
class InstallCommandTest {
    @TempDir
    Path tmp;

    Path home;
    TestRepo repo;

    @BeforeEach
    void setUp() {
        home = tmp.resolve("home");
        repo = TestRepo.quadratic(tmp.resolve("repo"), "");
    }

    TestRepo.Run install(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("install", "--home", home.toString()));
        all.addAll(List.of(args));
        return repo.helix(all.toArray(String[]::new));
    }

    static Stream<Arguments> userPlaces() {
        return Stream.of(
                Arguments.of("claude", List.of("home:.claude/skills/helix/SKILL.md")),
                Arguments.of("codex", List.of("home:.codex/skills/helix/SKILL.md")),
                Arguments.of("gemini", List.of("home:.gemini/skills/helix/SKILL.md", "home:.gemini/commands/helix.toml")),
                Arguments.of("opencode", List.of("home:.config/opencode/command/helix.md")),
                Arguments.of("copilot", List.of("repo:.github/prompts/helix.prompt.md")),
                Arguments.of("cursor", List.of("repo:.cursor/rules/helix.mdc")),
                Arguments.of("windsurf", List.of("repo:.windsurf/rules/helix.md")),
                Arguments.of("agents", List.of("home:.agents/skills/helix/SKILL.md")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("userPlaces")
    void eachAgentGetsTheSkillInItsOwnPlaceAndFormatAndASecondInstallChangesNothing(String agent, List<String> places) throws IOException {
        TestRepo.Run first = install(agent);
        assertThat(first.code()).as(first.toString()).isZero();
        JsonNode data = first.json().get("data");
        assertThat(data.get("changed").asBoolean()).isTrue();
        assertThat(data.get("files")).hasSize(places.size());
        for (String place : places) {
            Path file = resolve(place);
            assertThat(file).exists();
            String text = Files.readString(file);
            assertNativeFormat(file, text);
            assertThat(text).contains("helix try -m", "--hypothesis", "program.md", "helix status --json",
                    "`keep`", "`discard`", "`crash`", "`rejected`", "Never stop to ask", Skill.MARKER);
        }
        assertThat(data.get("scope").asText()).isEqualTo(places.get(0).startsWith("repo:") ? "project" : "user");

        List<String> before = contents(places);
        TestRepo.Run second = install(agent, "--text");
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(second.out()).contains("unchanged").contains("Already installed; nothing changed.");
        assertThat(contents(places)).isEqualTo(before);
        assertThat(install(agent).json().at("/data/changed").asBoolean()).isFalse();
    }

    @Test
    void withProjectTheSkillGoesIntoTheRepositoryAndNothingIntoHome() {
        TestRepo.Run run = install("claude", "--project");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.dir.resolve(".claude/skills/helix/SKILL.md")).exists();
        assertThat(home.resolve(".claude")).doesNotExist();
        assertThat(install("codex", "--project").code()).isZero();
        assertThat(repo.dir.resolve(".agents/skills/helix/SKILL.md")).exists();
        assertThat(install("gemini", "--project").code()).isZero();
        assertThat(repo.dir.resolve(".gemini/commands/helix.toml")).exists();
        assertThat(install("opencode", "--project").code()).isZero();
        assertThat(repo.dir.resolve(".opencode/command/helix.md")).exists();
    }

    @Test
    void aRepositoryOnlyAgentSaysWhereItsFileWent() {
        TestRepo.Run run = install("cursor", "--text");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Cursor reads its instructions only from the repository: installing into " + repo.dir);
    }

    @Test
    void aFileHelixDidNotWriteIsLeftAloneAndReportedUntilForced() throws IOException {
        Path mine = home.resolve(".claude/skills/helix/SKILL.md");
        Files.createDirectories(mine.getParent());
        Files.writeString(mine, "---\nname: helix\ndescription: my own helix notes\n---\nmine\n");

        TestRepo.Run run = install("claude");
        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.json().at("/error/code").asText()).isEqualTo("foreign_file");
        assertThat(run.json().at("/error/message").asText()).contains(mine.toString());
        assertThat(run.json().at("/error/suggestion").asText()).contains("--force");
        assertThat(Files.readString(mine)).endsWith("mine\n");

        TestRepo.Run forced = install("claude", "--force");
        assertThat(forced.code()).as(forced.toString()).isZero();
        assertThat(forced.json().at("/data/files/0/outcome").asText()).isEqualTo("replaced");
        assertThat(Files.readString(mine)).contains(Skill.MARKER);
    }

    @Test
    void helixUpdatesItsOwnOlderFile() throws IOException {
        Path own = home.resolve(".agents/skills/helix/SKILL.md");
        Files.createDirectories(own.getParent());
        Files.writeString(own, "---\nname: helix\n---\n<!-- " + Skill.MARKER + " -->\nan older skill\n");
        TestRepo.Run run = install("agents");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.json().at("/data/files/0/outcome").asText()).isEqualTo("updated");
        assertThat(Files.readString(own)).doesNotContain("an older skill").contains("helix try -m");
    }

    @Test
    void withoutHomeOptionTheSkillGoesUnderDollarHomeAsTheAgentsResolveItNotUnderUserHome() throws Exception {
        // A real process: HOME points at a temporary directory, the JVM's user.home elsewhere.
        Path userHome = Files.createDirectories(tmp.resolve("user.home"));
        Path output = tmp.resolve("install.log");
        ProcessBuilder pb = repo.helixProcess(output, "install", "claude");
        pb.command().add(1, "-Duser.home=" + userHome);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("XDG_CONFIG_HOME");
        pb.environment().remove("CODEX_HOME");
        Process p = pb.start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("helix install finished").isTrue();
        assertThat(p.exitValue()).as(Files.readString(output)).isZero();

        assertThat(home.resolve(".claude/skills/helix/SKILL.md")).exists();
        try (Stream<Path> files = Files.walk(userHome)) {
            assertThat(files.filter(Files::isRegularFile).toList()).as("nothing under user.home").isEmpty();
        }
    }

    @Test
    void homeIsUserHomeOnlyWhenHomeIsUnsetOrBlank() {
        assertThat(dev.helix.adapters.install.UserHome.of(Map.of("HOME", "/tmp/h"))).isEqualTo(Path.of("/tmp/h"));
        assertThat(dev.helix.adapters.install.UserHome.of(Map.of("HOME", " "))).isEqualTo(Path.of(System.getProperty("user.home")));
        assertThat(dev.helix.adapters.install.UserHome.of(Map.of())).isEqualTo(Path.of(System.getProperty("user.home")));
    }

    @Test
    void anUnknownAgentIsAUsageErrorListingTheKnownOnes() {
        TestRepo.Run run = install("vim");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.json().at("/error/code").asText()).isEqualTo("unknown_agent");
        assertThat(run.json().at("/error/suggestion").asText())
                .isEqualTo("choose one of: claude, codex, gemini, opencode, copilot, cursor, windsurf, agents, or all");
    }

    @Test
    void theRealGeminiCliDiscoversTheInstalledSkill() throws Exception {
        Path gemini = dev.helix.adapters.testing.AgentClis.require("gemini");
        assertThat(install("gemini").code()).isZero();
        ProcessBuilder pb = new ProcessBuilder(gemini.toString(), "skills", "list").directory(repo.dir.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("GEMINI") || k.startsWith("GOOGLE"));
        env.put("HOME", home.toString());
        env.put("GEMINI_CLI_HOME", home.toString());
        env.put("TMPDIR", Files.createDirectories(tmp.resolve("gemini-tmp")).toString());
        env.put("GEMINI_CLI_NO_RELAUNCH", "true");
        env.put("GEMINI_TELEMETRY_ENABLED", "false");
        env.put("NO_COLOR", "1");
        env.put("NO_BROWSER", "true");
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(40, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(out).as(out).contains("helix").contains("Run an autonomous Helix experiment loop");
    }

    private void assertNativeFormat(Path file, String text) {
        String name = file.getFileName().toString();
        if (name.endsWith(".toml")) {
            TomlParseResult toml = Toml.parse(text);
            assertThat(toml.errors()).as(text).isEmpty();
            assertThat(toml.getString("description")).isEqualTo(Skill.DESCRIPTION);
            assertThat(toml.getString("prompt")).contains("helix try -m").endsWith("{{args}}\n")
                    .doesNotContain("!{").doesNotContain("@{");
            return;
        }
        assertThat(text).startsWith("---\n");
        int end = text.indexOf("\n---\n", 4);
        assertThat(end).as("front matter closes").isPositive();
        Map<String, Object> front = new Yaml().load(text.substring(4, end));
        assertThat(front.get("description")).isEqualTo(Skill.DESCRIPTION);
        switch (name) {
            // Codex rejects a SKILL.md with keys other than name, description, license, allowed-tools, metadata.
            case "SKILL.md" -> assertThat(front).containsOnlyKeys("name", "description").containsEntry("name", "helix");
            case "helix.prompt.md" -> assertThat(front).containsEntry("mode", "agent");
            case "helix.mdc" -> assertThat(front).containsEntry("alwaysApply", false).containsKey("globs");
            case "helix.md" -> {
                if (file.toString().contains(".windsurf")) assertThat(front).containsEntry("trigger", "model_decision");
                else assertThat(text).contains("$ARGUMENTS"); // OpenCode's command arguments
            }
            default -> throw new AssertionError("unexpected file " + file);
        }
    }

    private Path resolve(String place) {
        String[] p = place.split(":", 2);
        return (p[0].equals("home") ? home : repo.dir).resolve(p[1]);
    }

    private List<String> contents(List<String> places) {
        return places.stream().map(p -> {
            try {
                return Files.readString(resolve(p));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }
}

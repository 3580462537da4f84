package dev.helix.adapters.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer.Proposal;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugin jars found for a call's directory and environment, each loaded on its own; the broken ones named. */
class BackendCatalogTest {
    @TempDir
    Path tmp;

    @Test
    void findsThePluginsOfTheVariableTheProjectAndTheHomeWithWhereEachCameFrom() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.createDirectories(project.resolve(".git"));
        Path sub = Files.createDirectories(project.resolve("src/deep"));
        Path inProject = plugin("p1", "Alpha", "alpha", "", Files.createDirectories(project.resolve(".helix/plugins")));
        Path home = tmp.resolve("home");
        Path inHome = plugin("p2", "Beta", "beta", "", Files.createDirectories(home.resolve(".config/helix/plugins")));
        Path listedDir = Files.createDirectories(tmp.resolve("listed"));
        Path listed = plugin("p3", "Gamma", "gamma", "", listedDir);

        BackendCatalog catalog = BackendCatalog.at(sub, Map.of("HOME", home.toString(), "HELIX_PLUGINS", listedDir.toString()));

        assertThat(catalog.broken()).isEmpty();
        assertThat(catalog.entries()).extracting(e -> e.name() + " " + e.origin()).startsWith("claude built-in")
                .contains("alpha " + inProject, "beta " + inHome, "gamma " + listed);
        assertThat(catalog.offered()).startsWith("claude", "codex").endsWith("gamma", "alpha", "beta");
        assertThat(catalog.find("alpha")).get().extracting(AgentBackend::name).isEqualTo("alpha");
        assertThat(BackendCatalog.at(tmp, Map.of("HOME", tmp.resolve("nobody").toString())).names()).doesNotContain("alpha", "beta", "gamma");
    }

    @Test
    void aSecondBackendOfTheSameNameAndEveryBrokenJarAreReportedWithTheJarsPath() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Path first = plugin("d1", "One", "same", "", dir);
        Path second = plugin("d2", "Two", "same", "", dir);
        Path builtInName = plugin("d3", "Three", "claude", "", dir);
        Path throwing = plugin("d4", "Four", "four", "public Four() { throw new IllegalStateException(\"no licence\"); }", dir);
        Path noService = dir.resolve("e-empty.jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(noService))) {
            j.putNextEntry(new JarEntry("readme.txt"));
        }
        Files.writeString(dir.resolve("f-garbage.jar"), "not a zip");
        Path missing = tmp.resolve("gone.jar");

        BackendCatalog catalog = BackendCatalog.at(tmp, Map.of("HOME", tmp.toString(),
                "HELIX_PLUGINS", dir + java.io.File.pathSeparator + missing));

        assertThat(catalog.entries()).extracting(e -> e.name() + " " + e.origin()).contains("same " + first, "claude built-in")
                .doesNotContain("same " + second, "four " + throwing);
        assertThat(catalog.broken()).extracting(BackendCatalog.Broken::message).anySatisfy(m -> assertThat(m)
                        .contains(second.toString(), "'same'", first.toString(), "not used"))
                .anySatisfy(m -> assertThat(m).contains(builtInName.toString(), "'claude'", "built-in"))
                .anySatisfy(m -> assertThat(m).contains(throwing.toString(), "no licence"))
                .anySatisfy(m -> assertThat(m).contains(noService.toString(), "registers no backend", PluginJars.SERVICE))
                .anySatisfy(m -> assertThat(m).contains("f-garbage.jar", "not a readable jar"))
                .anySatisfy(m -> assertThat(m).contains(missing.toString(), "does not exist", "HELIX_PLUGINS"));
    }

    @Test
    void aPluginThatThrowsWhenUsedIsNamedInTheError() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Path jar = plugin("t1", "Failing", "failing", "", "throw new IllegalArgumentException(\"bad check\");", dir);
        AgentBackend backend = BackendCatalog.at(tmp, Map.of("HOME", tmp.toString(), "HELIX_PLUGINS", dir.toString()))
                .find("failing").orElseThrow();

        assertThat(backend.check(null, Map.of())).singleElement().satisfies(u -> {
            assertThat(u.message()).contains("failing", jar.toString(), "check()", "bad check");
            assertThat(u.suggestion()).contains("remove " + jar);
        });
        assertThatThrownBy(() -> backend.create(null)).hasMessageContaining(jar.toString()).hasMessageContaining("create()");
    }

    @Test
    void aProposerThatThrowsGivesAFailedProposalNamingTheJar() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Path jar = plugin("u1", "Throwing", "throwing", "", "return List.of();",
                "return request -> { throw new IllegalStateException(\"out of ideas\"); };", dir);
        AgentBackend backend = BackendCatalog.at(tmp, Map.of("HOME", tmp.toString(), "HELIX_PLUGINS", dir.toString()))
                .find("throwing").orElseThrow();

        Proposal proposal = backend.create(null).propose(null);

        assertThat(proposal).isInstanceOfSatisfying(Proposal.Failure.class, f -> assertThat(f.reason())
                .contains("throwing", jar.toString(), "propose()", "out of ideas"));
    }

    @Test
    void aRebuiltJarIsLoadedAgainAndAnUnchangedOneIsNot() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Path jar = plugin("r1", "Rebuilt", "before", "", dir);
        Map<String, String> env = Map.of("HOME", tmp.toString(), "HELIX_PLUGINS", jar.toString());
        AgentBackend once = BackendCatalog.at(tmp, env).find("before").orElseThrow();
        assertThat(BackendCatalog.at(tmp, env).find("before").orElseThrow()).isSameAs(once);

        Path rebuilt = plugin("r2", "Rebuilt", "after", "", Files.createDirectories(tmp.resolve("other")));
        Files.copy(rebuilt, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5000));

        assertThat(BackendCatalog.at(tmp, env).names()).contains("after").doesNotContain("before");
    }

    private Path plugin(String pkg, String cls, String name, String constructor, Path into) throws IOException {
        return plugin(pkg, cls, name, constructor, "return List.of();", into);
    }

    private Path plugin(String pkg, String cls, String name, String constructor, String check, Path into) throws IOException {
        return plugin(pkg, cls, name, constructor, check, "throw new UnsupportedOperationException(\"not in this test\");", into);
    }

    /** A plugin jar with one backend, compiled here: {@code pkg.cls}, named {@code name}, with that constructor and check(). */
    private Path plugin(String pkg, String cls, String name, String constructor, String check, String create, Path into)
            throws IOException {
        Path build = Files.createDirectories(tmp.resolve("build-" + pkg));
        Path src = build.resolve(cls + ".java");
        Files.writeString(src, """
                package %s;
                import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer.Proposal;
                import dev.helix.core.port.Proposer;
                import dev.helix.core.spec.Spec;
                import java.util.List;
                import java.util.Map;
                public final class %s implements AgentBackend {
                    %s
                    public String name() { return "%s"; }
                    public List<Unready> check(Spec spec, Map<String, String> env) { %s }
                    public Proposer create(Context context) { %s }
                }
                """.formatted(pkg, cls, constructor, name, check, create));
        Path classes = Files.createDirectories(build.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.StringWriter out = new java.io.StringWriter();
        boolean ok = javac.getTask(out, null, null, List.of("-cp", System.getProperty("java.class.path"), "-d", classes.toString()),
                null, javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(src)).call();
        assertThat(ok).as(out.toString()).isTrue();
        Path jar = into.resolve(pkg + ".jar");
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                j.write(Files.readAllBytes(f));
            }
            j.putNextEntry(new JarEntry(PluginJars.SERVICE));
            j.write((pkg + "." + cls + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }
}

package dev.helix.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend of one's own as the README tells a user to write it: its Java example, compiled as
 * written against the built jar, packaged as a plugin jar with its service file, put in a real git
 * repository's {@code .helix/plugins/} and used for a session through the real {@code ./helix}
 * launcher. The plugins a call sees are the caller's (directory, HELIX_PLUGINS, HOME), whether a cold
 * JVM or the resident Helix answers it.
 */
class PluginJarTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path HELIX_JAR = ROOT.resolve("helix-cli/target/helix.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE = "META-INF/services/dev.helix.core.port.AgentBackend";

    @TempDir
    Path tmp;

    private final List<Map<String, String>> residents = new ArrayList<>();

    @AfterEach
    void stopResident() throws Exception {
        for (Map<String, String> env : residents) helix(tmp, env, "daemon", "stop");
    }

    @Test
    void theReadmesExampleCompilesAsWrittenAndRunsASessionThroughTheLauncher() throws Exception {
        Path jar = pluginJar(readmeExample(), tmp.resolve("build"));
        Path repo = project(tmp.resolve("project"));
        Path installed = Files.createDirectories(repo.resolve(".helix/plugins")).resolve("halving.jar");
        Files.copy(jar, installed);
        Map<String, String> env = env(Map.of("HELIX_NO_DAEMON", "1"));

        Run run = helix(repo, env, "run", "--tag", "p", "--max-experiments", "3", "--max-cost", "1", "--json");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = ledger(repo, "p");
        assertThat(ledger).extracting(r -> r.get("status").asText()).containsExactly("baseline", "keep", "keep", "keep");
        assertThat(ledger.get(1).get("description").asText()).isEqualTo("move x from 4.0 halfway to 1.7");
        assertThat(ledger.get(3).get("agent").get("backend").asText()).isEqualTo("halving");
        assertThat(git(repo, "show", "helix/p:params.txt")).startsWith("x = 1.98");

        Run info = helix(repo, env, "agent-info", "--json");
        assertThat(backends(info)).containsEntry("halving", installed.toString()).containsEntry("claude", "built-in");
        Run doctor = helix(repo, env, "doctor", "--quick", "--json");
        JsonNode listed = check(doctor, "backends");
        assertThat(listed.get("status").asText()).isEqualTo("pass");
        assertThat(listed.get("message").asText()).contains("halving (" + installed + ")");
    }

    @Test
    void aBrokenJarIsNamedAndTheOtherBackendsStillWork() throws Exception {
        Path repo = project(tmp.resolve("project"));
        Path plugins = Files.createDirectories(repo.resolve(".helix/plugins"));
        Files.copy(pluginJar(readmeExample(), tmp.resolve("good")), plugins.resolve("b-halving.jar"));
        Files.writeString(plugins.resolve("a-truncated.jar"), "PK\u0003\u0004 not really a jar");
        // a provider whose constructor throws: ServiceLoader cannot make it
        String throwing = readmeExample().replace("public final class HalvingBackend implements AgentBackend {",
                "public final class HalvingBackend implements AgentBackend {\n    public HalvingBackend() {\n"
                        + "        System.err.println(\"plugin code ran\");\n"
                        + "        throw new IllegalStateException(\"no licence file\");\n    }\n").replace("\"halving\"", "\"throwing\"");
        Files.copy(pluginJar(throwing, tmp.resolve("bad")), plugins.resolve("c-throwing.jar"));
        Map<String, String> env = env(Map.of("HELIX_NO_DAEMON", "1"));

        Run info = helix(repo, env, "agent-info", "--json");
        assertThat(info.code()).as(info.toString()).isZero();
        assertThat(backends(info)).containsEntry("halving", plugins.resolve("b-halving.jar").toString()).doesNotContainKey("throwing");
        JsonNode problems = JSON.readTree(info.out()).get("data").get("plugins_not_loaded");
        assertThat(problems.toString()).contains(plugins.resolve("a-truncated.jar").toString(), "not a readable jar",
                plugins.resolve("c-throwing.jar").toString(), "no licence file");

        Run doctor = helix(repo, env, "doctor", "--quick", "--json");
        JsonNode listed = check(doctor, "backends");
        assertThat(listed.get("status").asText()).isEqualTo("warn");
        assertThat(listed.get("message").asText()).contains("a-truncated.jar", "c-throwing.jar", "halving (");

        assertThat(info.err()).contains("plugin code ran");
        Run status = helix(repo, env, "status", "--json");
        assertThat(status.code()).as(status.toString()).isZero();
        assertThat(status.err()).as("reading the spec runs no plugin").doesNotContain("plugin code ran");

        Run run = helix(repo, env, "run", "--tag", "b", "--max-experiments", "1", "--json");
        assertThat(run.code()).as(run.toString()).isZero();
        Run unknown = helix(repo, env, "run", "--tag", "c", "--backend", "throwing", "--max-experiments", "1", "--json");
        assertThat(unknown.code()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.out()).contains("unknown backend 'throwing'", "c-throwing.jar", "no licence file");
    }

    @Test
    void theResidentHelixListsTheCallersPluginsNotItsOwn() throws Exception {
        Assumptions.assumeTrue(onPath("nc") || onPath("socat"), "neither nc nor socat is installed: every call runs cold");
        Path jar = pluginJar(readmeExample(), tmp.resolve("build"));
        Path repo = project(tmp.resolve("project"));
        Path inProject = Files.createDirectories(repo.resolve(".helix/plugins")).resolve("halving.jar");
        Files.copy(jar, inProject);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path runtime = Files.createDirectories(tmp.resolve("runtime"));
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
        // the call that starts the resident Helix has a plugin in HELIX_PLUGINS and one in its HOME
        Path firstHome = Files.createDirectories(tmp.resolve("home-1"));
        Path inHome = Files.createDirectories(firstHome.resolve(".config/helix/plugins")).resolve("halving.jar");
        Files.copy(jar, inHome);
        Map<String, String> first = env(Map.of("XDG_RUNTIME_DIR", runtime.toString(), "HOME", firstHome.toString(),
                "HELIX_PLUGINS", jar.toString()));
        residents.add(first);
        Map<String, String> plain = env(Map.of("XDG_RUNTIME_DIR", runtime.toString()));

        Run cold = helix(elsewhere, first, "agent-info", "--json");   // runs cold, starts the resident
        assertThat(backends(cold)).containsEntry("halving", jar.toString());
        awaitResident(runtime);
        int before = calls(plain);

        assertThat(backends(helix(elsewhere, first, "agent-info", "--json"))).containsEntry("halving", jar.toString());
        assertThat(backends(helix(elsewhere, plain, "agent-info", "--json"))).doesNotContainKey("halving");
        Map<String, String> withHome = new HashMap<>(plain);
        withHome.put("HOME", firstHome.toString());
        assertThat(backends(helix(elsewhere, withHome, "agent-info", "--json"))).containsEntry("halving", inHome.toString());
        assertThat(backends(helix(repo, plain, "agent-info", "--json"))).containsEntry("halving", inProject.toString());
        // the four calls and this status call, each answered by the resident Helix
        assertThat(calls(plain)).isEqualTo(before + 5);

        Map<String, String> noDaemon = new HashMap<>(plain);
        noDaemon.put("HELIX_NO_DAEMON", "1");
        assertThat(backends(helix(repo, noDaemon, "agent-info", "--json"))).containsEntry("halving", inProject.toString());
        assertThat(backends(helix(elsewhere, noDaemon, "agent-info", "--json"))).doesNotContainKey("halving");
    }

    /** The README's Java example, as written: the first java block after "Your own backend in Java". */
    static String readmeExample() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int section = readme.indexOf("### Your own backend in Java");
        assertThat(section).as("the README's section").isNotNegative();
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find(section)).as("a java block in the section").isTrue();
        return m.group(1);
    }

    /** Compiles the source against the built jar and packages it with its service file. */
    static Path pluginJar(String source, Path dir) throws IOException {
        String pkg = match("(?m)^package ([\\w.]+);", source);
        String name = match("public final class (\\w+)", source);
        Path src = Files.createDirectories(dir.resolve("src")).resolve(name + ".java");
        Files.writeString(src, source);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.StringWriter diagnostics = new java.io.StringWriter();
        boolean ok = javac.getTask(diagnostics, null, null, List.of("--release", "21", "-Xlint:all", "-Werror",
                "-cp", HELIX_JAR.toString(), "-d", classes.toString()), null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(src)).call();
        assertThat(ok).as("the example compiles as written:\n%s", diagnostics).isTrue();
        Path jar = dir.resolve(name.toLowerCase() + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, new Manifest());
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
            j.putNextEntry(new JarEntry(SERVICE));
            j.write((pkg + "." + name + "\n").getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        return jar;
    }

    /** A git repository with x = 4.0 in params.txt and its distance to 1.7 as the loss. */
    private Path project(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("params.txt"), "x = 4.0\n");
        Files.writeString(dir.resolve("evaluate.sh"), """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                awk -v x="$x" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """);
        Files.writeString(dir.resolve("program.md"), "Move x towards the minimum of the parabola.\n");
        Files.writeString(dir.resolve(".gitignore"), ".helix/\n");
        Files.writeString(dir.resolve("helix.yaml"), """
                name: halving
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
                  backend: halving
                """);
        git(dir, "init", "-q", "-b", "main");
        git(dir, "add", "-A");
        git(dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "the project");
        return dir;
    }

    private Map<String, String> env(Map<String, String> extra) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        env.put("XDG_STATE_HOME", tmp.resolve("state").toString());
        env.put("GIT_AUTHOR_NAME", "t");
        env.put("GIT_AUTHOR_EMAIL", "t@example.com");
        env.put("GIT_COMMITTER_NAME", "t");
        env.put("GIT_COMMITTER_EMAIL", "t@example.com");
        env.put("HELIX_DAEMON_IDLE", "2m");   // a resident left behind by a failed test leaves by itself
        env.putAll(extra);
        return env;
    }

    record Run(int code, String out, String err) {}

    /** The real launcher, as a user calls it, with stdout a pipe (so read-only calls may go to the resident Helix). */
    private Run helix(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("helix").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("helix %s finished", List.of(args)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Map<String, String> backends(Run info) throws IOException {
        assertThat(info.code()).as(info.toString()).isZero();
        Map<String, String> out = new HashMap<>();
        JSON.readTree(info.out()).get("data").get("backends").forEach(b -> out.put(b.get("name").asText(), b.get("origin").asText()));
        return out;
    }

    private static JsonNode check(Run doctor, String id) throws IOException {
        for (JsonNode c : JSON.readTree(doctor.out()).get("data").get("checks")) {
            if (c.get("id").asText().equals(id)) return c;
        }
        throw new AssertionError("no check " + id + " in " + doctor);
    }

    /** How many calls the resident Helix has answered, from {@code helix daemon status}. */
    private int calls(Map<String, String> env) throws Exception {
        Run status = helix(tmp, env, "daemon", "status", "--json");
        assertThat(status.code()).as(status.toString()).isZero();
        return Integer.parseInt(match("\"calls\":(\\d+)", status.out()));
    }

    private static void awaitResident(Path runtime) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(runtime.resolve("helix/resident.info"))) {
            assertThat(System.nanoTime()).as("the resident Helix came up").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static List<JsonNode> ledger(Path repo, String tag) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(repo.resolve(".helix/experiments.jsonl"))) {
            if (line.isBlank()) continue;
            JsonNode row = JSON.readTree(line);
            if (row.path("tag").asText().equals(tag)) rows.add(row);
        }
        return rows;
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git %s: %s", List.of(args), out).isZero();
        return out;
    }

    private static String match(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in %s", regex, text).isTrue();
        return m.group(1);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}

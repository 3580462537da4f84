package dev.helix.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archives as a user gets them: each unpacked into an empty folder outside the checkout
 * and run there with a minimal environment ({@code env -i PATH=/usr/bin:/bin HOME=...}): no Maven, no
 * sources, and for the linux-x64 archive no Java but the machine's own (here 17, too old for Helix).
 */
class ReleaseArchiveTest {
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final String VERSION = System.getProperty("helix.version", "0.1.0-SNAPSHOT");

    @TempDir
    Path tmp;

    @Test
    void thePortableTarballRunsOnAJavaItFinds() throws Exception {
        Path home = unpack("helix-" + VERSION + ".tar.gz", List.of("tar", "xzf"));
        assertLayout(home);
        Run version = run(home, "--version");
        assertThat(version.out()).as(version.toString()).startsWith("helix " + VERSION + "\ncommit ").contains("\njava ");
        assertDemo(home);
    }

    @Test
    void theZipHoldsTheSameAndRunsToo() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unzip")), "unzip is installed");
        Path home = unpack("helix-" + VERSION + ".zip", List.of("unzip", "-q"));
        assertLayout(home);
        assertThat(run(home, "--version").out()).startsWith("helix " + VERSION);
    }

    @Test
    void theLinuxArchiveRunsOnItsOwnRuntimeWhereTheOnlyJavaIsTooOld() throws Exception {
        Path home = unpack("helix-" + VERSION + "-linux-x64.tar.gz", List.of("tar", "xzf"));
        assertLayout(home);
        Run version = run(home, "--version");
        assertThat(version.code()).as(version.toString()).isZero();
        assertThat(version.out()).as("its own runtime, whatever java is on PATH").contains(home.resolve("runtime").toString());
        List<String> modules = Files.readAllLines(home.resolve("runtime/release")).stream()
                .filter(l -> l.startsWith("MODULES=")).toList();
        assertThat(modules.get(0)).as("only what Helix needs").contains("java.base").doesNotContain("jdk.compiler", "java.rmi");
        assertDemo(home);
    }

    @Test
    void withoutAJavaNewEnoughTheLauncherSaysWhatItFound() throws Exception {
        Path home = unpack("helix-" + VERSION + ".tar.gz", List.of("tar", "xzf"));
        Process p = new ProcessBuilder("env", "-i", "PATH=/usr/bin:/bin", "HOME=" + tmp, "sh", "-c",
                ". \"$0\"; helix_find_java 999 || { helix_no_java 999; exit 2; }", home.resolve("lib/find-java.sh").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("no Java 999 or newer found").contains("found: ").contains("fix: ");
    }

    @Test
    void aReadOnlyCallFromAProgramIsAnsweredByTheResidentHelixThroughTheFastPath() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is installed");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/nc")) || Files.isExecutable(Path.of("/usr/bin/socat")),
                "nc or socat is installed");
        Path home = unpack("helix-" + VERSION + ".tar.gz", List.of("tar", "xzf"));
        Path demo = tmp.resolve("demo-fast");
        assertThat(run(home, "--json", "demo", "--dir", demo.toString(), "--max-experiments", "2").code()).isZero();
        Path runtime = Files.createDirectories(tmp.resolve("runtime"));
        Files.setPosixFilePermissions(runtime, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        // programs the fast path must not start: each notes its call, then runs the real one
        Path bin = Files.createDirectories(tmp.resolve("watch"));
        for (String program : List.of("find", "stat", "readlink", "dirname")) {
            Path p = bin.resolve(program);
            Files.writeString(p, "#!/bin/sh\necho " + program + " >>\"" + tmp.resolve("forks.log") + "\"\n"
                    + "PATH=\"${PATH#*:}\" exec " + program + " \"$@\"\n");
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
        List<String> env = List.of("PATH=" + bin + ":/usr/bin:/bin", "HOME=" + tmp.resolve("home"), "XDG_RUNTIME_DIR=" + runtime);
        String launcher = home.resolve("bin/helix").toString();
        List<List<String>> calls = List.of(List.of("status", "--json"), List.of("log", "-n", "1", "--json"), List.of("show", "99"),
                List.of("status", "--text"));
        try {
            Run want = call(env, demo, List.of("env", "HELIX_NO_DAEMON=1", launcher), calls.get(0));
            assertThat(call(env, demo, List.of(launcher), calls.get(0))).as("the first call, cold").isEqualTo(want);
            Path socket = runtime.resolve("helix/resident.sock");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.exists(socket) || !Files.exists(runtime.resolve("helix/resident.info"))) {
                assertThat(System.nanoTime()).as("a resident Helix came up").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(call(env, demo, List.of(launcher), calls.get(0))).as("through the slow path").isEqualTo(want);
            for (List<String> sh : List.of(List.of(launcher), List.of("sh", launcher), List.of("bash", launcher))) {
                for (List<String> c : calls) {
                    Run cold = call(env, demo, List.of("env", "HELIX_NO_DAEMON=1", launcher), c);
                    Files.deleteIfExists(tmp.resolve("forks.log"));
                    assertThat(call(env, demo, sh, c)).as("%s %s", sh, c).isEqualTo(cold);
                    assertThat(tmp.resolve("forks.log")).as("%s %s took the fast path", sh, c).doesNotExist();
                }
            }
        } finally {
            call(env, demo, List.of(launcher), List.of("daemon", "stop"));
        }
    }

    /** A launcher ({@code command}) with {@code args} in the environment {@code env} alone, from {@code cwd}. */
    private Run call(List<String> env, Path cwd, List<String> command, List<String> args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("env", "-i"));
        all.addAll(env);
        all.addAll(command);
        all.addAll(args);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(all).directory(cwd.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("%s ended", all).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private void assertLayout(Path home) {
        assertThat(home.resolve("bin/helix")).isExecutable();
        assertThat(home.resolve("lib/helix.jar")).isRegularFile();
        assertThat(home.resolve("lib/resident.sh")).isRegularFile();
        assertThat(home.resolve("lib/fast-path.bash")).isRegularFile();
        assertThat(home.resolve("README.md")).isRegularFile();
        assertThat(home.resolve("share/man/man1/helix-run.1")).isRegularFile();
        assertThat(home.resolve("share/completions/helix.bash")).isRegularFile();
    }

    /** A short demo from a folder of its own: a real session, tuned and recorded, exit 0. */
    private void assertDemo(Path home) throws Exception {
        Path dir = tmp.resolve("demo-" + home.getParent().getFileName());
        Run demo = run(home, "--json", "demo", "--dir", dir.toString(), "--max-experiments", "2");
        assertThat(demo.code()).as(demo.toString()).isZero();
        assertThat(demo.out()).as(demo.toString()).contains("\"status\":\"success\"").contains("\"experiments\":2");
        assertThat(dir.resolve(".helix/experiments.jsonl")).isRegularFile();
    }

    private Path unpack(String archive, List<String> tool) throws Exception {
        Path file = TARGET.resolve(archive);
        assertThat(file).as("built by mvn package").isRegularFile();
        Path into = Files.createDirectories(tmp.resolve(archive.replaceAll("\\W", "_")));
        List<String> command = new ArrayList<>(tool);
        command.add(file.toString());
        Process p = new ProcessBuilder(command).directory(into.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return into.resolve("helix-" + VERSION);
    }

    record Run(int code, String out, String err) {
    }

    /** bin/helix in a minimal environment, from an empty folder of its own. */
    private Run run(Path home, String... args) throws IOException, InterruptedException {
        Path cwd = Files.createDirectories(tmp.resolve("cwd"));
        // No resident Helix: a read-only call (--version) would otherwise leave one running after the test.
        List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin", "HOME=" + Files.createDirectories(tmp.resolve("home")),
                "HELIX_NO_DAEMON=1", home.resolve("bin/helix").toString()));
        command.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("bin/helix %s ended", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}

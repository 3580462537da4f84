package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher itself (./helix, copied into an installation of its own whose jar runs this build's
 * classes): the first read-only call runs cold and starts a resident Helix, later ones are answered by
 * it through the fast path (no JDK search, no jar check: none of find, stat, readlink or dirname runs),
 * byte for byte as a cold call; a rebuilt jar is never answered by the old process, the call runs cold.
 */
class ResidentLauncherTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final List<String> WATCHED = List.of("find", "stat", "readlink", "dirname");

    @TempDir
    Path tmp;
    private Path install;
    private Path residentDir;
    private final List<Long> residents = new ArrayList<>();

    @BeforeEach
    void install() throws IOException {
        Assumptions.assumeTrue(onPath("nc") || onPath("socat"), "neither nc nor socat is installed: every call runs cold");
        Path runtime = Files.createDirectories(tmp.resolve("runtime"));
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
        residentDir = runtime.resolve("helix");
        Files.createDirectories(tmp.resolve("home"));
        install = Files.createDirectories(tmp.resolve("install"));
        Files.copy(ROOT.resolve("helix"), install.resolve("helix"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(install.resolve("scripts"));
        for (String s : List.of("find-java.sh", "resident.sh", "fast-path.bash")) Files.copy(ROOT.resolve("scripts").resolve(s), install.resolve("scripts").resolve(s));
        writeJar(Files.createDirectories(install.resolve("helix-cli/target")).resolve("helix.jar"), "");
        // programs the fast path must not start: each notes its call, then runs the real one
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String program : WATCHED) {
            Path p = bin.resolve(program);
            Files.writeString(p, "#!/bin/sh\necho " + program + " >>\"" + tmp.resolve("forks.log") + "\"\n"
                    + "PATH=\"${PATH#*:}\" exec " + program + " \"$@\"\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @AfterEach
    void stopResidents() throws Exception {
        residentPid().ifPresent(residents::add);
        for (long pid : residents) {
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            if (p.isPresent()) {
                p.get().destroy();
                p.get().onExit().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theFastPathAnswersAsAColdCallAndARebuiltJarIsNeverAnsweredByTheOldProcess() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        assertThat(cold(repo.dir, "run", "--tag", "a", "--max-experiments", "2").exit()).isZero();
        Result want = cold(repo.dir, "status", "--json");

        assertThat(launcher(repo.dir, "status", "--json")).as("the first call, cold").isEqualTo(want);
        long first = waitForResident();
        assertThat(launcher(repo.dir, "status", "--json")).as("through the slow path").isEqualTo(want);
        List<List<String>> calls = List.of(List.of("status", "--json"), List.of("log", "-n", "1", "--json"), List.of("show", "99"),
                List.of("status", "--text"));
        Map<List<String>, Result> cold = new HashMap<>();
        for (List<String> call : calls) cold.put(call, cold(repo.dir, call.toArray(String[]::new)));
        Files.deleteIfExists(tmp.resolve("forks.log"));
        for (List<String> call : calls) {
            assertThat(launcher(repo.dir, call.toArray(String[]::new))).as("helix %s", call).isEqualTo(cold.get(call));
        }
        assertThat(tmp.resolve("forks.log")).as("the fast path started none of %s", WATCHED).doesNotExist();
        assertThat(residentPid()).contains(first);

        // a rebuilt jar: the old process refuses and leaves, the call runs cold (and starts a new one)
        writeJar(install.resolve("helix-cli/target/helix.jar"), "rebuilt");
        Files.setLastModifiedTime(install.resolve("helix-cli/target/helix.jar"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertThat(launcher(repo.dir, "status", "--json")).isEqualTo(want);
        assertThat(tmp.resolve("forks.log")).as("the slow path ran").exists();
        residents.add(first);
        Optional<ProcessHandle> old = ProcessHandle.of(first);
        if (old.isPresent()) old.get().onExit().get(3, TimeUnit.MINUTES);
        long second = waitForResident();
        assertThat(second).isNotEqualTo(first);
        assertThat(launcher(repo.dir, "log", "-n", "1", "--json")).isEqualTo(cold(repo.dir, "log", "-n", "1", "--json"));
    }

    /**
     * A resident of an older Helix that cannot read this build's calls (it closes each one unread)
     * holds the lock: the launcher's call runs cold, signals that process (it names itself in
     * resident.info and is a resident Helix serving this directory), and a resident of this build
     * takes over.
     */
    @Test
    void aResidentThatCannotReadThisBuildsCallsIsReplaced() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        assertThat(cold(repo.dir, "run", "--tag", "a", "--max-experiments", "1").exit()).isZero();
        Result want = cold(repo.dir, "status", "--json");
        String older = String.join("\n",
                "import fcntl, os, socket, sys",
                "d = sys.argv[2]",
                "os.makedirs(d, mode=0o700, exist_ok=True)",
                "lock = open(os.path.join(d, 'resident.lock'), 'a')",
                "fcntl.lockf(lock, fcntl.LOCK_EX)",
                "open(os.path.join(d, 'resident.info'), 'w').write('pid %d\\nsince then\\nbuild %s\\n' % (os.getpid(), sys.argv[3]))",
                "p = os.path.join(d, 'resident.sock')",
                "os.path.exists(p) and os.unlink(p)",
                "s = socket.socket(socket.AF_UNIX)",
                "s.bind(p)",
                "s.listen(8)",
                "print('ready', flush=True)",
                "while True:",
                "    s.accept()[0].close()");
        Process old = new ProcessBuilder("python3", "-c", older, "dev.helix.cli.resident.ResidentServer", residentDir.toString(), "an-older-build")
                .redirectErrorStream(true).start();
        residents.add(old.pid());
        assertThat(new String(old.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("ready");

        assertThat(launcher(repo.dir, "status", "--json")).as("answered cold").isEqualTo(want);
        assertThat(old.waitFor(60, TimeUnit.SECONDS)).as("the older resident was asked to go").isTrue();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (residentPid().filter(pid -> pid != old.pid()).isEmpty() || !Files.exists(residentDir.resolve("resident.sock"))) {
            assertThat(System.nanoTime()).as("a resident of this build came up").isLessThan(deadline);
            Thread.sleep(200);
            // the first start may have found the lock still held for a moment; a later call starts it again
            if (residentPid().filter(pid -> pid != old.pid()).isEmpty()) launcher(repo.dir, "status", "--json");
        }
        assertThat(launcher(repo.dir, "log", "-n", "1", "--json")).isEqualTo(cold(repo.dir, "log", "-n", "1", "--json"));
    }

    @Test
    void aCallFromADeletedDirectoryIsToldSoBeTheResidentUpOrNot() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        assertThat(cold(repo.dir, "run", "--tag", "a", "--max-experiments", "1").exit()).isZero();
        Result cold = fromDeleted(repo.dir.resolve("gone-1"), "status", "--json");
        launcher(repo.dir, "status", "--json");
        waitForResident();
        Result resident = fromDeleted(repo.dir.resolve("gone-2"), "status", "--json");
        Result text = fromDeleted(repo.dir.resolve("gone-3"), "log", "--text");

        for (Result r : List.of(cold, resident, text)) {
            assertThat(r.exit()).as("%s", r).isEqualTo(2);
            // bash itself says "shell-init: error retrieving current directory" before the launcher runs
            assertThat(r.err()).as("%s", r).endsWith("error: the current directory no longer exists\n  fix: cd to the repository\n")
                    .doesNotContain("Exception", "initialization of VM");
        }
        assertThat(resident).isEqualTo(cold);
        assertThat(cold.out()).contains("\"status\":\"error\"", "\"code\":\"no_working_directory\"");
        assertThat(text.out()).isEmpty();
    }

    /** The launcher called from {@code dir}, deleted after the caller went into it. */
    private Result fromDeleted(Path dir, String... args) throws Exception {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of("bash", "-c", "cd \"$1\" && rmdir \"$1\" && shift && exec \"$0\" \"$@\"",
                install.resolve("helix").toString(), dir.toString()));
        command.addAll(List.of(args));
        return collect(new ProcessBuilder(command).directory(tmp.toFile()));
    }

    record Result(String out, String err, int exit) {
    }

    /** A jar that runs this build's classes, as the build's helix.jar would; {@code mark} makes a different one. */
    private static void writeJar(Path jar, String mark) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.helix.cli.Main");
        StringBuilder cp = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            cp.append(Path.of(entry).toUri()).append(' ');
        }
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, cp.toString().strip());
        Path tmpJar = jar.resolveSibling("helix.jar.tmp");
        try (OutputStream out = Files.newOutputStream(tmpJar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.putNextEntry(new java.util.jar.JarEntry("build-mark.txt"));
            j.write(mark.getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        Files.move(tmpJar, jar, StandardCopyOption.REPLACE_EXISTING);
    }

    private long waitForResident() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            Optional<Long> pid = residentPid();
            if (pid.isPresent() && Files.exists(residentDir.resolve("resident.sock"))) return pid.get();
            assertThat(System.nanoTime()).as("a resident Helix came up").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private Optional<Long> residentPid() throws IOException {
        Path info = residentDir.resolve("resident.info");
        try {
            return Files.readAllLines(info).stream().filter(l -> l.startsWith("pid ")).map(l -> Long.parseLong(l.substring(4))).findFirst();
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("HELIX_NO_DAEMON");
        env.remove("HELIX_RESIDENT_CLIENT");
        env.remove("JAVA_HOME");
        env.put("HELIX_JAVA", java());
        env.put("HELIX_CDS", "off");
        env.put("XDG_RUNTIME_DIR", tmp.resolve("runtime").toString());
        env.put("XDG_STATE_HOME", tmp.resolve("state").toString());
        env.put("HOME", tmp.resolve("home").toString());
        env.put("PATH", tmp.resolve("bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        return env;
    }

    private Result cold(Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"), "dev.helix.cli.Main"));
        command.addAll(List.of(args));
        return collect(new ProcessBuilder(command).directory(cwd.toFile()));
    }

    private Result launcher(Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(install.resolve("helix").toString()));
        command.addAll(List.of(args));
        return collect(new ProcessBuilder(command).directory(cwd.toFile()));
    }

    private Result collect(ProcessBuilder pb) throws Exception {
        pb.environment().clear();
        pb.environment().putAll(env());
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("%s finished", pb.command()).isTrue();
        return new Result(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8), p.exitValue());
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}

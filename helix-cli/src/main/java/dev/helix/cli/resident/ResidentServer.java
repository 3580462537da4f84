package dev.helix.cli.resident;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.adapters.process.CallerEnvironment;
import dev.helix.cli.ReusedCommands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A resident Helix: answers the launcher's read-only calls over a UNIX-domain socket by running the
 * command in-process with the caller's directory and environment, so an agent's {@code helix status}
 * costs a socket round trip instead of a JVM start.
 *
 * <p>What it keeps between calls (decoded ledger sessions, a valid helix.yaml, repositories' top levels)
 * is checked at every call against the files it came from (LedgerMemo, SpecMemo, TopLevels). It answers
 * one call at a time, and exits when idle for {@code HELIX_DAEMON_IDLE} (default 3 h), when a call comes
 * from a different build of Helix, when its own jar or the sources it was built from change, or when told to stop.
 *
 * <p>Reply: one line {@code ok OUT_BYTES ERR_BYTES EXIT} (or {@code refused REASON}), then the stdout
 * bytes, then the stderr bytes.
 */
public final class ResidentServer {
    /** The command trees kept between calls (calls run one at a time). */
    private static final ReusedCommands COMMANDS = new ReusedCommands();
    private final ResidentHome home;
    private final String build;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Duration idle;
    private final byte[] token;
    private final Instant since = Instant.now();
    private final AtomicLong lastCall = new AtomicLong(System.nanoTime());
    private final AtomicLong calls = new AtomicLong();
    private final Object oneAtATime = new Object();
    private final ResidentOrigin origin = ResidentOrigin.ofThisProcess();
    private volatile boolean stopping;

    ResidentServer(ResidentHome home, String build, Duration idle, byte[] token) {
        this.home = home;
        this.build = build;
        this.idle = idle;
        this.token = token;
    }

    /** {@code ResidentServer DIR BUILD}: serves in DIR for the Helix build BUILD until idle, outdated or stopped. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ResidentServer DIR BUILD");
            System.exit(2);
        }
        ResidentHome home = new ResidentHome(Path.of(args[0]).toAbsolutePath());
        home.prepare();
        Optional<FileLock> lock = home.tryLock();
        // one that was told to make way for this build lets go of the lock within moments
        for (int tries = 0; lock.isEmpty() && tries < 30; tries++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            lock = home.tryLock();
        }
        if (lock.isEmpty()) return; // another resident Helix serves this user
        Duration idle = idleLimit(System.getenv("HELIX_DAEMON_IDLE"));
        ResidentServer server = new ResidentServer(home, args[1], idle, home.newToken());
        server.serve();
        System.exit(0);
    }

    /** HELIX_DAEMON_IDLE: seconds, or a number with s, m or h; 3 hours when unset or unreadable. */
    static Duration idleLimit(String value) {
        if (value == null || value.isBlank()) return Duration.ofHours(3);
        String v = value.strip();
        long unit = switch (v.charAt(v.length() - 1)) {
            case 'h' -> 3600;
            case 'm' -> 60;
            case 's' -> 1;
            default -> 0;
        };
        try {
            long n = Long.parseLong(unit == 0 ? v : v.substring(0, v.length() - 1));
            return n > 0 ? Duration.ofSeconds(n * Math.max(unit, 1)) : Duration.ofHours(3);
        } catch (NumberFormatException e) {
            return Duration.ofHours(3);
        }
    }

    /** Binds the socket (replacing a dead one's: the lock proves no one serves it) and answers calls until told to go. */
    void serve() throws IOException {
        Path socket = home.socket();
        Files.deleteIfExists(socket);
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, ResidentHome.OWNER_ONLY);
            home.writePrivate(home.info(), "pid " + ProcessHandle.current().pid() + "\nsince " + since + "\nbuild " + build + "\n");
            Thread.ofPlatform().daemon().name("helix-resident-idle").start(() -> watchIdle(listener));
            // HELIX_RESIDENT_WATCH: the sources a source checkout's launcher builds the jar from, one a line
            String watched = System.getenv().getOrDefault("HELIX_RESIDENT_WATCH", "");
            ResidentOrigin.watch(watched.lines().filter(l -> !l.isBlank()).map(Path::of).toList(), () -> stop(listener));
            while (!stopping) {
                SocketChannel call;
                try {
                    call = listener.accept();
                } catch (IOException closed) {
                    break;
                }
                Thread.ofVirtual().name("helix-resident-call").start(() -> answer(call, listener));
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(home.info());
        }
    }

    /** Closes the listener once no call came for the idle limit. */
    private void watchIdle(ServerSocketChannel listener) {
        long limit = idle.toNanos();
        while (!stopping) {
            long quiet = System.nanoTime() - lastCall.get();
            if (quiet >= limit) {
                synchronized (oneAtATime) {
                    if (System.nanoTime() - lastCall.get() >= limit) stop(listener);
                }
                return;
            }
            try {
                Thread.sleep(Math.min(Duration.ofNanos(limit - quiet).toMillis() + 1, 60_000));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void stop(ServerSocketChannel listener) {
        stopping = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing is all that is asked; the accept loop ends either way
        }
    }

    /** Reads one call, checks who sent it and for which build, runs it and writes the framed reply. */
    private void answer(SocketChannel call, ServerSocketChannel listener) {
        try (call; InputStream in = Channels.newInputStream(call); OutputStream out = Channels.newOutputStream(call)) {
            ResidentRequest request = ResidentRequest.read(in);
            if (!MessageDigest.isEqual(token, request.token().getBytes(StandardCharsets.US_ASCII))) {
                refuse(out, "token");
                return;
            }
            if (request.operation().equals("run") && (!build.equals(request.build()) || origin.jarChanged())) {
                // a rebuilt or upgraded Helix is never answered by this one: it goes, and the caller runs cold
                refuse(out, "build");
                stop(listener);
                return;
            }
            synchronized (oneAtATime) {
                if (stopping) {
                    refuse(out, "stopping");
                    return;
                }
                lastCall.set(System.nanoTime());
                calls.incrementAndGet();
                switch (request.operation()) {
                    case "run" -> reply(out, run(request));
                    case "status" -> reply(out, new Answer((request.args().contains("--json") ? statusJson() : status())
                            .getBytes(StandardCharsets.UTF_8), new byte[0], 0));
                    case "stop" -> {
                        long pid = ProcessHandle.current().pid();
                        reply(out, new Answer((request.args().contains("--json")
                                ? envelope(JSON.createObjectNode().put("running", false).put("stopped", true).put("pid", pid))
                                : "stopped the resident Helix (pid " + pid + ")\n").getBytes(StandardCharsets.UTF_8), new byte[0], 0));
                        stop(listener);
                    }
                    default -> refuse(out, "operation");
                }
                lastCall.set(System.nanoTime());
            }
        } catch (IOException | RuntimeException e) {
            // a caller that hung up or sent garbage gets nothing; the launcher runs such a call cold
        }
    }

    /** What a call printed and how it ended. */
    record Answer(byte[] stdout, byte[] stderr, int exit) {
    }

    /** Runs the command as a cold {@code java -jar helix.jar} started in the caller's directory and environment would. */
    static Answer run(ResidentRequest request) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
        // the launcher sends only calls whose stdout is not a terminal: a cold call has no console then
        int exit = CallerEnvironment.with(request.env(),
                () -> COMMANDS.run(request.args().toArray(String[]::new), out, err, request.cwd()));
        out.flush();
        err.flush();
        return new Answer(stdout.toByteArray(), stderr.toByteArray(), exit);
    }

    private String status() {
        long pid = ProcessHandle.current().pid();
        Runtime rt = Runtime.getRuntime();
        return "resident Helix: pid " + pid + "\n"
                + "socket: " + home.socket() + "\n"
                + "since: " + since + " (" + calls.get() + " calls)\n"
                + "build: " + build + "\n"
                + "memory: " + residentMemory().map(kb -> kb / 1024 + " MB resident, ").orElse("")
                + (rt.totalMemory() - rt.freeMemory()) / (1 << 20) + " MB heap in use of " + rt.maxMemory() / (1 << 20) + " MB\n"
                + "idle limit: " + idle.toMinutes() + " min\n";
    }

    /** What {@link #status} says, as the JSON envelope every command prints with --json. */
    private String statusJson() {
        Runtime rt = Runtime.getRuntime();
        ObjectNode data = JSON.createObjectNode().put("running", true).put("pid", ProcessHandle.current().pid())
                .put("socket", home.socket().toString()).put("since", since.toString()).put("calls", calls.get()).put("build", build);
        residentMemory().ifPresentOrElse(kb -> data.put("resident_mb", kb / 1024), () -> data.putNull("resident_mb"));
        data.put("heap_used_mb", (rt.totalMemory() - rt.freeMemory()) / (1 << 20)).put("heap_max_mb", rt.maxMemory() / (1 << 20))
                .put("idle_limit_minutes", idle.toMinutes());
        return envelope(data);
    }

    private static String envelope(ObjectNode data) {
        ObjectNode root = JSON.createObjectNode().put("status", "success");
        root.set("data", data);
        root.putArray("hints");
        return root + "\n";
    }

    /** The resident set size in KB, where /proc tells it (Linux). */
    private static Optional<Long> residentMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the heap figures stand alone
        }
        return Optional.empty();
    }

    private static void reply(OutputStream out, Answer answer) throws IOException {
        out.write(("ok " + answer.stdout().length + " " + answer.stderr().length + " " + answer.exit() + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(answer.stdout());
        out.write(answer.stderr());
        out.flush();
    }

    private static void refuse(OutputStream out, String reason) throws IOException {
        out.write(("refused " + reason + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}

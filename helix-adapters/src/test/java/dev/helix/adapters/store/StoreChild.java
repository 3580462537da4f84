package dev.helix.adapters.store;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A second process for the cross-process tests: appends records, or holds a session lock. */
public final class StoreChild {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "append" -> {
                FileLedgerStore store = new FileLedgerStore(Path.of(args[1]));
                LedgerCodec.encode(record(args[2], 0)); // load classes before "ready"
                System.out.println("ready");
                System.out.flush();
                new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine(); // "go"
                for (int i = 0; i < Integer.parseInt(args[3]); i++) {
                    store.append(record(args[2], i));
                }
            }
            case "lock" -> {
                SessionLock lock = SessionLock.acquire(Path.of(args[1]));
                System.out.println("locked " + lock.pid());
                System.out.flush();
                Thread.sleep(60_000); // until killed
            }
            case "record-lock" -> {
                SessionLock lock = SessionLock.awaitForRecord(Path.of(args[1]), java.time.Duration.ofSeconds(5));
                System.out.println("locked " + lock.pid());
                System.out.flush();
                Thread.sleep(60_000); // until killed
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static Experiment record(String tag, int run) {
        Instant t = Instant.parse("2024-11-23T08:00:00Z").plusSeconds(run);
        return new Experiment(run, tag, 0, "p", "c" + run, run == 0 ? Status.BASELINE : Status.DISCARD,
                Map.of("loss", 1.0 / (run + 1)), Optional.of(1.0 / (run + 1)), Optional.empty(), Optional.empty(),
                "experiment " + run + " of " + tag, Optional.empty(), "", List.of(), t, t, 1.5, Optional.of(0),
                false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
    }

    /** Starts this class's main in a new JVM with the test classpath. */
    static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                // the same ledger keys as this JVM: one user's processes share them
                "-Dhelix.state.home=" + System.getProperty("helix.state.home", ""),
                StoreChild.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    static void awaitSuccess(Process p) throws InterruptedException {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child process did not finish");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("child process failed with exit code " + p.exitValue());
        }
    }
}

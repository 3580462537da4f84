package dev.helix.core.session;

import dev.helix.core.port.Executor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An evaluation without a process: its output is computed from the worktree's files (read through
 * the in-memory VCS). An evaluation can be held at a latch until the test releases it; a held one
 * honours interruption as a killed process does (interrupted result, interrupt flag set again).
 */
final class FakeExecutor implements Executor {
    /** How long a held evaluation waits for its release before the test fails. */
    static final long PATIENCE_SECONDS = 10;

    /** What the evaluation command prints and how it exits, for the worktree's files. */
    record Run(int exitCode, String output, boolean timedOut) {
        static Run ok(String output) {
            return new Run(0, output, false);
        }

        static Run failed(int exitCode, String output) {
            return new Run(exitCode, output, false);
        }

        static Run timeout(String output) {
            return new Run(-1, output, true);
        }
    }

    /** One evaluation as the executor saw it: its log's name (e.g. "1-1.log"), the worker, the files. */
    record Seen(String log, int worker, Map<String, String> files) {}

    /** An evaluation to stop at: {@code reached} opens when it starts, it goes on once {@code release} opens. */
    record Hold(String log, CountDownLatch reached, CountDownLatch release) {}

    private final InMemoryVcs vcs;
    private final Function<Map<String, String>, Run> program;
    private final List<Seen> seen = new ArrayList<>();
    private final List<Hold> holds = new ArrayList<>();
    /** What evaluate.checks (a log named *.checks.log) prints and how it exits; they pass by default. */
    private volatile Function<Map<String, String>, Run> checks = files -> Run.ok("all tests passed\n");

    FakeExecutor(InMemoryVcs vcs, Function<Map<String, String>, Run> program) {
        this.vcs = vcs;
        this.program = program;
    }

    /**
     * The evaluation prints "score: &lt;the content of {@code file}&gt;"; when that is not a number it
     * fails as a Python script would, with exit code 1 and a traceback.
     */
    static Function<Map<String, String>, Run> scoreOf(String file) {
        return files -> sumOf(file).apply(files);
    }

    /** As {@link #scoreOf}, the score being the sum of the numbers in {@code files}. */
    static Function<Map<String, String>, Run> sumOf(String... names) {
        return files -> {
            double sum = 0;
            for (String name : names) {
                String text = files.getOrDefault(name, "").strip();
                try {
                    sum += Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    return Run.failed(1, "loading " + name + "\nTraceback (most recent call last):\n"
                            + "ValueError: could not convert string to float: '" + text + "'\n");
                }
            }
            return Run.ok("evaluating\nscore: " + sum + "\n");
        };
    }

    /** evaluate.checks from now on run {@code program}. */
    FakeExecutor checking(Function<Map<String, String>, Run> program) {
        checks = program;
        return this;
    }

    /** Holds the evaluation logging to {@code log} (e.g. "1.log") until the returned hold's release opens. */
    synchronized Hold hold(String log) {
        Hold h = new Hold(log, new CountDownLatch(1), new CountDownLatch(1));
        holds.add(h);
        return h;
    }

    synchronized List<Seen> seen() {
        return List.copyOf(seen);
    }

    synchronized List<String> logs() {
        return seen.stream().map(Seen::log).toList();
    }

    @Override
    public Result run(Request request) {
        String log = request.log().getFileName().toString();
        Map<String, String> files = vcs.files(request.workdir());
        Hold hold;
        synchronized (this) {
            seen.add(new Seen(log, Integer.parseInt(request.env().get("HELIX_WORKER")), files));
            hold = holds.stream().filter(h -> h.log().equals(log)).findFirst().orElse(null);
            if (hold != null) holds.remove(hold);
        }
        if (hold != null) {
            hold.reached().countDown();
            try {
                if (!hold.release().await(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("the evaluation " + log + " was held for more than " + PATIENCE_SECONDS + "s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // as the port says: killed, and the flag set again
                return new Result(-1, false, true, 0.5, "evaluating\n", 11, "");
            }
        }
        Run r = (log.endsWith(".checks.log") ? checks : program).apply(files);
        return new Result(r.exitCode(), r.timedOut(), false, 1.0, r.output(), r.output().length(), "");
    }
}

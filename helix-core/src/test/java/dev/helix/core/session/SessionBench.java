package dev.helix.core.session;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.Clock;
import dev.helix.core.port.Executor;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Direction;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A whole session on in-memory fakes: a repository with one commit, the ledger, a proposer that
 * follows a script and an executor that computes the score from the worktree's files. Maximizes
 * "score", judged strictly unless told otherwise; the spec is built from its records.
 */
final class SessionBench {
    static final Path REPO = Path.of("/repo");
    static final Path WORKTREE = REPO.resolve(".helix/worktrees/t");
    static final String TAG = "t";
    static final String BRANCH = "refs/heads/helix/t";
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final Clock FIXED = new Clock() {
        @Override
        public Instant now() {
            return NOW;
        }

        @Override
        public long nanos() {
            return 0;
        }
    };

    final InMemoryVcs vcs = new InMemoryVcs();
    final InMemoryLedger ledger = new InMemoryLedger();
    final ScriptedProposer proposer = new ScriptedProposer(vcs);
    final TestThreads threads = new TestThreads();
    final String start;
    private final List<Event> events = new ArrayList<>();
    private final List<Consumer<Event>> listeners = new ArrayList<>();
    private FakeExecutor executor;
    private List<String> editable = List.of("x.txt");
    private int workers = 1;
    private Spec.OnStale onStale = Spec.OnStale.REBASE;
    private Checkout checkout = Checkout.HELIX;
    private Spec.JudgeMode judge = Spec.JudgeMode.STRICT;
    private int repeats = 1;
    private Spec.StrayFiles strayFiles = Spec.StrayFiles.REMOVE;
    private Clock clock = FIXED;
    private int maxFailures = Spec.RunSpec.MAX_FAILURES;
    private int maxOutageSeconds = Spec.RunSpec.MAX_OUTAGE_SECONDS;
    private dev.helix.core.spec.Isolation isolation = dev.helix.core.spec.Isolation.AUTO;
    private Proposer proposing;
    private Optional<dev.helix.core.spec.Checks> checks = Optional.empty();

    private SessionBench(Map<String, String> files) {
        start = vcs.commitFiles(files, "the user's code");
        executor = new FakeExecutor(vcs, FakeExecutor.scoreOf("x.txt"));
    }

    /** A repository whose one commit holds {@code files}; helix.yaml and evaluate.py are added. */
    static SessionBench repository(Map<String, String> files) {
        Map<String, String> all = new java.util.TreeMap<>(files);
        all.put("helix.yaml", "name: bench\n");
        all.put("evaluate.py", "print('score:', float(open('x.txt').read()))\n");
        return new SessionBench(all);
    }

    SessionBench evaluating(Function<Map<String, String>, FakeExecutor.Run> program) {
        executor = new FakeExecutor(vcs, program);
        return this;
    }

    /** The judge's mode, and how often the baseline is measured. */
    SessionBench judged(Spec.JudgeMode mode, int baselineRepeats) {
        judge = mode;
        repeats = baselineRepeats;
        return this;
    }

    /** Sessions from now on gate keeps with evaluate.checks ("sh checks.sh"), run as the executor's checks program says. */
    SessionBench checks(int timeoutSeconds) {
        checks = Optional.of(new dev.helix.core.spec.Checks("sh checks.sh", timeoutSeconds));
        return this;
    }

    SessionBench editable(String... globs) {
        editable = List.of(globs);
        return this;
    }

    /** What the session does with ignored files a proposer leaves (scope.stray_files). */
    SessionBench strayFiles(Spec.StrayFiles what) {
        strayFiles = what;
        return this;
    }

    SessionBench workers(int n, Spec.OnStale whenStale) {
        workers = n;
        onStale = whenStale;
        return this;
    }

    /** Sessions from now on keep their evaluations apart as {@code i} says (run.isolation). */
    SessionBench isolation(dev.helix.core.spec.Isolation i) {
        isolation = i;
        return this;
    }

    /** Sessions from now on work in the user's checkout, shared with the agent (as helix try does). */
    SessionBench sharedCheckout() {
        checkout = Checkout.SHARED;
        return this;
    }

    /** Sessions from now on read time from {@code c}. */
    SessionBench clock(Clock c) {
        clock = c;
        return this;
    }

    /** The breaker's bounds (run.max_failures, run.max_outage_seconds). */
    SessionBench breaker(int failures, int outageSeconds) {
        maxFailures = failures;
        maxOutageSeconds = outageSeconds;
        return this;
    }

    FakeExecutor executor() {
        return executor;
    }

    /** Opens {@code latch} when a record matching {@code which} is appended. */
    synchronized void onRecord(Predicate<Experiment> which, CountDownLatch latch) {
        listeners.add(e -> {
            if (e instanceof Event.ExperimentFinished f && which.test(f.experiment())) latch.countDown();
        });
    }

    /** Hands every event from now on to {@code listener}. */
    synchronized void onEvent(Consumer<Event> listener) {
        listeners.add(listener);
    }

    /** Runs {@code action} on the first notice (e.g. the breaker's wait). */
    synchronized void onRecordOrNotice(Runnable action) {
        boolean[] done = new boolean[1];
        listeners.add(e -> {
            if (e instanceof Event.Notice && !done[0]) {
                done[0] = true;
                action.run();
            }
        });
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The worktree of worker {@code k}; the first is the session's. */
    /** Sessions propose with {@code p} instead of the scripted proposer. */
    SessionBench proposing(Proposer p) {
        proposing = p;
        return this;
    }

    static Path worktree(int k) {
        return k == 1 ? WORKTREE : REPO.resolve(".helix/worktrees/t-w" + k);
    }

    Spec spec() {
        return new Spec("bench", "1.0.0", "test", "A session on in-memory fakes.", Optional.empty(),
                new Spec.Scope(editable, List.of(), strayFiles),
                new Spec.Metrics(new Spec.MetricSpec("score", Direction.MAXIMIZE), Optional.empty(), List.of()),
                new Spec.Evaluate("python evaluate.py", Optional.empty(), 60, Spec.OutputFormat.PATTERN,
                        Map.of("primary", "^score: (\\S+)$"), Optional.empty(), repeats, Optional.empty(), Spec.MetricSource.OUTPUT,
                        List.of(), Optional.empty(), checks),
                new Spec.JudgeSpec(judge, Spec.Threshold.ZERO, 0.95, false),
                new Spec.AgentSpec("script", Optional.empty(), 200, 2, Optional.empty(), 600),
                new Spec.SearchSpec(List.of(), 0, 4),
                new Spec.RunSpec(workers, "local", List.of(), Spec.SlurmSpec.DEFAULT, onStale, List.of(), List.of(),
                        Optional.empty(), maxFailures, maxOutageSeconds, isolation, List.of(), null),
                Map.of(), "helix.yaml");
    }

    /**
     * A new session on this bench's repository and ledger, stopping after {@code maxExperiments};
     * each worker's worktree is added at the start commit the first time.
     */
    Session session(int maxExperiments) {
        return session(maxExperiments, java.util.OptionalLong.empty());
    }

    /** A new session with a token cap (--max-tokens). */
    Session session(int maxExperiments, java.util.OptionalLong maxTokens) {
        List<Lane> lanes = new ArrayList<>();
        for (int k = 1; k <= workers; k++) {
            if (!vcs.hasWorktree(REPO, worktree(k))) vcs.addWorktree(REPO, worktree(k), start);
            lanes.add(new Lane(k, worktree(k), Optional.empty()));
        }
        Plan plan = new Plan(REPO, WORKTREE, TAG, BRANCH, start, spec(), "helix.yaml", "", REPO.resolve(".helix/runs/" + TAG),
                OptionalInt.of(maxExperiments), Optional.empty(), "session-1", Optional.empty(), UnaryOperator.identity(), lanes,
                checkout, maxTokens);
        Executor ex = executor;
        return new Session(new Ports(vcs, ex, proposing != null ? proposing : proposer, ledger, new dev.helix.core.port.ResultFiles() {
            @Override public Optional<String> read(java.nio.file.Path file) { return Optional.empty(); }
            @Override public void remove(java.nio.file.Path file) {}
        }, clock, this::emit, threads), plan);
    }

    private void emit(Event e) {
        List<Consumer<Event>> now;
        synchronized (this) {
            events.add(e);
            now = List.copyOf(listeners);
        }
        now.forEach(l -> l.accept(e));
    }

    /** The record of {@code run}'s attempt {@code attempt}. */
    Experiment record(int run, int attempt) {
        return ledger.records().stream().filter(e -> e.run() == run && e.attempt() == attempt).findFirst()
                .orElseThrow(() -> new AssertionError("no record of run " + run + " attempt " + attempt + " in " + ledger.records()));
    }

    Optional<String> ref(String name) {
        return vcs.ref(name);
    }

    Optional<String> experimentRef(String suffix) {
        return vcs.ref("refs/helix/" + TAG + "/" + suffix);
    }

    String branch() {
        return vcs.ref(BRANCH).orElseThrow(() -> new AssertionError("the session branch was never set"));
    }
}

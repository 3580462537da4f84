package dev.helix.cli;

import dev.helix.adapters.agents.Backends;
import dev.helix.core.port.AgentBackend;
import dev.helix.adapters.git.GitVcs;
import dev.helix.adapters.Executors;
import dev.helix.adapters.process.LocalExecutor;
import dev.helix.adapters.process.Programs;
import dev.helix.adapters.slurm.SlurmExecutor;
import dev.helix.adapters.specio.SpecFiles;
import dev.helix.adapters.store.FileLedgerStore;
import dev.helix.adapters.store.SessionLock;
import dev.helix.adapters.store.LedgerCodec;
import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.ledger.LedgerTsv;
import dev.helix.core.port.Clock;
import dev.helix.core.port.Events;
import dev.helix.core.port.Proposer;
import dev.helix.core.scope.Glob;
import dev.helix.core.secret.Secrets;
import dev.helix.core.session.Direction;
import dev.helix.core.session.Session;
import dev.helix.core.spec.Spec;
import dev.helix.core.tune.ParameterText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Starts or resumes a session in a repository: checks everything that can be checked before a
 * single file is written, prepares the worktree and branch, runs the core's {@link Session} with
 * the real adapters, and commits the ledger to the session branch at the end.
 */
final class SessionRunner {
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * What the command line says; {@code workers}, {@code directions} and {@code executor} override
     * helix.yaml's run section.
     */
    record Options(Optional<String> tag, Optional<String> backend, OptionalInt maxExperiments,
                   Optional<Duration> maxTime, Optional<Double> maxCost, boolean resume, OptionalInt workers,
                   Optional<List<String>> directions, Optional<String> executor) {
        Options(Optional<String> tag, Optional<String> backend, OptionalInt maxExperiments,
                Optional<Duration> maxTime, Optional<Double> maxCost, boolean resume) {
            this(tag, backend, maxExperiments, maxTime, maxCost, resume, OptionalInt.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** More workers than this is a typing mistake, not a plan: each one is a full worktree. */
    static final int MAX_WORKERS = 256;

    /** Everything checked; nothing written yet. */
    record Prepared(Path repo, Path specFile, Spec spec, String tag, boolean resume, AgentBackend backend,
                    Options options) {
        Path helixDir() {
            return repo.resolve(".helix");
        }

        Path worktree() {
            return helixDir().resolve("worktrees").resolve(tag);
        }

        /** Worker k's worktree: the session's own for the first, .helix/workers/&lt;tag&gt;/w&lt;k&gt; for the others. */
        Path worktree(int worker) {
            return worker == 1 ? worktree() : helixDir().resolve("workers").resolve(tag).resolve("w" + worker);
        }

        String branchRef() {
            return "refs/heads/helix/" + tag;
        }

        String specPath() {
            return repo.relativize(specFile).toString().replace('\\', '/');
        }
    }

    record Finished(Session.Outcome outcome, Prepared prepared, String ledgerCommit) {}

    private final GitVcs vcs = new GitVcs();

    /** Validates the repository, the spec and the options; throws with a fix for the first blocking problem. */
    Prepared prepare(Path cwd, Options options) {
        Path repo = vcs.topLevel(cwd).orElseThrow(() -> CommandException.usage("not_a_repository",
                "not a git repository: " + cwd,
                "run Helix inside your project's git repository (or: git init && git add -A && git commit -m start)"));
        if (vcs.resolve(repo, "HEAD").isEmpty()) {
            throw CommandException.usage("no_commits", "the repository " + repo + " has no commits",
                    "commit your code first: git add -A && git commit -m start");
        }
        Path specFile = SpecFiles.find(repo).orElseThrow(() -> CommandException.usage("no_spec",
                "no helix.yaml (or autoresearch.toml, research.json, CLAUDE.md section) in " + repo,
                "run 'helix init' to write one, then edit it"));
        Spec spec = withOptions(SpecFiles.load(specFile), options);
        String backend = options.backend().orElse(spec.agent().backend());
        AgentBackend agent = backend(backend, spec);

        String specPath = repo.relativize(specFile).toString();
        List<String> dirty = new ArrayList<>(vcs.modifiedTrackedFiles(repo));
        dirty.removeAll(List.of(specPath, "program.md", ".gitignore")); // what helix init writes
        if (!dirty.isEmpty()) {
            throw CommandException.usage("dirty_tree", "the working tree has uncommitted changes: " + String.join(", ", dirty),
                    "commit or stash them: a session starts from HEAD and never touches your working copy");
        }
        List<String> tracked = vcs.trackedFiles(repo);
        if (tracked.stream().noneMatch(f -> Glob.any(spec.scope().editable(), f))) {
            throw CommandException.usage("no_editable_files", spec.source() + ": scope.editable " + spec.scope().editable()
                    + " matches no committed file", "name files that exist at HEAD, relative to " + repo);
        }
        checkCommand(spec, repo);
        if (backend.equals("tune")) checkParameters(spec, repo);

        LedgerStoreView ledger = new LedgerStoreView(new FileLedgerStore(repo.resolve(".helix/experiments.jsonl")));
        String tag = chooseTag(repo, options, ledger);
        return new Prepared(repo, specFile, spec, tag, options.resume(), agent, options);
    }

    /** Runs the prepared session; {@code stopHook} receives the session so a signal can stop it. */
    Finished run(Prepared p, Events events, java.util.function.Consumer<Session> stopHook) {
        try {
            Files.createDirectories(p.helixDir().resolve("runs").resolve(p.tag()));
            excludeHelixDir(p.repo());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (SessionLock lock = lock(p)) {
            String sessionId = "helix-" + p.tag() + "-" + shortHash(p.repo().toString());
            int strays = LocalExecutor.killMarked("HELIX_SESSION", sessionId);
            if (strays > 0) events.emit(new Event.Notice("stopped " + strays + " evaluation process(es) left by an earlier run"));
            int jobs = SlurmExecutor.cancelMarked(sessionId);
            if (jobs > 0) events.emit(new Event.Notice("cancelled " + jobs + " Slurm job(s) left by an earlier run"));
            FileLedgerStore ledger = new FileLedgerStore(p.helixDir().resolve("experiments.jsonl"));
            ledger.read().warnings().forEach(w -> events.emit(new Event.Notice(w)));
            String start = prepareWorktree(p);
            Secrets secrets = Secrets.of(System.getenv(), p.spec().agent().apiKeyEnv().stream().toList());
            Path logDir = p.helixDir().resolve("runs").resolve(p.tag());
            Proposer proposer = p.backend().create(new AgentBackend.Context(p.spec(), System.getenv(), logDir, secrets));
            String program = readIfExists(p.repo().resolve("program.md")).orElse("");
            List<Session.Lane> lanes = lanes(p, start, program);
            WorkerBoard board = new WorkerBoard(WorkerBoard.file(p.repo(), p.tag()), p.spec().run().workers());
            Session session = new Session(
                    new Session.Ports(vcs, Executors.forSpec(p.spec()), proposer, ledger, SessionRunner::readIfExists,
                            Clock.SYSTEM, board.around(events)),
                    new Session.Plan(p.repo(), p.worktree(), p.tag(), p.branchRef(), start, p.spec(), p.specPath(),
                            program, logDir, p.options().maxExperiments(), p.options().maxTime(), sessionId,
                            p.options().maxCost(), secrets, lanes));
            stopHook.accept(session);
            Session.Outcome outcome;
            try {
                outcome = session.run();
            } finally {
                board.close();
            }
            // The other workers' worktrees hold nothing the refs do not: they go, so W copies do not pile up.
            for (Session.Lane lane : lanes) {
                if (lane.worker() > 1) vcs.removeWorktree(p.repo(), lane.worktree());
            }
            String ledgerCommit = commitLedger(p, outcome.experiments());
            events.emit(new Event.SessionFinished(p.tag(), "helix/" + p.tag(), outcome.reason().text
                    + (outcome.detail().isBlank() ? "" : ": " + outcome.detail()),
                    p.helixDir().resolve("experiments.jsonl"), ledgerCommit));
            return new Finished(outcome, p, ledgerCommit);
        }
    }

    private static SessionLock lock(Prepared p) {
        return lock(p.helixDir(), p.tag());
    }

    /** The session's lock, or a runtime error naming the process that holds it. */
    static SessionLock lock(Path helixDir, String tag) {
        try {
            return SessionLock.acquire(SessionLock.forTag(helixDir, tag));
        } catch (SessionLock.HeldException e) {
            throw CommandException.runtime("session_running", e.getMessage(),
                    "wait for it, stop it (Ctrl-C or kill its pid), or start another session with a new --tag");
        }
    }

    /**
     * Creates the worktree, or takes over the one a killed run left; returns the commit a fresh
     * baseline measures. Every step can be cut short by a kill and redone.
     */
    private String prepareWorktree(Prepared p) {
        Path wt = p.worktree();
        Optional<String> branch = vcs.resolve(p.repo(), p.branchRef());
        String start = branch.orElseGet(() -> vcs.resolve(p.repo(), "HEAD").orElseThrow());
        worktreeAt(p.repo(), wt, start);
        if (branch.isPresent()) return start;
        // helix.yaml and program.md may be new or edited in the user's copy: the session carries them.
        List<String> carried = new ArrayList<>();
        for (String file : List.of(p.specPath(), "program.md")) {
            Path source = p.repo().resolve(file);
            if (!Files.isRegularFile(source)) continue;
            try {
                byte[] mine = Files.readAllBytes(source);
                Path target = wt.resolve(file);
                if (!Files.exists(target) || !java.util.Arrays.equals(mine, Files.readAllBytes(target))) {
                    Files.createDirectories(target.getParent());
                    Files.write(target, mine);
                    carried.add(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!carried.isEmpty()) {
            start = vcs.commit(wt, carried, "helix(" + p.tag() + "): session spec (" + String.join(", ", carried) + ")");
        }
        vcs.updateRef(p.repo(), p.branchRef(), start);
        return start;
    }

    /** The workers: the first in the session's worktree, the others in worktrees of their own, made (or taken over) here. */
    private List<Session.Lane> lanes(Prepared p, String start, String program) {
        int workers = p.spec().run().workers();
        List<Optional<Direction>> directions = Direction.forWorkers(p.spec().run().directions(), program, workers);
        List<Session.Lane> lanes = new ArrayList<>();
        for (int k = 1; k <= workers; k++) {
            Path wt = p.worktree(k);
            if (k > 1) worktreeAt(p.repo(), wt, start);
            lanes.add(new Session.Lane(k, wt, directions.get(k - 1)));
        }
        // A resumed session with fewer workers than before: the extra worktrees go.
        Path extra = p.worktree(workers + 1).getParent();
        for (int k = workers + 1; Files.isDirectory(extra.resolve("w" + k)); k++) {
            if (vcs.hasWorktree(p.repo(), extra.resolve("w" + k))) vcs.removeWorktree(p.repo(), extra.resolve("w" + k));
            deleteTree(extra.resolve("w" + k));
        }
        return lanes;
    }

    /** helix.yaml's run section with the command line's overrides, checked. */
    private static Spec withOptions(Spec spec, Options o) {
        Spec.RunSpec run = spec.run();
        if (o.workers().isPresent()) {
            int w = o.workers().getAsInt();
            if (w < 1 || w > MAX_WORKERS) {
                throw CommandException.usage("bad_option", "--workers must be between 1 and " + MAX_WORKERS + ", got " + w,
                        "e.g. --workers 4 (one per GPU or per few cores)");
            }
            run = run.withWorkers(w);
        }
        if (o.executor().isPresent()) {
            String given = o.executor().get();
            run = run.withExecutor(Executors.named(given).orElseThrow(() -> CommandException.usage("bad_option",
                    "unknown executor '" + given + "' for --executor: choose " + String.join(" or ", Executors.NAMES),
                    "e.g. --executor slurm (run.slurm in helix.yaml sets the job options)")));
        }
        if (o.directions().isPresent()) {
            List<String> given = o.directions().get().stream().map(String::strip).toList();
            if (given.isEmpty() || given.stream().anyMatch(String::isEmpty)) {
                throw CommandException.usage("bad_option", "--directions has an empty entry",
                        "give one direction per worker, comma-separated: a section title of program.md or a line of text");
            }
            run = run.withDirections(given);
        }
        if (run.directions().size() > run.workers()) {
            throw CommandException.usage("bad_option", run.directions().size() + " directions for " + run.workers()
                    + (run.workers() == 1 ? " worker" : " workers") + ": some would never be explored",
                    "run as many workers (--workers " + run.directions().size() + ") or give fewer directions");
        }
        boolean pinned = run.slots().stream().anyMatch(s -> s.strip().startsWith("cpu:"));
        if (pinned && run.executor().equals("local") && !Programs.onPath("taskset", System.getenv())) {
            throw CommandException.usage("taskset_missing", spec.source() + ": run.slots pins evaluations to CPUs, which needs taskset",
                    "install util-linux (apt-get install util-linux), or list GPU ids or no slots");
        }
        return spec.withRun(run);
    }

    /** A worktree at {@code commit}: the one there (a killed run's), or made afresh. */
    private void worktreeAt(Path repo, Path wt, String commit) {
        if (vcs.hasWorktree(repo, wt)) {
            vcs.reset(wt, commit, List.of());
        } else {
            deleteTree(wt); // a half-made worktree of a killed run
            vcs.addWorktree(repo, wt, commit);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes this session's experiments.tsv and experiments.jsonl onto the branch, on top of the best. */
    private String commitLedger(Prepared p, List<Experiment> records) {
        if (records.isEmpty()) return "";
        Path wt = p.worktree();
        try {
            Files.writeString(wt.resolve("experiments.tsv"), LedgerTsv.render(records, p.spec().metrics().primary().name(),
                    p.spec().metrics().qualityGuard().map(Spec.QualityGuard::name)), StandardCharsets.UTF_8);
            StringBuilder jsonl = new StringBuilder();
            records.forEach(r -> jsonl.append(LedgerCodec.encode(r)).append('\n'));
            Files.writeString(wt.resolve("experiments.jsonl"), jsonl, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String commit = vcs.commitForced(wt, List.of("experiments.tsv", "experiments.jsonl"),
                "helix(" + p.tag() + "): ledger, " + records.size() + " records");
        vcs.updateRef(p.repo(), p.branchRef(), commit);
        return commit;
    }

    /** The named backend, ready to run here, or a usage error saying what to install or set. */
    private static AgentBackend backend(String name, Spec spec) {
        AgentBackend backend = Backends.find(name).orElseThrow(() -> CommandException.usage("unknown_backend",
                "unknown backend '" + name + "'", "choose one of: " + String.join(", ", Backends.names())));
        List<AgentBackend.Unready> problems = backend.check(spec, System.getenv());
        if (!problems.isEmpty()) {
            throw CommandException.usage("backend_not_ready", "the " + name + " backend cannot run: "
                    + String.join("; ", problems.stream().map(AgentBackend.Unready::message).toList()),
                    String.join("; ", problems.stream().map(AgentBackend.Unready::suggestion).toList()));
        }
        return backend;
    }

    /** The tag for a new (or, with resume, an existing) session of {@code repo}. */
    String chooseTag(Path repo, Optional<String> tag, boolean resume) {
        return chooseTag(repo, new Options(tag, Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty(), resume),
                new LedgerStoreView(new FileLedgerStore(repo.resolve(".helix/experiments.jsonl"))));
    }

    private String chooseTag(Path repo, Options options, LedgerStoreView ledger) {
        if (options.tag().isPresent()) {
            String tag = options.tag().get();
            if (!TAG.matcher(tag).matches()) {
                throw CommandException.usage("bad_tag", "--tag '" + tag + "' is not a usable name",
                        "use letters, digits, '.', '_' and '-', starting with a letter or digit");
            }
            // --resume of a session that does not exist yet starts it, so a restart loop around
            // 'helix run --resume --tag T' works from the very first start.
            // A branch without records (made by helix fork) is where a new session starts.
            if (!options.resume() && ledger.hasTag(tag)) {
                throw CommandException.usage("tag_taken", "session '" + tag + "' already exists (branch helix/" + tag + ")",
                        "continue it with 'helix run --resume --tag " + tag + "', or choose another --tag");
            }
            return tag;
        }
        if (options.resume()) {
            return ledger.lastTag().or(() -> vcs.refs(repo, "refs/heads/helix/").stream()
                            .map(r -> r.substring("refs/heads/helix/".length())).reduce((a, b) -> b))
                    .orElseThrow(() -> CommandException.usage("no_session", "there is no session to resume in " + repo,
                            "start one with 'helix run'"));
        }
        LocalDate today = LocalDate.now();
        String base = today.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT).toLowerCase(Locale.ROOT)
                + today.getDayOfMonth();
        String tag = base;
        for (int i = 2; taken(repo, tag, ledger); i++) tag = base + "-" + i;
        return tag;
    }

    private boolean taken(Path repo, String tag, LedgerStoreView ledger) {
        return vcs.resolve(repo, "refs/heads/helix/" + tag).isPresent() || ledger.hasTag(tag);
    }

    /** The evaluation's program must exist: a file in the repository or a command on PATH. */
    private static void checkCommand(Spec spec, Path repo) {
        Programs.missing(spec.evaluate().command(), repo, System.getenv()).ifPresent(program -> {
            throw CommandException.usage("command_not_found", spec.source() + ": evaluate.command: '" + program
                    + "' is neither a file in the repository nor a command on PATH",
                    "install it or fix evaluate.command (it runs with sh -c in the session's worktree)");
        });
    }

    /** Every tuned parameter must be found in its file at HEAD, or every experiment would be rejected. */
    private void checkParameters(Spec spec, Path repo) {
        if (spec.search().parameters().isEmpty()) {
            throw CommandException.usage("no_parameters", spec.source() + ": search.parameters is empty; the tune backend has nothing to tune",
                    "declare parameters (file, pattern with one capture group, type, range) or use another backend");
        }
        for (Spec.Parameter param : spec.search().parameters()) {
            String field = "search.parameters." + param.name();
            Optional<String> text = readIfExists(repo.resolve(param.file()));
            if (text.isEmpty()) {
                throw CommandException.usage("parameter_file_missing", spec.source() + ": " + field + ".file: "
                        + param.file() + " does not exist", "name a committed file relative to the repository root");
            }
            if (ParameterText.read(param, text.get()).isEmpty()) {
                throw CommandException.usage("parameter_not_found", spec.source() + ": " + field + ".pattern '"
                        + param.pattern() + "' matches nothing in " + param.file(),
                        "make the pattern's capture group match the value as written in the file");
            }
            if (!Glob.any(spec.scope().editable(), param.file())) {
                throw CommandException.usage("parameter_not_editable", spec.source() + ": " + field + ".file: "
                        + param.file() + " is not in scope.editable", "add it to scope.editable");
            }
        }
    }

    static Optional<String> readIfExists(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps .helix/ out of the user's git status without editing a tracked file. */
    static void excludeHelixDir(Path repo) throws IOException {
        new GitVcs().excludeLocally(repo, ".helix/");
    }

    static String shortHash(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ledger's sessions, read once. */
    private record LedgerStoreView(List<Experiment> records) {
        LedgerStoreView(FileLedgerStore store) {
            this(store.read().experiments());
        }

        boolean hasTag(String tag) {
            return records.stream().anyMatch(e -> e.tag().equals(tag));
        }

        Optional<String> lastTag() {
            return records.isEmpty() ? Optional.empty() : Optional.of(records.get(records.size() - 1).tag());
        }
    }
}

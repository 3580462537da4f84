package dev.helix.app.run;

import dev.helix.adapters.Executors;
import dev.helix.adapters.agents.TuneBackend;
import dev.helix.adapters.git.GitDirSnapshot;
import dev.helix.adapters.process.LocalExecutor;
import dev.helix.adapters.process.MeasurementFileLock;
import dev.helix.adapters.slurm.SlurmExecutor;
import dev.helix.adapters.store.FileLedgerStore;
import dev.helix.adapters.store.SessionLock;
import dev.helix.app.Workspace;
import dev.helix.app.holdout.HoldoutHomes;
import dev.helix.app.holdout.HoldoutLedger;
import dev.helix.app.holdout.HoldoutRun;
import dev.helix.core.cost.CostedProposer;
import dev.helix.core.cost.Pricing;
import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Clock;
import dev.helix.core.port.Events;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.port.Proposer;
import dev.helix.core.secret.Secrets;
import dev.helix.core.session.Checkout;
import dev.helix.core.session.Lane;
import dev.helix.core.session.Outcome;
import dev.helix.core.session.Plan;
import dev.helix.core.session.Ports;
import dev.helix.core.session.Session;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Starts or resumes a session in a repository ({@code helix run}): checks everything that can be
 * checked before a single file is written ({@link Preflight}), prepares the worktrees and branch,
 * runs the core's {@link Session} with the real adapters, and publishes the ledger to the session
 * branch at the end.
 */
public final class RunSession {

    /**
     * What the command line says; {@code workers}, {@code directions} and {@code executor} override
     * helix.yaml's run section.
     */
    public record Options(Optional<String> tag, Optional<String> backend, OptionalInt maxExperiments,
                          Optional<Duration> maxTime, Optional<Double> maxCost, boolean resume, OptionalInt workers,
                          Optional<List<String>> directions, Optional<String> executor, Optional<String> agentCommand,
                          java.util.OptionalLong maxTokens, List<String> tune) {
        public Options {
            agentCommand = agentCommand == null ? Optional.empty() : agentCommand;
            maxTokens = maxTokens == null ? java.util.OptionalLong.empty() : maxTokens;
            tune = tune == null ? List.of() : List.copyOf(tune);
        }

        /** Options without tuned parameters of their own (--tune). */
        public Options(Optional<String> tag, Optional<String> backend, OptionalInt maxExperiments, Optional<Duration> maxTime,
                       Optional<Double> maxCost, boolean resume, OptionalInt workers, Optional<List<String>> directions,
                       Optional<String> executor, Optional<String> agentCommand, java.util.OptionalLong maxTokens) {
            this(tag, backend, maxExperiments, maxTime, maxCost, resume, workers, directions, executor, agentCommand, maxTokens, List.of());
        }

        /** Options without an agent command of their own. */
        public Options(Optional<String> tag, Optional<String> backend, OptionalInt maxExperiments, Optional<Duration> maxTime,
                       Optional<Double> maxCost, boolean resume, OptionalInt workers, Optional<List<String>> directions,
                       Optional<String> executor, java.util.OptionalLong maxTokens) {
            this(tag, backend, maxExperiments, maxTime, maxCost, resume, workers, directions, executor, Optional.empty(), maxTokens);
        }

        /** Options without a token cap. */
        public Options(Optional<String> tag, Optional<String> backend, OptionalInt maxExperiments, Optional<Duration> maxTime,
                       Optional<Double> maxCost, boolean resume, OptionalInt workers, Optional<List<String>> directions,
                       Optional<String> executor, Optional<String> agentCommand) {
            this(tag, backend, maxExperiments, maxTime, maxCost, resume, workers, directions, executor, agentCommand,
                    java.util.OptionalLong.empty());
        }

        /** Options without an agent command of their own or a token cap. */
        public Options(Optional<String> tag, Optional<String> backend, OptionalInt maxExperiments, Optional<Duration> maxTime,
                       Optional<Double> maxCost, boolean resume, OptionalInt workers, Optional<List<String>> directions,
                       Optional<String> executor) {
            this(tag, backend, maxExperiments, maxTime, maxCost, resume, workers, directions, executor, Optional.empty());
        }

        public Options(Optional<String> tag, Optional<String> backend, OptionalInt maxExperiments,
                       Optional<Duration> maxTime, Optional<Double> maxCost, boolean resume) {
            this(tag, backend, maxExperiments, maxTime, maxCost, resume, OptionalInt.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty());
        }
    }

    /** More workers than this is a typing mistake, not a plan: each one is a full worktree. */
    public static final int MAX_WORKERS = 256;

    /** Everything checked; nothing written yet. */
    public record Prepared(Workspace workspace, Path specFile, Spec spec, String tag, boolean resume, AgentBackend backend,
                           Options options) {
        public Path repo() {
            return workspace.repo();
        }

        public Path helixDir() {
            return workspace.helixDir();
        }

        public Path worktree() {
            return helixDir().resolve("worktrees").resolve(tag);
        }

        /** Worker k's worktree: the session's own for the first, .helix/workers/&lt;tag&gt;/w&lt;k&gt; for the others. */
        public Path worktree(int worker) {
            return worker == 1 ? worktree() : helixDir().resolve("workers").resolve(tag).resolve("w" + worker);
        }

        public String branchRef() {
            return "refs/heads/helix/" + tag;
        }

        public String specPath() {
            return workspace.relative(specFile);
        }
    }

    /** How the session ended, and the commit that put its ledger on the branch (empty without records). */
    public record Finished(Outcome outcome, Prepared prepared, String ledgerCommit) {}

    /** Validates the repository, the spec and the options; throws with a fix for the first blocking problem. */
    public Prepared prepare(Path cwd, Options options) {
        return Preflight.prepare(cwd, options);
    }

    /** Runs the prepared session; {@code stopHook} receives the session so a signal can stop it. */
    public Finished run(Prepared p, Events events, Consumer<Session> stopHook) {
        Workspace workspace = p.workspace();
        try {
            Files.createDirectories(p.helixDir().resolve("runs").resolve(p.tag()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Optional<HoldoutRun> holdout = HoldoutRun.of(workspace, p.spec());
        holdout.ifPresent(h -> h.checkHidden(p.repo()));
        workspace.excludeHelixDir();
        try (SessionLock lock = workspace.lock(p.tag())) {
            String sessionId = workspace.sessionId(p.tag());
            stopStrays(sessionId, events);
            HoldoutHomes.removeStale(p.repo(), workspace.git()).forEach(d ->
                    events.emit(new Event.Notice("removed " + d + ", a hold-out directory a killed Helix left, and its worktree")));
            LedgerStore ledger = workspace.ledger();
            ledger.readTag(p.tag()).warnings().forEach(w -> events.emit(new Event.Notice(w))); // every line's warnings, one session's records
            SessionWorktrees worktrees = new SessionWorktrees(p);
            String start = worktrees.prepare();
            Secrets secrets = Secrets.forSpec(System.getenv(), p.spec());
            Path logDir = p.helixDir().resolve("runs").resolve(p.tag());
            SessionLimits.Applied limits = SessionLimits.apply(logDir, p.options());
            if (!limits.said().isEmpty()) events.emit(new Event.Notice(limits.said()));
            p.spec().evaluate().holdout().ifPresent(h -> events.emit(new Event.Notice("hold-out: " + h.command() + " on the baseline and every keep, "
                    + "with scope.hidden from the " + h.source().describe() + "; never shown to the proposer")));
            SessionSandbox.Settled sandbox = SessionSandbox.settle(p.repo(), p.helixDir(), p.spec(), System.getenv());
            events.emit(new Event.Notice(sandbox.said()));
            Proposer made = p.backend().create(new AgentBackend.Context(p.spec(), System.getenv(), logDir, secrets,
                    sandbox.confinement()));
            Pricing pricing = Pricing.of(p.backend().name(), p.spec().agent());
            if (!(pricing instanceof Pricing.Reported)) events.emit(new Event.Notice(pricing.describe()));
            Proposer costed = new CostedProposer(TuneBackend.mixed(made, p.backend().name(), p.spec()), pricing);
            Proposer proposer = new OutsideGuard(costed,
                    p.repo(), ledger instanceof FileLedgerStore file ? Optional.of(file) : Optional.empty());
            String program = Workspace.readIfExists(p.repo().resolve("program.md")).orElse("");
            List<Lane> lanes = worktrees.lanes(start, program);
            String briefing = Briefing.announce(workspace, Briefing.base(ledger.readTag(p.tag()).experiments(), start), p.tag(),
                    p.spec(), System.getenv(), secrets, events, sandbox.confinement().describe());
            // the hold-out is measured in the ledger's append and shown in the user's console only
            Optional<HoldoutLedger> held = holdout.map(h -> new HoldoutLedger(ledger, h));
            Events shown = held.map(h -> h.showing(events)).orElse(events);
            WorkerBoard board = new WorkerBoard(WorkerBoard.file(p.repo(), p.tag()), p.spec().run().workers());
            Session session = new Session(
                    new Ports(workspace.git(), Executors.forSpec(p.spec(), sandbox.confinement()), proposer, held.<LedgerStore>map(h -> h).orElse(ledger),
                            Workspace.RESULT_FILES, Clock.SYSTEM, board.around(shown), new PlatformThreads(),
                            MeasurementFileLock.forRepository(GitDirSnapshot.commonDir(p.repo()))),
                    new Plan(p.repo(), p.worktree(), p.tag(), p.branchRef(), start, p.spec(), p.specPath(),
                            program, logDir, limits.options().maxExperiments(), limits.options().maxTime(), sessionId,
                            limits.options().maxCost(), secrets, lanes, Checkout.HELIX, briefing,
                            limits.options().maxTokens()));
            stopHook.accept(session);
            Outcome outcome;
            try (Deadline deadline = Deadline.arm(limits.options().maxTime(), session)) {
                outcome = session.run();
            } finally {
                board.close();
            }
            worktrees.removeWorkers(lanes);
            String ledgerCommit = publishLedger(p, ledger, outcome.experiments());
            String stopReason = outcome.reason().text + (outcome.detail().isBlank() ? "" : ": " + outcome.detail());
            StopNote.write(StopNote.file(p.repo(), p.tag()), secrets.apply(stopReason));
            events.emit(new Event.SessionFinished(p.tag(), "helix/" + p.tag(), stopReason,
                    p.helixDir().resolve("experiments.jsonl"), ledgerCommit));
            return new Finished(outcome, p, ledgerCommit);
        }
    }

    /** Evaluations and Slurm jobs an earlier run of this session left behind (killed): stopped before anything starts. */
    private static void stopStrays(String sessionId, Events events) {
        int strays = LocalExecutor.killMarked("HELIX_SESSION", sessionId);
        if (strays > 0) events.emit(new Event.Notice("stopped " + strays + " evaluation process(es) left by an earlier run"));
        int jobs = SlurmExecutor.cancelMarked(sessionId);
        if (jobs > 0) events.emit(new Event.Notice("cancelled " + jobs + " Slurm job(s) left by an earlier run"));
    }

    /** Commits this session's experiments.tsv, experiments.jsonl and environments.jsonl onto the branch, on top of the best. */
    private static String publishLedger(Prepared p, LedgerStore ledger, List<Experiment> records) {
        if (records.isEmpty()) return "";
        Path wt = p.worktree();
        ledger.publish(records, wt, p.spec().metrics().primary().name(),
                p.spec().metrics().qualityGuard().map(Spec.QualityGuard::name));
        // where it ran goes with it, so that a clone of the branch can verify against it
        boolean environment = EnvironmentCopy.publish(EnvironmentCopy.of(p.workspace(),
                records.stream().map(Experiment::tag).distinct().toList()), wt);
        String commit = p.workspace().git().commitForced(wt, EnvironmentCopy.files(List.of("experiments.tsv", "experiments.jsonl"), environment),
                "helix(" + p.tag() + "): ledger, " + records.size() + " records");
        p.workspace().git().updateRef(p.repo(), p.branchRef(), commit);
        return commit;
    }
}

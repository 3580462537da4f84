package dev.helix.app.watch;

import dev.helix.app.Workspace;
import dev.helix.app.run.WorkerBoard;
import dev.helix.adapters.specio.SpecFiles;
import dev.helix.adapters.store.SessionLock;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.session.Dashboard;
import dev.helix.core.session.Driver;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Reads what {@code helix watch} shows, afresh on every refresh: the session's records, whether a
 * loop holds its lock, and the experiment in progress.
 *
 * <p>The ledger holds only finished experiments, so the one in progress is inferred without help
 * from the loop: it is the run after the last record; while {@code .helix/runs/<tag>/<run>.log}
 * does not exist the proposer is still at work (since the last record finished), and once the
 * evaluation has created it the experiment is evaluating (since the file's creation time).
 *
 * <p>What each worker does comes from the loop itself: its board {@code .helix/runs/<tag>/workers.json}
 * (see {@link WorkerBoard}), believed only while the process that wrote it holds the session's lock;
 * a board left by a killed session, or written by another process, is ignored.
 */
public final class SessionWatch {
    private final Workspace workspace;
    private final Path repo;
    private final Optional<String> tag;
    private final Optional<Spec> spec;

    private SessionWatch(Workspace workspace, Optional<String> tag, Optional<Spec> spec) {
        this.workspace = workspace;
        this.repo = workspace.repo();
        this.tag = tag;
        this.spec = spec;
    }

    public static SessionWatch of(Path dir, Optional<String> tag) {
        Workspace workspace = Workspace.open(dir, "run this inside the repository where you ran 'helix run'");
        Path repo = workspace.repo();
        Optional<Spec> spec;
        try {
            spec = SpecFiles.find(repo).map(SpecFiles::load);
        } catch (RuntimeException e) {
            spec = Optional.empty(); // the dashboard works without names and budgets
        }
        return new SessionWatch(workspace, tag, spec);
    }

    /** The session now; before any session exists, an empty view named "(none yet)". */
    public Dashboard.View read() {
        LedgerStore ledger = workspace.ledger(); // as every command reads it: with another tool's history imported
        String chosen = tag.or(this::runningTag).or(ledger::latestTag).orElse("(none yet)");
        List<Experiment> read = ledger.readTag(chosen).experiments();
        // the hold-out beside each keep is for the person watching; an agent driving the session is not shown it
        List<Experiment> records = Driver.of(read) == Driver.AGENT ? read.stream().map(e -> e.withHoldout(Optional.empty())).toList() : read;
        Path lock = SessionLock.forTag(repo.resolve(".helix"), chosen);
        Optional<Long> pid = SessionLock.holder(lock)
                .filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
        String metric = spec.map(s -> s.metrics().primary().name()).orElse("metric");
        return new Dashboard.View(chosen, metric, records, pid, pid.flatMap(p -> inProgress(chosen, records, lock)),
                pid.map(p -> workers(chosen, p)).orElse(List.of()));
    }

    /**
     * What the workers of the running session do: as its board says, else (no board yet, or a
     * board this process cannot trust) the one experiment in progress as inferred above.
     */
    public List<Dashboard.WorkerLine> workersNow() {
        Dashboard.View view = read();
        if (!view.workers().isEmpty()) return view.workers();
        return view.current().map(c -> List.of(new Dashboard.WorkerLine(1, c.run(), c.phase().name()
                .toLowerCase(Locale.ROOT), "", "", c.since(), c.budgetSeconds()))).orElse(List.of());
    }

    /** The workers on the board of session {@code tag} when process {@code pid} (the lock's holder) wrote it. */
    public List<Dashboard.WorkerLine> workers(String tag, long pid) {
        return WorkerBoard.board(WorkerBoard.file(repo, tag)).filter(b -> b.pid() == pid)
                .map(b -> b.workers().stream().map(this::line).toList()).orElse(List.of());
    }

    private Dashboard.WorkerLine line(WorkerBoard.Worker w) {
        return new Dashboard.WorkerLine(w.worker(), w.run(), w.phase(), w.where(), w.direction(), w.since(), budget(w.phase()));
    }

    /** How long a phase may take: an evaluation its timeout, a proposal the agent's. */
    private OptionalInt budget(String phase) {
        return switch (phase) {
            case "evaluating", "re-evaluating" -> spec.map(s -> OptionalInt.of(s.evaluate().timeoutSeconds())).orElse(OptionalInt.empty());
            case "proposing", "fixing a crash" -> spec.map(s -> OptionalInt.of(s.agent().timeoutSeconds())).orElse(OptionalInt.empty());
            default -> OptionalInt.empty();
        };
    }

    private Optional<Dashboard.InProgress> inProgress(String tag, List<Experiment> records, Path lock) {
        int run = records.isEmpty() ? 0 : records.get(records.size() - 1).run() + 1;
        Path log = repo.resolve(".helix/runs").resolve(tag).resolve(run + ".log");
        Optional<Instant> evaluatingSince = created(log);
        if (evaluatingSince.isPresent()) {
            return Optional.of(new Dashboard.InProgress(run, Dashboard.Phase.EVALUATING, evaluatingSince.get(),
                    spec.map(s -> OptionalInt.of(s.evaluate().timeoutSeconds())).orElse(OptionalInt.empty())));
        }
        Instant since = records.isEmpty() ? created(lock).orElseGet(Instant::now) : records.get(records.size() - 1).finishedAt();
        return Optional.of(new Dashboard.InProgress(run, Dashboard.Phase.PROPOSING, since,
                spec.map(s -> OptionalInt.of(s.agent().timeoutSeconds())).orElse(OptionalInt.empty())));
    }

    /** The session whose lock a live process holds, when --tag is not given; the newest lock first. */
    private Optional<String> runningTag() {
        Path locks = repo.resolve(".helix/locks");
        if (!Files.isDirectory(locks)) return Optional.empty();
        try (Stream<Path> files = Files.list(locks)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".lock"))
                    // locks written within one tick of the clock share a time: their names decide, not the listing
                    .sorted(java.util.Comparator.comparing(SessionWatch::modified).reversed().thenComparing(Path::toString))
                    .filter(f -> SessionLock.holder(f).isPresent()).findFirst()
                    .map(f -> f.getFileName().toString().replaceFirst("\\.lock$", ""));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private static Optional<Instant> created(Path file) {
        try {
            return Optional.of(Files.readAttributes(file, BasicFileAttributes.class).creationTime().toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

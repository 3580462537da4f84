package dev.helix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.process.CallerEnvironment;
import dev.helix.adapters.store.LedgerCodec;
import dev.helix.adapters.store.SessionLock;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Overfitting;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.port.Repository;
import dev.helix.core.secret.Secrets;
import dev.helix.core.session.Driver;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** One session's records as read from a repository's ledger, for the commands that report on it. */
record SessionRecords(Workspace workspace, String tag, List<Experiment> records, List<String> warnings, Optional<Long> runningPid,
                      boolean revealHoldout) {

    SessionRecords(Workspace workspace, String tag, List<Experiment> records, List<String> warnings, Optional<Long> runningPid) {
        this(workspace, tag, records, warnings, runningPid, false);
    }

    /** Reads the session {@code tag}, or the latest one, of the repository containing {@code dir}. */
    static SessionRecords read(Path dir, Optional<String> tag) {
        Workspace workspace = open(dir);
        return read(workspace, chosen(workspace, tag));
    }

    /** The repository containing {@code dir}. */
    static Workspace open(Path dir) {
        return Workspace.open(dir, "run this inside the repository where you ran 'helix try' or 'helix run'");
    }

    /**
     * The hold-out against the primary (evaluate.holdout), for the user's eyes: empty without one,
     * and in a session an agent drives unless {@code reveal} (the agent is not to see it).
     */
    Optional<Overfitting> holdout(boolean reveal) {
        if (!reveal && driver() == Driver.AGENT || records.stream().noneMatch(e -> e.holdout().isPresent())) return Optional.empty();
        // status still answers while helix.yaml is being edited
        return spec().flatMap(s -> Overfitting.of(records, s.metrics().primary().optimize()));
    }

    /** The spec as it reads now, empty while it does not read: what a status answer may depend on beside the records. */
    Optional<dev.helix.core.spec.Spec> spec() {
        try {
            return Optional.of(workspace.spec());
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /** Experiment {@code e} as a row for people shows it: without its hold-out under the same rule as {@link #holdout()}. */
    Experiment shown(Experiment e) {
        return !revealHoldout && driver() == Driver.AGENT ? e.withHoldout(Optional.empty()) : e;
    }

    /**
     * {@code rows} of one session as {@code helix log} shows them: an agent driving the session reads
     * its log, so there its rows leave the hold-out out.
     */
    static List<Experiment> shown(List<Experiment> rows) {
        return Driver.of(rows) == Driver.AGENT ? rows.stream().map(e -> e.withHoldout(Optional.empty())).toList() : rows;
    }

    /** Why the hold-out is not compared (its baseline's failed), under the same rule as {@link #holdout()}. */
    Optional<String> holdoutUnmeasured() {
        if (!revealHoldout && driver() == Driver.AGENT) return Optional.empty();
        return Overfitting.unmeasured(records);
    }

    /** The hold-out as {@code status} shows it by default. */
    Optional<Overfitting> holdout() {
        return holdout(revealHoldout);
    }

    /** This session's records, with the hold-out shown in status even when an agent drives it (status --holdout). */
    SessionRecords revealingHoldout() {
        return new SessionRecords(workspace, tag, records, warnings, runningPid, true);
    }

    /** Reads the session {@code chosen} of {@code workspace}; fails when it has no records. */
    static SessionRecords read(Workspace workspace, String chosen) {
        Path repo = workspace.repo();
        LedgerStore.Contents contents = workspace.ledger().readTag(chosen);
        // Rows are redacted when written; again here for the secrets named since (run.secrets).
        List<Experiment> records = redacted(contents.experiments(), workspace.secrets());
        if (records.isEmpty()) {
            throw noSession(workspace, chosen);
        }
        Optional<Long> pid = SessionLock.holder(repo.resolve(".helix/locks").resolve(chosen + ".lock"));
        List<String> warnings = new java.util.ArrayList<>(contents.warnings());
        workspace.importProblem().ifPresent(warnings::add);
        return new SessionRecords(workspace, chosen, records, warnings, pid);
    }

    private record Redacted(List<Experiment> read, Secrets secrets, List<Experiment> records) {
    }

    /** The last lists redacted in a resident Helix, whose ledger reads come back as the same list while the ledger is unchanged. */
    private static final List<Redacted> REDACTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static List<Experiment> redacted(List<Experiment> read, Secrets secrets) {
        if (CallerEnvironment.override().isEmpty()) return read.stream().map(e -> e.redacted(secrets)).toList();
        for (Redacted r : REDACTED) {
            if (r.read() == read && r.secrets().equals(secrets)) return r.records();
        }
        List<Experiment> records = read.stream().map(e -> e.redacted(secrets)).toList();
        if (REDACTED.size() >= 8) REDACTED.clear();
        REDACTED.add(new Redacted(read, secrets, records));
        return records;
    }

    /** Who drives this session: advice for an agent-driven one names helix try, never helix run. */
    Driver driver() {
        return Driver.of(records);
    }

    /**
     * The session {@code tag}, or the latest one; empty when no tag is asked for and the ledger has
     * none yet (before the first experiment: an empty state, not an error).
     */
    static Optional<String> latest(Workspace workspace, Optional<String> tag) {
        return tag.or(workspace.ledger()::latestTag);
    }

    /** The session {@code tag}, or the latest one; fails when the ledger has none. */
    static String chosen(Workspace workspace, Optional<String> tag) {
        return latest(workspace, tag).orElseThrow(() -> AppException.usage("no_sessions",
                "no experiments recorded in " + workspace.repo().resolve(".helix/experiments.jsonl"),
                "start a session: edit the files in scope.editable, then helix try -m \"<what you changed>\"; or let Helix drive an agent: helix run"));
    }

    static AppException noSession(Workspace workspace, String tag) {
        return AppException.usage("no_session", "no session '" + tag + "' in " + workspace.repo(),
                "see the sessions with 'helix status', or drop --tag for the latest");
    }

    /** The repository's top-level directory. */
    Path repo() {
        return workspace.repo();
    }

    /** The repository's git. */
    Repository git() {
        return workspace.git();
    }

    /** A record as the JSON the ledger holds, less its hold-out (which status --json and the report give the user). */
    static JsonNode json(Experiment e) {
        try {
            return Output.JSON.readTree(LedgerCodec.encode(e.withHoldout(Optional.empty())));
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}

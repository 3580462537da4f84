package dev.helix.app.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.adapters.store.LedgerCodec;
import dev.helix.adapters.store.SessionLock;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.app.finalizing.FinalFiles;
import dev.helix.app.run.StopNote;
import dev.helix.app.run.WorkerBoard;
import dev.helix.app.watch.SessionWatch;
import dev.helix.core.cost.Spend;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Overfitting;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.report.FinalTally;
import dev.helix.core.secret.Secrets;
import dev.helix.core.session.Dashboard;
import dev.helix.core.session.Records;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the web dashboard shows, as JSON: the sessions, one session's experiments and workers, one
 * experiment in full. Read afresh through the ledger's index (as {@code helix status} reads it),
 * with every text from the ledger, a diff or a log redacted as the reports are.
 */
public final class DashboardData {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Lines of an experiment's log the dashboard shows, as {@code helix show} does. */
    public static final int LOG_TAIL = 30;

    private final Workspace workspace;
    private final Map<String, SessionWatch> watches = new ConcurrentHashMap<>();
    /** What was last read of each session: its records (redacted) and its view without the live part, as JSON. */
    private final Map<String, Read> reads = new ConcurrentHashMap<>();

    private record Read(String version, List<Experiment> records, List<String> warnings, String json) {}

    /** How far back from the ledger's end a re-read looks for the last record it already has. */
    private static final int TAIL = 256;

    public DashboardData(Workspace workspace) {
        this.workspace = workspace;
    }

    /** The repository shown. */
    public Path repo() {
        return workspace.repo();
    }

    /**
     * A key that changes whenever what {@link #session} answers may have: the ledger's size and
     * time, the workers' board, the stop note and the lock. Cheap: no record is read.
     */
    public String version(String tag) {
        Path repo = workspace.repo();
        Path lock = SessionLock.forTag(workspace.helixDir(), tag);
        return stamp(workspace.helixDir().resolve("experiments.jsonl")) + "/" + stamp(WorkerBoard.file(repo, tag)) + "/"
                + stamp(StopNote.file(repo, tag)) + "/" + SessionLock.holder(lock).map(String::valueOf).orElse("-") + "/"
                + stamp(FinalFiles.json(workspace, tag));
    }

    /** The sessions: every tag of the ledger, then branches helix/* without records yet (new forks); the latest named. */
    public ObjectNode sessions() {
        LedgerStore ledger = workspace.ledger();
        Set<String> tags = new LinkedHashSet<>(ledger.tags());
        workspace.git().refs(workspace.repo(), "refs/heads/helix/").stream()
                .map(r -> r.substring("refs/heads/helix/".length())).filter(t -> !t.endsWith("-final")).forEach(tags::add);
        ObjectNode root = JSON.createObjectNode();
        ledger.latestTag().ifPresent(t -> root.put("latest", t));
        ArrayNode list = root.putArray("sessions");
        for (String tag : tags) {
            ObjectNode s = list.addObject();
            s.put("tag", tag);
            s.put("running", running(tag).isPresent());
            // helix fork names a direction's branch helix/<tag>-<name>
            tags.stream().filter(t -> !t.equals(tag) && tag.startsWith(t + "-")).reduce((a, b) -> a.length() >= b.length() ? a : b)
                    .ifPresent(parent -> s.put("fork_of", parent));
        }
        return root;
    }

    /**
     * Session {@code tag} as JSON: its metrics, counts, spend, stop reason, one point per record,
     * and (asked afresh every time) whether it runs and its workers. When the ledger has grown since
     * the last read, only its end is decoded.
     */
    public String session(String tag) {
        String json = current(tag).json();
        return json.substring(0, json.length() - 1) + "," + live(tag).toString().substring(1);
    }

    /** The session's records and view as of now, read again only when the ledger, board, note or lock changed. */
    private Read current(String tag) {
        String version = version(tag);
        Read read = reads.get(tag);
        if (read == null || !read.version().equals(version)) {
            Secrets secrets = workspace.secrets();
            read = reread(tag, version, read, secrets);
            if (read.records().isEmpty() && workspace.git().resolve(workspace.repo(), "refs/heads/helix/" + tag).isEmpty()) {
                throw AppException.usage("no_session", "no session '" + tag + "' in " + workspace.repo(), "pick one of /api/sessions");
            }
            read = new Read(version, read.records(), read.warnings(), view(tag, version, read.records(), read.warnings(), secrets));
            reads.put(tag, read);
        }
        return read;
    }

    /** The records now: the ones read before and those appended since, or all of them again when the end does not match. */
    private Read reread(String tag, String version, Read before, Secrets secrets) {
        LedgerStore ledger = workspace.ledger();
        if (before != null && !before.records().isEmpty()) {
            LedgerStore.Contents end = ledger.tail(tag, TAIL);
            List<Experiment> tail = end.experiments().stream().map(e -> e.redacted(secrets)).toList();
            int at = tail.lastIndexOf(before.records().get(before.records().size() - 1));
            if (at >= 0) {
                List<Experiment> records = new java.util.ArrayList<>(before.records());
                records.addAll(tail.subList(at + 1, tail.size()));
                return new Read(version, List.copyOf(records), end.warnings(), "");
            }
        }
        LedgerStore.Contents contents = ledger.readTag(tag);
        return new Read(version, contents.experiments().stream().map(e -> e.redacted(secrets)).toList(), contents.warnings(), "");
    }

    private String view(String tag, String version, List<Experiment> records, List<String> warningList, Secrets secrets) {
        Optional<Spec> spec = spec();
        ObjectNode root = JSON.createObjectNode();
        root.put("version", version);
        root.put("tag", tag);
        root.put("branch", "helix/" + tag);
        root.put("repository", workspace.repo().toString());
        ObjectNode metric = root.putObject("metric");
        metric.put("name", spec.map(s -> s.metrics().primary().name()).orElse("metric"));
        spec.ifPresent(s -> metric.put("optimize", s.metrics().primary().optimize().name().toLowerCase(java.util.Locale.ROOT)));
        spec.flatMap(s -> s.metrics().qualityGuard()).ifPresent(g -> root.putObject("guard").put("name", g.name())
                .put("optimize", g.optimize().name().toLowerCase(java.util.Locale.ROOT)).put("max_degradation", g.maxDegradation()));
        ArrayNode constraints = root.putArray("constraints");
        spec.ifPresent(s -> s.metrics().constraints().forEach(c -> {
            ObjectNode o = constraints.addObject().put("name", c.name());
            c.max().ifPresent(v -> o.put("max", v));
            c.min().ifPresent(v -> o.put("min", v));
        }));
        var summary = Records.summary(records);
        root.putObject("counts").put("experiments", summary.experiments()).put("attempts", summary.attempts())
                .put("kept", summary.kept()).put("discarded", summary.discarded()).put("crashed", summary.crashed())
                .put("rejected", summary.rejected()).put("stale", summary.stale()).put("interrupted", summary.interrupted());
        Records.baseline(records).flatMap(Experiment::primary).ifPresent(v -> root.put("baseline", v));
        Records.best(records).ifPresent(b -> {
            b.primary().ifPresent(v -> root.put("best", v));
            root.put("best_run", b.run());
        });
        root.put("cost_usd", Records.cost(records));
        Spend spend = Spend.of(records);
        spend.costPerKept().ifPresent(c -> root.put("cost_per_kept_usd", c));
        root.put("tokens", spend.tokens());
        StopNote.read(StopNote.file(workspace.repo(), tag)).map(secrets).ifPresent(r -> root.put("stop_reason", r));
        ArrayNode points = root.putArray("points");
        Double best = null;
        for (int i = 0; i < records.size(); i++) {
            Experiment e = records.get(i);
            if (e.status().advances() && e.primary().isPresent()) best = e.primary().get();
            ObjectNode p = points.addObject();
            p.put("index", i);
            p.put("run", e.run());
            p.put("attempt", e.attempt());
            p.put("status", e.status().word());
            e.primary().ifPresentOrElse(v -> p.put("primary", v), () -> p.putNull("primary"));
            if (best != null) p.put("best", best);
            ObjectNode metrics = p.putObject("metrics");
            e.metrics().forEach(metrics::put);
            p.put("description", e.description());
            p.put("finished_at", e.finishedAt().toString());
            p.put("has_commit", !e.commit().isEmpty());
        }
        spec.flatMap(sp -> Overfitting.of(records, sp.metrics().primary().optimize())).ifPresent(o -> holdout(root, o));
        FinalFiles.tally(workspace, tag).ifPresent(t -> finalized(root, t, workspace.relative(FinalFiles.markdown(workspace, tag))));
        ArrayNode warnings = root.putArray("warnings");
        warningList.forEach(warnings::add);
        return root.toString();
    }

    /** The hold-out beside the primary over the baseline and the keeps, with the overfitting flag (the user's view, never an agent's). */
    private static void holdout(ObjectNode root, Overfitting o) {
        ObjectNode h = root.putObject("holdout");
        h.put("primary_gain", o.primaryGain()).put("holdout_gain", o.holdoutGain()).put("noise", o.noise())
                .put("overfitting", o.flagged()).put("summary", o.render());
        o.suspects().forEach(h.putArray("suspect_keeps")::add);
        ArrayNode curve = h.putArray("curve");
        for (int i = 0; i < o.curve().size(); i++) {
            Overfitting.Point p = o.curve().get(i);
            ObjectNode c = curve.addObject().put("index", i).put("run", p.run()).put("status", p.status().word())
                    .put("primary", p.primary()).put("description", "#" + p.run());
            p.holdout().ifPresentOrElse(v -> c.put("holdout", v), () -> c.putNull("holdout"));
        }
    }

    /** What the last {@code helix finalize} of the session found: its counts, in words, and where its summary is. */
    private static void finalized(ObjectNode root, FinalTally t, String summary) {
        root.putObject("final").put("confirmed", t.confirmed()).put("changes", t.changes()).put("measured", t.measured())
                .put("dropped", t.dropped()).put("marginal", t.marginal()).put("kept_anyway", t.keptAnyway()).put("unclear", t.unclear())
                .put("written", t.written()).put("branch", t.branch()).put("text", t.render()).put("summary", summary);
    }

    /** What changes without a new record: whether the session runs, its workers, the time. */
    private ObjectNode live(String tag) {
        ObjectNode root = JSON.createObjectNode();
        Optional<Long> pid = running(tag);
        root.put("running", pid.isPresent());
        root.put("now", Instant.now().toString());
        ArrayNode workers = root.putArray("workers");
        if (pid.isPresent()) {
            // The board first: inferring the experiment in progress reads the session's records again.
            List<Dashboard.WorkerLine> board = watch(tag).workers(tag, pid.get());
            for (Dashboard.WorkerLine w : board.isEmpty() ? watch(tag).workersNow() : board) {
                ObjectNode o = workers.addObject().put("worker", w.worker()).put("run", w.run()).put("phase", w.phase())
                        .put("where", w.where()).put("direction", w.direction()).put("since", w.since().toString());
                w.budgetSeconds().ifPresent(b -> o.put("budget_seconds", b));
            }
        }
        return root;
    }

    /** Experiment {@code run} of session {@code tag} (its last attempt): the record, its diff against its parent, its log's tail. */
    public ObjectNode experiment(String tag, int run) {
        Secrets secrets = workspace.secrets();
        Experiment e = current(tag).records().reversed().stream().filter(x -> x.run() == run).findFirst()
                .orElseThrow(() -> AppException.usage("no_experiment", "session " + tag + " has no experiment #" + run,
                        "pick a point of the chart"));
        ObjectNode root = JSON.createObjectNode();
        root.put("tag", tag);
        root.set("record", record(e));
        String diff = e.commit().isEmpty() || e.parent().isEmpty() ? "" : workspace.git().diff(workspace.repo(), e.parent(), e.commit());
        root.put("diff", secrets.apply(diff));
        ArrayNode tail = root.putArray("log_tail");
        logTail(workspace.repo(), e, LOG_TAIL).forEach(l -> tail.add(secrets.apply(l)));
        return root;
    }

    /** The last {@code n} lines of the experiment's log; the record's own tail when the file is gone. */
    public static List<String> logTail(Path repo, Experiment e, int n) {
        if (!e.log().isEmpty()) {
            Path log = repo.resolve(e.log()).normalize();
            if (log.startsWith(repo) && Files.isRegularFile(log)) {
                try {
                    List<String> lines = new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
                    return lines.subList(Math.max(0, lines.size() - n), lines.size());
                } catch (IOException | UncheckedIOException ex) {
                    // fall through to the tail the record kept
                }
            }
        }
        return e.logTail().map(t -> t.lines().toList()).map(l -> l.subList(Math.max(0, l.size() - n), l.size())).orElse(List.of());
    }

    private static JsonNode record(Experiment e) {
        try {
            return JSON.readTree(LedgerCodec.encode(e));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private Optional<Long> running(String tag) {
        return SessionLock.holder(SessionLock.forTag(workspace.helixDir(), tag))
                .filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
    }

    private SessionWatch watch(String tag) {
        return watches.computeIfAbsent(tag, t -> SessionWatch.of(workspace.repo(), Optional.of(t)));
    }

    private Optional<Spec> spec() {
        try {
            return workspace.findSpec().isPresent() ? Optional.of(workspace.spec()) : Optional.empty();
        } catch (RuntimeException invalid) {
            return Optional.empty(); // the dashboard works without names and directions
        }
    }

    private static String stamp(Path file) {
        try {
            return Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return "-";
        }
    }
}

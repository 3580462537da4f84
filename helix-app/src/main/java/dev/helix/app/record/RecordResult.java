package dev.helix.app.record;

import dev.helix.adapters.specio.SpecFiles;
import dev.helix.adapters.store.SessionLock;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.app.run.SessionTags;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.judge.Verdict;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.port.Repository;
import dev.helix.core.session.Records;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code helix record}: a result measured elsewhere (on a cluster, by hand), numbered and judged
 * against the session's best under the session's lock, then appended to the ledger.
 */
public final class RecordResult {

    /**
     * What is recorded; {@code tag} empty means the checked-out helix/&lt;tag&gt;, else the latest
     * session, else a new one.
     */
    public record Request(Status status, double metric, String description, Optional<String> hypothesis,
                          Optional<String> tag, Map<String, Double> others) {
        public Request(Status status, double metric, String description, Optional<String> hypothesis, Optional<String> tag) {
            this(status, metric, description, hypothesis, tag, Map.of());
        }
    }

    private RecordResult() {}

    /** The primary's value and the others, each a metric the spec names (guard, constraints, recorded). */
    private static Map<String, Double> metrics(Spec spec, String primary, double value, Map<String, Double> others) {
        java.util.Set<String> named = new java.util.LinkedHashSet<>();
        spec.metrics().qualityGuard().ifPresent(g -> named.add(g.name()));
        spec.metrics().constraints().forEach(c -> named.add(c.name()));
        named.addAll(spec.metrics().record());
        Map<String, Double> all = new java.util.LinkedHashMap<>();
        all.put(primary, value);
        others.forEach((name, v) -> {
            if (!named.contains(name)) {
                throw AppException.usage("unknown_metric", "--metric " + name + "=" + v + ": helix.yaml names no metric '" + name + "'",
                        named.isEmpty() ? "helix.yaml names only the primary, " + primary + ": give it as --metric V"
                                : "name one of " + String.join(", ", named) + " (the primary, " + primary + ", is --metric V)");
            }
            all.put(name, v);
        });
        return all;
    }

    /** Appends the record and returns it; a usage error when the session cannot take it. */
    public static Experiment record(Path cwd, Request request) {
        Workspace workspace = Workspace.open(cwd, "run it inside the session's repository");
        Repository vcs = workspace.git();
        Path repo = workspace.repo();
        Spec spec = SpecFiles.load(workspace.findSpec().orElseThrow(() -> AppException.usage("no_spec",
                "no helix.yaml in " + repo, "run 'helix init' first")));
        LedgerStore ledger = workspace.ledger();
        String session = request.tag()
                .or(() -> vcs.currentBranch(repo).filter(b -> b.startsWith("helix/")).map(b -> b.substring(6)))
                .or(() -> {
                    var all = ledger.read().experiments();
                    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1).tag());
                })
                .orElseGet(() -> SessionTags.choose(workspace, Optional.empty(), false));
        try {
            Files.createDirectories(workspace.helixDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String primary = spec.metrics().primary().name();
        Status given = request.status();
        double metric = request.metric();
        try (SessionLock lock = workspace.lockToRecord(session)) {
            List<Experiment> records = ledger.readTag(session).experiments();
            Optional<Experiment> best = Records.best(records);
            if (best.isEmpty() && given != Status.BASELINE) {
                throw AppException.usage("no_baseline", "session " + session + " has no baseline yet",
                        "record the unchanged code first: helix record --status baseline --metric V -m baseline");
            }
            if (best.isPresent() && given == Status.BASELINE) {
                throw AppException.usage("has_baseline", "session " + session + " already has its baseline (#0)",
                        "record this result as keep, discard or crash");
            }
            Map<String, Double> metrics = metrics(spec, primary, metric, request.others());
            Optional<Verdict> verdict = best.map(b -> Judge.judge(metrics, b.metrics(), DiffStat.NONE, spec));
            if (given == Status.KEEP && verdict.get().status() != Status.KEEP) {
                throw AppException.usage("not_an_improvement", "a keep must improve on the best: " + verdict.get().reason(),
                        "record it as discard, or measure again");
            }
            int run = records.stream().mapToInt(Experiment::run).max().orElse(-1) + 1;
            String commit = vcs.resolve(repo, "HEAD").orElse("");
            Instant now = Instant.now();
            String reason = "recorded by hand" + verdict.map(v -> ": " + v.reason()).orElse("");
            Experiment record = new Experiment(run, session, 0, best.map(Experiment::commit).orElse(commit), commit, given,
                    given == Status.CRASH ? Map.of() : metrics, given == Status.CRASH ? Optional.empty() : Optional.of(metric),
                    verdict.flatMap(Verdict::delta), verdict.flatMap(Verdict::deltaPct), request.description(),
                    request.hypothesis(), reason, List.of(metric), now, now, 0, Optional.empty(), false, "",
                    DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
            ledger.append(record);
            return record;
        }
    }
}

package dev.helix.app.record;

import dev.helix.adapters.specio.SpecFiles;
import dev.helix.adapters.store.SessionLock;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.app.run.SessionTags;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Noise;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.judge.Verdict;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.port.Repository;
import dev.helix.core.session.Driver;
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
    public record Request(Status status, Optional<Double> metric, String description, Optional<String> hypothesis,
                          Optional<String> tag, Map<String, Double> others) {
        public Request(Status status, Optional<Double> metric, String description, Optional<String> hypothesis, Optional<String> tag) {
            this(status, metric, description, hypothesis, tag, Map.of());
        }
    }

    /**
     * What was recorded, the session's records after it (for the same hints {@code helix try}
     * gives), and, for a discard that beats the best by the judge's own rule, why it looks like a keep.
     */
    public record Outcome(Experiment record, List<Experiment> session, Optional<String> betterThanBest) {}

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
    public static Outcome record(Path cwd, Request request) {
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
        if (request.metric().isEmpty() && given != Status.CRASH) {
            throw AppException.usage("no_metric", "--metric is required for --status " + given.word(),
                    "give the measured value, e.g. --metric 0.93 (only a crash needs none)");
        }
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
            Map<String, Double> metrics = request.metric().map(m -> metrics(spec, primary, m, request.others())).orElse(Map.of());
            Optional<Verdict> verdict = request.metric().isEmpty() ? Optional.empty()
                    : best.map(b -> Judge.judge(metrics, b.metrics(), DiffStat.NONE, spec));
            if (given == Status.KEEP && verdict.get().status() != Status.KEEP) {
                throw AppException.usage("not_an_improvement", "a keep must improve on the best: " + verdict.get().reason(),
                        "record it as discard, or measure again");
            }
            int run = records.stream().mapToInt(Experiment::run).max().orElse(-1) + 1;
            String commit = vcs.resolve(repo, "HEAD").orElse("");
            Instant now = Instant.now();
            String reason = Driver.RECORDED + verdict.map(v -> ": " + v.reason()).orElse("");
            boolean crash = given == Status.CRASH;
            Experiment record = new Experiment(run, session, 0, best.map(Experiment::commit).orElse(commit), commit, given,
                    crash ? Map.of() : metrics, crash ? Optional.empty() : request.metric(),
                    crash ? Optional.empty() : verdict.flatMap(Verdict::delta), crash ? Optional.empty() : verdict.flatMap(Verdict::deltaPct),
                    request.description(), request.hypothesis(), crash ? Driver.RECORDED : reason,
                    request.metric().map(List::of).orElse(List.of()), now, now, 0, Optional.empty(), false, "",
                    DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
            ledger.append(record);
            // Beyond noise: on a noisy metric, by more than twice the baseline's spread as well.
            double sd = Records.baseline(records).flatMap(Experiment::noise).map(Noise::sd).orElse(0.0);
            Optional<String> better = verdict.filter(v -> given == Status.DISCARD && v.status() == Status.KEEP)
                    .filter(v -> v.delta().map(d -> Math.abs(d) > 2 * sd).orElse(true))
                    .map(v -> "recorded as a discard, but by the judge's own rule it beats the best (#" + best.get().run() + "): "
                            + v.reason() + (sd > 0 ? ", more than twice the baseline's noise (sd " + Judge.fmt(sd) + ")" : "")
                            + "; if the measurement is right, record it again as --status keep");
            return new Outcome(record, ledger.readTag(session).experiments(), better);
        }
    }
}

package dev.helix.cli;

import dev.helix.adapters.specio.SpecFiles;
import dev.helix.adapters.store.SessionLock;
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
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix record}: a result measured elsewhere, numbered and compared under the session's lock. */
@Command(name = "record", mixinStandardHelpOptions = true, description = {
    "Record a result measured elsewhere (on a cluster, by hand).",
    "%nThe run number and the delta against the best are computed under the session's lock. A keep must "
        + "really improve on the best; the first record of a session is its baseline."})
final class RecordCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--metric", required = true, paramLabel = "V", description = "The primary metric's value.")
    double metric;

    @Option(names = "--status", required = true, paramLabel = "S", description = "baseline, keep, discard or crash.")
    String status;

    @Option(names = {"-m", "--message"}, required = true, paramLabel = "DESCRIPTION", description = "What was tried.")
    String description;

    @Option(names = "--hypothesis", paramLabel = "H", description = "Why it should have helped.")
    String hypothesis;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the checked-out helix/<tag>, else the latest).")
    String tag;

    @Override
    public Integer call() {
        Status given;
        try {
            given = Status.parse(status);
        } catch (IllegalArgumentException e) {
            throw CommandException.usage("bad_status", "--status '" + status + "' is not one of baseline, keep, discard, crash",
                    "e.g. --status discard");
        }
        if (!List.of(Status.BASELINE, Status.KEEP, Status.DISCARD, Status.CRASH).contains(given)) {
            throw CommandException.usage("bad_status", "--status " + given.word() + " cannot be recorded by hand", "use baseline, keep, discard or crash");
        }
        Workspace workspace = Workspace.open(main.workingDirectory(), "run it inside the session's repository");
        Repository vcs = workspace.git();
        Path repo = workspace.repo();
        Spec spec = SpecFiles.load(SpecFiles.find(repo).orElseThrow(() -> CommandException.usage("no_spec",
                "no helix.yaml in " + repo, "run 'helix init' first")));
        Path helixDir = repo.resolve(".helix");
        LedgerStore ledger = workspace.ledger();
        String session = Optional.ofNullable(tag)
                .or(() -> vcs.currentBranch(repo).filter(b -> b.startsWith("helix/")).map(b -> b.substring(6)))
                .or(() -> { var all = ledger.read().experiments(); return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1).tag()); })
                .orElseGet(() -> SessionTags.choose(workspace, Optional.empty(), false));
        try {
            java.nio.file.Files.createDirectories(helixDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String primary = spec.metrics().primary().name();
        Experiment record;
        try (SessionLock lock = workspace.lock(session)) {
            List<Experiment> records = ledger.read().ofTag(session);
            Optional<Experiment> best = Records.best(records);
            if (best.isEmpty() && given != Status.BASELINE) {
                throw CommandException.usage("no_baseline", "session " + session + " has no baseline yet",
                        "record the unchanged code first: helix record --status baseline --metric V -m baseline");
            }
            if (best.isPresent() && given == Status.BASELINE) {
                throw CommandException.usage("has_baseline", "session " + session + " already has its baseline (#0)",
                        "record this result as keep, discard or crash");
            }
            Map<String, Double> metrics = Map.of(primary, metric);
            Optional<Verdict> verdict = best.map(b -> Judge.judge(metrics, b.metrics(), DiffStat.NONE, spec));
            if (given == Status.KEEP && verdict.get().status() != Status.KEEP) {
                throw CommandException.usage("not_an_improvement", "a keep must improve on the best: " + verdict.get().reason(),
                        "record it as discard, or measure again");
            }
            int run = records.stream().mapToInt(Experiment::run).max().orElse(-1) + 1;
            String commit = vcs.resolve(repo, "HEAD").orElse("");
            Instant now = Instant.now();
            String reason = "recorded by hand" + verdict.map(v -> ": " + v.reason()).orElse("");
            record = new Experiment(run, session, 0, best.map(Experiment::commit).orElse(commit), commit, given,
                    given == Status.CRASH ? Map.of() : metrics, given == Status.CRASH ? Optional.empty() : Optional.of(metric),
                    verdict.flatMap(Verdict::delta), verdict.flatMap(Verdict::deltaPct), description.strip(),
                    Optional.ofNullable(hypothesis), reason, List.of(metric), now, now, 0, Optional.empty(), false, "",
                    DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
            ledger.append(record);
        }
        Output out = main.output();
        out.text(ConsoleRenderer.row(record));
        out.success(SessionRecords.json(record), List.of());
        return ExitCodes.OK;
    }
}

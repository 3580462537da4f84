package dev.helix.app.run;

import dev.helix.adapters.process.EnvironmentProbe;
import dev.helix.adapters.process.Hardware;
import dev.helix.adapters.store.EnvironmentFile;
import dev.helix.app.Workspace;
import dev.helix.app.record.AutoresearchLedger;
import dev.helix.core.event.Event;
import dev.helix.core.experiment.Environment;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.ledger.EarlierResults;
import dev.helix.core.port.Events;
import dev.helix.core.session.Records;
import dev.helix.core.spec.Spec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What a session knows before its baseline and tells both the person (at start) and the proposer
 * (in every prompt; {@code helix try}: in its first verdict): the environment evaluations run in (the
 * machine, its system, the output of run.fingerprint's commands; recorded beside the ledger for
 * {@code helix verify}), and the results of earlier sessions: those the {@code experiments.tsv}
 * committed on the branch the session started from holds, else those of the Rust autoresearch CLI's
 * ledger read into Helix's.
 */
public final class Briefing {

    /** Earlier results and where they were read from. */
    record Earlier(String source, EarlierResults results) {}

    private Briefing() {}

    /**
     * Detects, records (in .helix/environments.jsonl), announces and returns the briefing's text for
     * the prompt; {@code base} is the commit the session started from, {@code sandbox} what confines
     * its proposers and evaluations.
     */
    static String announce(Workspace workspace, String base, String tag, Spec spec, Map<String, String> env, UnaryOperator<String> redact,
                           Events events, String sandbox) {
        Environment environment = EnvironmentProbe.detect(tag, Instant.now(), env, spec.run().fingerprint(), workspace.repo(), redact)
                .withSandbox(sandbox);
        EnvironmentFile.in(workspace.helixDir()).append(environment);
        Hardware hardware = new Hardware(environment.gpus(), environment.cpu(), environment.cores(), environment.memoryBytes(),
                environment.gpuDriver());
        events.emit(new Event.Notice("hardware: " + hardware.text()));
        events.emit(new Event.Notice("environment: " + String.join("; ", environment.lines().subList(3, environment.lines().size()))));
        Optional<Earlier> earlier = earlier(workspace, base, spec);
        earlier.ifPresent(e -> events.emit(new Event.Notice("earlier sessions (" + e.source() + "): " + e.results().text())));
        return text(hardware, environment.lines().subList(3, environment.lines().size()), earlier);
    }

    /** The briefing's text for a session started at {@code base}, for an agent that drives itself. */
    public static String forAgent(Workspace workspace, String base, Spec spec, Map<String, String> env) {
        return text(Hardware.detect(env), List.of(), earlier(workspace, base, spec));
    }

    /**
     * The commit a session started from: its baseline's (a resumed session's branch carries its own
     * experiments.tsv, which is no earlier session's), else {@code start}.
     */
    static String base(List<Experiment> records, String start) {
        return Records.baseline(records).map(Experiment::commit).filter(c -> !c.isBlank()).orElse(start);
    }

    /**
     * The earlier results in {@code experiments.tsv} as committed in {@code base}: what earlier
     * sessions published, never an uncommitted or half-written copy in the working checkout.
     */
    static Optional<Earlier> earlier(Workspace workspace, String base, Spec spec) {
        Spec.MetricSpec primary = spec.metrics().primary();
        Optional<Earlier> committed = workspace.git().fileAt(workspace.repo(), base, "experiments.tsv")
                .flatMap(tsv -> EarlierResults.parse(tsv, primary.name(), primary.optimize()))
                .map(r -> new Earlier("experiments.tsv", r));
        return committed.or(() -> imported(workspace, primary));
    }

    /** The history read from .autoresearch/experiments.jsonl, as earlier results: its baseline and its best. */
    private static Optional<Earlier> imported(Workspace workspace, Spec.MetricSpec primary) {
        Optional<String> tag = Workspace.readIfExists(AutoresearchLedger.marker(workspace.helixDir())).map(String::strip);
        if (tag.isEmpty()) return Optional.empty();
        List<Experiment> records = workspace.ledger().readTag(tag.get()).experiments();
        Optional<Double> baseline = Records.baseline(records).flatMap(Experiment::primary);
        Optional<Experiment> best = records.stream()
                .filter(e -> (e.status() == Status.BASELINE || e.status() == Status.KEEP) && e.primary().isPresent())
                .reduce((a, b) -> primary.optimize().improvement(b.primary().get(), a.primary().get()) > 0 ? b : a);
        if (baseline.isEmpty() || best.isEmpty()) return Optional.empty();
        int rows = (int) records.stream().filter(e -> e.primary().isPresent()).count();
        return Optional.of(new Earlier(AutoresearchLedger.FILE, new EarlierResults(primary.name(), rows, baseline.get(),
                best.get().primary().get(), best.get().description())));
    }

    static String text(Hardware hardware, List<String> system, Optional<Earlier> earlier) {
        StringBuilder b = new StringBuilder("## The machine\n")
                .append("Every evaluation runs on this machine: ").append(hardware.text())
                .append(". Fit your change to it (memory, batch sizes, precision, parallelism).\n");
        // the system line and the fingerprints say what the hardware line does not
        system.forEach(l -> b.append("- ").append(l).append('\n'));
        earlier.ifPresent(e -> b.append("\n## Earlier sessions (").append(e.source()).append(")\n").append(e.results().text())
                .append(". This session's baseline is measured again on this machine; beating the earlier best is the goal.\n"));
        return b.toString();
    }
}

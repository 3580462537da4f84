package dev.helix.app.run;

import dev.helix.adapters.process.EnvironmentProbe;
import dev.helix.adapters.process.Hardware;
import dev.helix.adapters.store.EnvironmentFile;
import dev.helix.app.Workspace;
import dev.helix.core.event.Event;
import dev.helix.core.experiment.Environment;
import dev.helix.core.ledger.EarlierResults;
import dev.helix.core.port.Events;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What a session knows before its baseline and tells both the person (at start) and the proposer
 * (in every prompt): the environment evaluations run in (the machine, its system, the output of
 * run.fingerprint's commands; recorded beside the ledger for {@code helix verify}), and the results
 * of earlier sessions that {@code experiments.tsv} on the user's branch holds (the baseline, and
 * the best to beat).
 */
final class Briefing {

    private Briefing() {}

    /** Detects, records (in .helix/environments.jsonl), announces and returns the briefing's text for the prompt. */
    static String announce(Path repo, Path helixDir, String tag, Spec spec, Map<String, String> env, UnaryOperator<String> redact,
                           Events events) {
        Environment environment = EnvironmentProbe.detect(tag, Instant.now(), env, spec.run().fingerprint(), repo, redact);
        EnvironmentFile.in(helixDir).append(environment);
        Hardware hardware = new Hardware(environment.gpus(), environment.cpu(), environment.cores(), environment.memoryBytes(),
                environment.gpuDriver());
        events.emit(new Event.Notice("hardware: " + hardware.text()));
        events.emit(new Event.Notice("environment: " + String.join("; ", environment.lines().subList(3, environment.lines().size()))));
        Optional<EarlierResults> earlier = earlier(repo, spec);
        earlier.ifPresent(e -> events.emit(new Event.Notice("earlier sessions (experiments.tsv): " + e.text())));
        return text(hardware, environment, earlier);
    }

    static Optional<EarlierResults> earlier(Path repo, Spec spec) {
        Spec.MetricSpec primary = spec.metrics().primary();
        return Workspace.readIfExists(repo.resolve("experiments.tsv"))
                .flatMap(tsv -> EarlierResults.parse(tsv, primary.name(), primary.optimize()));
    }

    static String text(Hardware hardware, Environment environment, Optional<EarlierResults> earlier) {
        StringBuilder b = new StringBuilder("## The machine\n")
                .append("Every evaluation runs on this machine: ").append(hardware.text())
                .append(". Fit your change to it (memory, batch sizes, precision, parallelism).\n");
        // the system line and the fingerprints (index 3 on) say what the hardware line does not
        environment.lines().subList(3, environment.lines().size()).forEach(l -> b.append("- ").append(l).append('\n'));
        earlier.ifPresent(e -> b.append("\n## Earlier sessions (experiments.tsv)\n").append(e.text())
                .append(". This session's baseline is measured again on this machine; beating the earlier best is the goal.\n"));
        return b.toString();
    }
}

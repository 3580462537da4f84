package dev.helix.app.run;

import dev.helix.adapters.process.Hardware;
import dev.helix.app.Workspace;
import dev.helix.core.event.Event;
import dev.helix.core.ledger.EarlierResults;
import dev.helix.core.port.Events;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a session knows before its baseline and tells both the person (at start) and the proposer
 * (in every prompt): the machine evaluations run on, and the results of earlier sessions that
 * {@code experiments.tsv} on the user's branch holds (the baseline, and the best to beat).
 */
final class Briefing {

    private Briefing() {}

    /** Detects, announces and returns the briefing's text for the prompt. */
    static String announce(Path repo, Spec spec, Map<String, String> env, Events events) {
        Hardware hardware = Hardware.detect(env);
        events.emit(new Event.Notice("hardware: " + hardware.text()));
        Optional<EarlierResults> earlier = earlier(repo, spec);
        earlier.ifPresent(e -> events.emit(new Event.Notice("earlier sessions (experiments.tsv): " + e.text())));
        return text(hardware, earlier);
    }

    static Optional<EarlierResults> earlier(Path repo, Spec spec) {
        Spec.MetricSpec primary = spec.metrics().primary();
        return Workspace.readIfExists(repo.resolve("experiments.tsv"))
                .flatMap(tsv -> EarlierResults.parse(tsv, primary.name(), primary.optimize()));
    }

    static String text(Hardware hardware, Optional<EarlierResults> earlier) {
        StringBuilder b = new StringBuilder("## The machine\n")
                .append("Every evaluation runs on this machine: ").append(hardware.text())
                .append(". Fit your change to it (memory, batch sizes, precision, parallelism).\n");
        earlier.ifPresent(e -> b.append("\n## Earlier sessions (experiments.tsv)\n").append(e.text())
                .append(". This session's baseline is measured again on this machine; beating the earlier best is the goal.\n"));
        return b.toString();
    }
}

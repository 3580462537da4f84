package dev.helix.app.run;

import dev.helix.adapters.process.Hardware;
import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.ledger.EarlierResults;
import dev.helix.core.port.Events;
import dev.helix.core.port.Repository;
import dev.helix.core.session.Records;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a session knows before its baseline and tells both the person (at start) and the proposer
 * (in every prompt; {@code helix try}: in its first verdict): the machine evaluations run on, and
 * the results of earlier sessions that the {@code experiments.tsv} committed on the branch the
 * session started from holds (the baseline, and the best to beat).
 */
public final class Briefing {

    private Briefing() {}

    /** Detects, announces and returns the briefing's text for the prompt; {@code base} is the commit the session started from. */
    static String announce(Repository git, Path repo, String base, Spec spec, Map<String, String> env, Events events) {
        Hardware hardware = Hardware.detect(env);
        events.emit(new Event.Notice("hardware: " + hardware.text()));
        Optional<EarlierResults> earlier = earlier(git, repo, base, spec);
        earlier.ifPresent(e -> events.emit(new Event.Notice("earlier sessions (experiments.tsv): " + e.text())));
        return text(hardware, earlier);
    }

    /** The briefing's text for session start {@code base}: the lines to show, then the text for the agent. */
    public static String forAgent(Repository git, Path repo, String base, Spec spec, Map<String, String> env) {
        return text(Hardware.detect(env), earlier(git, repo, base, spec));
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
    static Optional<EarlierResults> earlier(Repository git, Path repo, String base, Spec spec) {
        Spec.MetricSpec primary = spec.metrics().primary();
        return git.fileAt(repo, base, "experiments.tsv")
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

package dev.helix.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.app.AppException;
import dev.helix.app.record.RecordResult;
import dev.helix.core.experiment.Status;
import dev.helix.core.session.Hints;
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--metric", paramLabel = "V|NAME=V",
            description = "The primary metric's value (V; not needed for a crash), or another metric helix.yaml names (NAME=V: the guard, a constraint's); repeatable.")
    List<String> metrics = List.of();

    @Option(names = "--status", required = true, paramLabel = "S", description = "baseline, keep (kept), discard (discarded) or crash.")
    String status;

    @Option(names = {"-m", "--message", "--summary"}, required = true, paramLabel = "DESCRIPTION", description = "What was tried.")
    String description;

    @Option(names = "--hypothesis", paramLabel = "H", description = "Why it should have helped.")
    String hypothesis;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the checked-out helix/<tag>, else the latest).")
    String tag;

    @Override
    public Integer call() {
        Status given;
        try {
            // "kept" and "discarded" are the words of agents taught by the autoresearch CLI
            given = Status.parse(switch (status.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "kept" -> "keep";
                case "discarded" -> "discard";
                case "crashed" -> "crash";
                default -> status;
            });
        } catch (IllegalArgumentException e) {
            throw AppException.usage("bad_status", "--status '" + status + "' is not one of baseline, keep, discard, crash",
                    "e.g. --status discard");
        }
        if (!List.of(Status.BASELINE, Status.KEEP, Status.DISCARD, Status.CRASH).contains(given)) {
            throw AppException.usage("bad_status", "--status " + given.word() + " cannot be recorded by hand", "use baseline, keep, discard or crash");
        }
        RecordMetrics m = RecordMetrics.parse(metrics);
        RecordResult.Outcome o = RecordResult.record(main.workingDirectory(), new RecordResult.Request(given, m.primary(),
                description.strip(), Optional.ofNullable(hypothesis), Optional.ofNullable(tag), m.others()));
        // The same advice helix try gives from the session's records: stuck, plateau, suspicious jump.
        List<String> advice = Hints.of(o.session());
        List<String> hints = new ArrayList<>();
        o.betterThanBest().ifPresent(hints::add);
        hints.addAll(advice);
        Output out = main.output();
        out.text(ConsoleRenderer.row(o.record()));
        o.betterThanBest().ifPresent(w -> out.text("warning: " + w));
        advice.forEach(h -> out.text("hint: " + h));
        ObjectNode data = (ObjectNode) SessionRecords.json(o.record());
        o.betterThanBest().ifPresent(w -> data.put("better_than_best", w));
        out.success(data, hints);
        return ExitCodes.OK;
    }
}

package dev.helix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.core.experiment.Experiment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code helix show N}: one experiment's record, its diff against its parent and the tail of its log. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show one experiment: every field of its record, its diff against its parent (the best it started from) and the last lines of its log.")
final class ShowCommand implements Callable<Integer> {
    static final int TAIL = 30;

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "N", description = "The run number (as in 'helix log'), 'best' or 'baseline'.")
    String experiment;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        Experiment e = ExperimentRef.find(s, experiment);
        String diff = e.commit().isEmpty() || e.parent().isEmpty() ? "" : s.git().diff(s.repo(), e.parent(), e.commit());
        List<String> tail = tail(s.repo(), e);
        JsonNode record = SessionRecords.json(e);
        Output out = main.output();
        s.warnings().forEach(w -> out.progress().println("warning: " + w));
        out.text(ConsoleRenderer.row(e));
        List<String> fields = new ArrayList<>();
        flatten("", record, fields);
        fields.forEach(f -> out.text("  " + f));
        out.text("");
        out.text(e.commit().isEmpty() ? "-- no diff: nothing was committed" : "-- diff against its parent " + e.parent());
        if (!diff.isEmpty()) out.text(diff.stripTrailing());
        out.text("");
        out.text(tail.isEmpty() ? "-- no log" : "-- the last " + tail.size() + " lines of its log " + e.log());
        tail.forEach(out::text);
        ObjectNode data = Output.JSON.createObjectNode();
        data.put("tag", s.tag());
        data.set("record", record);
        data.put("diff", diff);
        data.putPOJO("log_tail", tail);
        out.success(data, e.run() > 0 ? List.of("compare with the best: helix diff best " + e.run()) : List.of());
        return ExitCodes.OK;
    }

    /** The last lines of the experiment's log; the record's own tail when the file is gone. */
    static List<String> tail(Path repo, Experiment e) {
        if (!e.log().isEmpty()) {
            Path log = repo.resolve(e.log()).normalize();
            if (log.startsWith(repo) && Files.isRegularFile(log)) {
                try {
                    List<String> lines = new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
                    return lines.subList(Math.max(0, lines.size() - TAIL), lines.size());
                } catch (IOException ex) {
                    // fall through to the tail the record kept
                }
            }
        }
        return e.logTail().map(t -> t.lines().toList()).map(l -> l.subList(Math.max(0, l.size() - TAIL), l.size())).orElse(List.of());
    }

    /** "key: value" for every field, nested ones as "agent.backend: tune"; null as "-". */
    private static void flatten(String prefix, JsonNode node, List<String> out) {
        for (Map.Entry<String, JsonNode> f : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            String key = prefix + f.getKey();
            JsonNode v = f.getValue();
            if (key.equals("log_tail")) continue; // shown below, from the log itself
            if (v.isObject() && !v.isEmpty()) {
                flatten(key + ".", v, out);
            } else if (v.isArray()) {
                List<String> items = new ArrayList<>();
                v.forEach(i -> items.add(i.isTextual() ? i.asText() : i.toString()));
                out.add(key + ": " + (items.isEmpty() ? "-" : String.join(", ", items)));
            } else {
                out.add(key + ": " + (v.isNull() ? "-" : v.isTextual() ? v.asText().replace("\n", "\n    ") : v.toString()));
            }
        }
    }
}

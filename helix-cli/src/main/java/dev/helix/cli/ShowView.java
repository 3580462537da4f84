package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.app.ui.DashboardData;
import dev.helix.core.experiment.Experiment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One experiment as {@code helix show} shows it: its record, its diff against its parent, the tail of its log. */
record ShowView(String tag, JsonNode record, String diff, @JsonProperty("log_tail") List<String> logTail) {
    static final int TAIL = 30;

    static ShowView of(SessionRecords s, Experiment e) {
        String diff = e.commit().isEmpty() || e.parent().isEmpty() ? "" : s.git().diff(s.repo(), e.parent(), e.commit());
        return new ShowView(s.tag(), SessionRecords.json(e), diff, tail(s.repo(), e));
    }

    /** The lines for people: the row, every field, the diff and the log's tail. */
    String text(Experiment e) {
        List<String> lines = new ArrayList<>();
        lines.add(ConsoleRenderer.row(e));
        List<String> fields = new ArrayList<>();
        flatten("", record, fields);
        fields.forEach(f -> lines.add("  " + f));
        lines.add("");
        lines.add(e.commit().isEmpty() ? "-- no diff: nothing was committed" : "-- diff against its parent " + e.parent());
        if (!diff.isEmpty()) lines.add(diff.stripTrailing());
        lines.add("");
        lines.add(logTail.isEmpty() ? "-- no log" : "-- the last " + logTail.size() + " lines of its log " + e.log());
        lines.addAll(logTail);
        return String.join("\n", lines);
    }

    /** The last lines of the experiment's log; the record's own tail when the file is gone. */
    static List<String> tail(Path repo, Experiment e) {
        return DashboardData.logTail(repo, e, TAIL);
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

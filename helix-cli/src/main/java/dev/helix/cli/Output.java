package dev.helix.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;

/**
 * Where a command's answer goes: text for people, or one JSON envelope
 * ({@code {"status":"success","data":…,"hints":[…]}} / {@code {"status":"error","error":{…}}}) for
 * programs. Progress meant for people goes to {@link #progress()}: stdout in text mode, stderr
 * when stdout carries JSON.
 */
public final class Output {
    public static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    public Output(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    public boolean json() {
        return json;
    }

    /** Text for people; nothing in JSON mode. */
    public void text(String text) {
        if (!json) {
            out.println(text);
            out.flush();
        }
    }

    /** Progress lines a person watches: always shown, on stderr in JSON mode. */
    public PrintWriter progress() {
        return json ? err : out;
    }

    /**
     * The JSON envelope of a success; nothing in text mode. {@code data} is the command's view record,
     * serialised here and only here: its components in declaration order, named as their
     * {@code @JsonProperty} says, and left out when null only where {@code @JsonInclude(NON_NULL)} says so.
     */
    public void success(Object data, List<String> hints) {
        if (!json) return;
        ObjectNode root = JSON.createObjectNode();
        root.put("status", "success");
        root.set("data", JSON.valueToTree(data));
        ArrayNode h = root.putArray("hints");
        hints.forEach(h::add);
        out.println(root.toString());
        out.flush();
    }

    public void error(String code, String message, String suggestion) {
        if (json) {
            ObjectNode root = JSON.createObjectNode();
            root.put("status", "error");
            ObjectNode error = root.putObject("error");
            error.put("code", code);
            error.put("message", message);
            error.put("suggestion", suggestion);
            out.println(root.toString());
            out.flush();
        } else {
            err.println("error: " + message);
            // A spec error's message already carries each problem's own fix line; say it once.
            if (suggestion != null && !suggestion.isBlank() && !message.contains("fix: " + suggestion)) {
                err.println("  fix: " + suggestion);
            }
            err.flush();
        }
    }
}

package dev.helix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;

/**
 * Where a command's answer goes, the output contract in one place: stdout carries the data asked for
 * (text for people, a document, or one JSON envelope {@code {"status":"success","data":…,"hints":[…]}} /
 * {@code {"status":"error","error":{…}}} for programs); everything for people besides (progress,
 * warnings, notes) goes to stderr, and so does every error, in JSON mode too.
 */
public final class Output {
    public static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /**
     * Significant digits kept of a number in JSON: a measurement has far fewer, and the digits past
     * them are the noise of binary arithmetic ({@code -0.01822600000000002} is {@code -0.018226}).
     */
    private static final MathContext MEASURED = new MathContext(12);

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

    /** Text for people (or a document) on stdout; nothing in JSON mode. */
    public void text(String text) {
        if (!json) {
            out.println(text);
            out.flush();
        }
    }

    /** Stdout itself, for a document streamed as it is made (text mode only). */
    public PrintWriter data() {
        return out;
    }

    /** Progress, warnings and notes a person watches: always shown, always on stderr, so stdout stays data. */
    public PrintWriter progress() {
        return err;
    }

    /**
     * The JSON envelope of a success; nothing in text mode. {@code data} is the command's view record,
     * serialised here and only here: its components in declaration order, named as their
     * {@code @JsonProperty} says, and left out when null only where {@code @JsonInclude(NON_NULL)} says so.
     */
    public void success(Object data, List<String> hints) {
        result("success", data, hints);
    }

    /** An envelope whose {@code status} says how the command ended when that is neither success nor error (e.g. interrupted). */
    public void result(String status, Object data, List<String> hints) {
        if (!json) return;
        ObjectNode root = JSON.createObjectNode();
        root.put("status", status);
        root.set("data", measured(JSON.valueToTree(data)));
        ArrayNode h = root.putArray("hints");
        hints.forEach(h::add);
        out.println(root.toString());
        out.flush();
    }

    /**
     * A command that ran and failed, with what it did: {@code error: …} and {@code fix: …} on stderr,
     * and in JSON mode the error envelope with the command's {@code data} beside the error, so a
     * program sees the failure and its details.
     */
    public void failure(String code, String message, String suggestion, Object data, List<String> hints) {
        tell(message, suggestion);
        if (!json) return;
        ObjectNode root = JSON.createObjectNode();
        root.put("status", "error");
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        error.put("suggestion", suggestion);
        root.set("data", measured(JSON.valueToTree(data)));
        ArrayNode h = root.putArray("hints");
        hints.forEach(h::add);
        out.println(root.toString());
        out.flush();
    }

    /**
     * An error: in JSON mode the envelope on stdout; in every mode {@code error: …} and {@code fix: …}
     * on stderr, so a person sees it even when stdout goes to a file or a program.
     */
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
        }
        tell(message, suggestion);
    }

    /** {@code error: …} and {@code fix: …} on stderr, for a person, whatever stdout carries. */
    private void tell(String message, String suggestion) {
        err.println("error: " + message);
        // A spec error's message already carries each problem's own fix line; say it once.
        if (suggestion != null && !suggestion.isBlank() && !message.contains("fix: " + suggestion)) {
            err.println("  fix: " + suggestion);
        }
        err.flush();
    }

    /** {@code node} with every floating-point number rounded to {@link #MEASURED} significant digits. */
    static JsonNode measured(JsonNode node) {
        if (node.isFloatingPointNumber()) {
            double v = node.doubleValue();
            if (!Double.isFinite(v) || v == 0) return node;
            double r = new BigDecimal(v).round(MEASURED).doubleValue();
            return JSON.getNodeFactory().numberNode(r);
        }
        if (node instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) e.setValue(measured(e.getValue()));
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) a.set(i, measured(a.get(i)));
        }
        return node;
    }
}

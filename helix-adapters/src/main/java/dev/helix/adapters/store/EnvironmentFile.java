package dev.helix.adapters.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.core.experiment.Environment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sessions' environment records beside the ledger: {@code .helix/environments.jsonl}, one JSON
 * object a line, one line per session start (and resume), appended durably. Kept apart from the
 * experiments so that every reader of the ledger, old or new, reads it as before; a line it cannot
 * read is skipped.
 */
public final class EnvironmentFile {
    public static final String NAME = "environments.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public EnvironmentFile(Path file) {
        this.file = file;
    }

    /** The file in a repository's .helix directory. */
    public static EnvironmentFile in(Path helixDir) {
        return new EnvironmentFile(helixDir.resolve(NAME));
    }

    /** Appends one record under an exclusive lock, flushed to disk before it returns. */
    public void append(Environment e) {
        byte[] line = (encode(e) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                 var lock = ch.lock()) {
                ch.write(ByteBuffer.wrap(line));
                ch.force(true);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Every readable record, in the order written; none when there is no file (sessions of an older Helix). */
    public List<Environment> read() {
        if (!Files.exists(file)) return List.of();
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** The readable records of a file's text (as a session branch carries it); a torn or foreign line is skipped. */
    public static List<Environment> parse(String text) {
        List<Environment> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            try {
                out.add(decode(line));
            } catch (IllegalArgumentException ex) {
                // a torn or foreign line: the others still count
            }
        }
        return out;
    }

    /** Whether every non-blank line of {@code text} is an environment record: a file Helix wrote, not the user's. */
    public static boolean isHelixFile(String text) {
        long lines = text.lines().filter(l -> !l.isBlank()).count();
        return parse(text).size() == lines;
    }

    /** Writes {@code records} as the whole file (a copy for a session branch to carry), replacing what was there. */
    public static void publish(List<Environment> records, Path file) {
        StringBuilder text = new StringBuilder();
        records.forEach(e -> text.append(encode(e)).append('\n'));
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + file + ": " + ex.getMessage(), ex);
        }
    }

    static String encode(Environment e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("tag", e.tag());
        o.put("recorded_at", e.recordedAt().toString());
        o.put("cpu", e.cpu());
        o.put("cores", e.cores());
        o.put("memory_bytes", e.memoryBytes());
        e.gpus().forEach(o.putArray("gpus")::add);
        o.put("gpu_driver", e.gpuDriver());
        o.put("os", e.os());
        o.put("kernel", e.kernel());
        ObjectNode f = o.putObject("fingerprints");
        e.fingerprints().forEach(f::put);
        if (!e.sandbox().isEmpty()) o.put("sandbox", e.sandbox());
        return o.toString();
    }

    static Environment decode(String line) {
        JsonNode o;
        try {
            o = JSON.readTree(line);
        } catch (JacksonException ex) {
            throw new IllegalArgumentException("not an environment record: malformed JSON", ex);
        }
        if (o == null || !o.isObject() || !o.path("tag").isTextual() || !o.path("recorded_at").isTextual()) {
            throw new IllegalArgumentException("not an environment record: no tag or recorded_at");
        }
        List<String> gpus = new ArrayList<>();
        o.path("gpus").forEach(g -> gpus.add(g.asText()));
        Map<String, String> fingerprints = new LinkedHashMap<>();
        o.path("fingerprints").fields().forEachRemaining(en -> fingerprints.put(en.getKey(), en.getValue().asText()));
        try {
            return new Environment(o.get("tag").asText(), Instant.parse(o.get("recorded_at").asText()), o.path("cpu").asText(""),
                    o.path("cores").asInt(0), o.path("memory_bytes").asLong(0), gpus, o.path("gpu_driver").asText(""),
                    o.path("os").asText(""), o.path("kernel").asText(""), fingerprints, o.path("sandbox").asText(""));
        } catch (java.time.format.DateTimeParseException ex) {
            throw new IllegalArgumentException("not an environment record: recorded_at is not a time", ex);
        }
    }
}

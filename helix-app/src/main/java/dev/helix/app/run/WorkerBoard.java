package dev.helix.app.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.core.event.Event;
import dev.helix.core.port.Events;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What each worker of a running session is doing, kept in {@code .helix/runs/<tag>/workers.json}
 * for {@code helix watch} and {@code helix status} (other processes): rewritten whole (write,
 * then rename) whenever a worker changes phase, removed when the session ends.
 */
public final class WorkerBoard implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One worker's line: what it does since when, where. */
    public record Worker(int worker, int run, String phase, String where, String direction, Instant since) {}

    private final Path file;
    private final TreeMap<Integer, Worker> workers = new TreeMap<>();

    public WorkerBoard(Path file, int count) {
        this.file = file;
        for (int k = 1; k <= count; k++) workers.put(k, new Worker(k, 0, "starting", "", "", Instant.now()));
        write(); // a watcher sees every worker from the start
    }

    /** The session's events, passed on to {@code next}, with the board kept up to date on the way. */
    public Events around(Events next) {
        return event -> {
            if (event instanceof Event.WorkerBusy b) update(b);
            next.emit(event);
        };
    }

    private synchronized void update(Event.WorkerBusy b) {
        workers.put(b.worker(), new Worker(b.worker(), b.run(), b.phase().text(), b.where(), b.direction(), b.since()));
        write();
    }

    private void write() {
        ObjectNode root = JSON.createObjectNode();
        root.put("pid", ProcessHandle.current().pid());
        ArrayNode list = root.putArray("workers");
        for (Worker w : workers.values()) {
            ObjectNode o = list.addObject();
            o.put("worker", w.worker());
            o.put("run", w.run());
            o.put("phase", w.phase());
            o.put("where", w.where());
            o.put("direction", w.direction());
            o.put("since", w.since().toString());
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, root.toString() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A board as read back: the pid of the session that wrote it and its workers. */
    public record Board(long pid, List<Worker> workers) {}

    /** The board with the pid of its writer; empty when there is none or it cannot be read. */
    public static Optional<Board> board(Path file) {
        List<Worker> out = new ArrayList<>();
        try {
            if (!Files.isRegularFile(file)) return Optional.empty();
            var root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (root == null || !root.path("pid").canConvertToLong()) return Optional.empty();
            for (var o : root.path("workers")) {
                out.add(new Worker(o.path("worker").asInt(), o.path("run").asInt(), o.path("phase").asText(),
                        o.path("where").asText(), o.path("direction").asText(), Instant.parse(o.path("since").asText())));
            }
            return Optional.of(new Board(root.path("pid").asLong(), List.copyOf(out)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // half a file from a crash: no board rather than a broken status
        }
    }

    /** Where session {@code tag} of {@code repo} keeps its board. */
    public static Path file(Path repo, String tag) {
        return repo.resolve(".helix/runs").resolve(tag).resolve("workers.json");
    }

    @Override
    public synchronized void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a board left behind is ignored once no process holds the session's lock
        }
    }
}

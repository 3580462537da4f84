package dev.helix.app.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.app.AppException;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.session.Driver;
import dev.helix.core.session.Records;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The ledger the Rust autoresearch CLI keeps, {@code .autoresearch/experiments.jsonl} (one JSON
 * object per {@code autoresearch record}: run, hash, short_hash, metric, delta, status, summary,
 * timestamp), read into Helix's ledger as one session so its history continues: {@code log} and
 * {@code status} show the earlier runs and the next {@code helix record} has its baseline and best.
 * The file is only read, never changed; it is read once, and a marker under .helix/ says so. An
 * import cut off partway (a kill between two records) is finished by the next command, under the
 * same session tag, never imported a second time under another name.
 */
public final class AutoresearchLedger {
    /** Where that CLI keeps it, relative to the repository. */
    public static final String FILE = ".autoresearch/experiments.jsonl";
    /** How the reason of every imported record begins (after {@link Driver#RECORDED}, since that tool's agents record by hand). */
    static final String IMPORTED = Driver.RECORDED + ": imported from " + FILE;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The error code of a file whose last line is still being written: the import waits for a later command. */
    public static final String UNFINISHED = "autoresearch_ledger_unfinished";
    /** The error code of a line that is not a record: the import waits until it is fixed. */
    /** How long a last line without its newline may stay unfinished before it counts as cut off rather than being written. */
    static final java.time.Duration STILL_WRITING = java.time.Duration.ofMinutes(2);
    public static final String MALFORMED = "bad_autoresearch_ledger";

    private AutoresearchLedger() {}

    /** The marker that the file has been read, holding the session tag it became. */
    public static Path marker(Path helixDir) {
        return helixDir.resolve("imported").resolve("autoresearch-experiments.tag");
    }

    /** The marker of an import begun and not finished, holding the session tag it goes to. */
    static Path partial(Path helixDir) {
        return helixDir.resolve("imported").resolve("autoresearch-experiments.partial");
    }

    /** The tag of an import begun and cut off before its end, to finish under the same name. */
    public static Optional<String> unfinished(Path helixDir) {
        try {
            Path p = partial(helixDir);
            return Files.isRegularFile(p) ? Optional.of(Files.readString(p).strip()).filter(t -> !t.isEmpty()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the repository has that file and Helix has not read it yet. */
    public static boolean pending(Path repo, Path helixDir) {
        return Files.isRegularFile(repo.resolve(FILE)) && !Files.exists(marker(helixDir));
    }

    /**
     * The file's records as session {@code tag}'s, numbered as that CLI numbered them; {@code metric}
     * is the primary metric's name (autoresearch.toml's metric_name); {@code commits} finds a hash's
     * commit in the repository (empty when it is not there: its branch deleted, a shallow clone).
     * A line that is not a JSON object, or a field of the wrong kind, is a usage error naming the
     * file and the line ({@link #MALFORMED}); a last line without its newline that does not parse,
     * one that CLI is writing, is {@link #UNFINISHED}.
     */
    public static List<Experiment> read(Path repo, String tag, String metric, Function<String, Optional<String>> commits) {
        Path file = repo.resolve(FILE);
        List<String> lines;
        boolean terminated;
        Instant written;
        try {
            String text = Files.readString(file);
            if (text.startsWith("\uFEFF")) text = text.substring(1); // the byte order mark Windows editors and PowerShell write
            terminated = text.isEmpty() || text.endsWith("\n");
            lines = text.lines().toList();
            written = Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Experiment> records = new ArrayList<>();
        int lastRun = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            int lineNo = i + 1;
            JsonNode row;
            try {
                row = object(lines.get(i), lineNo);
            } catch (AppException e) {
                // A last line without its newline that does not parse is being written (by that CLI) this moment.
                if (i == lines.size() - 1 && !terminated && written.isAfter(Instant.now().minus(STILL_WRITING))) {
                    throw AppException.runtime(UNFINISHED, FILE + " line " + lineNo + " is being written", "run the command again in a moment");
                }
                // one left unfinished for longer is a write that was cut off (that CLI killed): waiting would be forever
                if (i == lines.size() - 1 && !terminated) throw malformed(lineNo, "cut off (no newline, and not JSON) since "
                        + written.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
                throw e;
            }
            int run = run(row, lineNo).filter(r -> r > records.stream().mapToInt(Experiment::run).max().orElse(-1))
                    .orElse(lastRun + 1);
            lastRun = run;
            records.add(record(row, lineNo, run, tag, metric, records, written, commits));
        }
        return records;
    }

    /**
     * Reads the file into {@code ledger} as session {@code tag} and writes the marker; returns how
     * many records. All or nothing across kills: the partial marker names the tag before the first
     * record is appended, and a second call appends only what the first did not.
     */
    public static int importInto(Path repo, Path helixDir, LedgerStore ledger, String tag, String metric,
                                 Function<String, Optional<String>> commits) {
        List<Experiment> records = read(repo, tag, metric, commits); // every line checked before one is written
        writeAtomically(partial(helixDir), tag);
        long done = ledger.readTag(tag).experiments().stream().filter(e -> e.reason().startsWith(IMPORTED)).count();
        records.subList((int) Math.min(done, records.size()), records.size()).forEach(ledger::append);
        writeAtomically(marker(helixDir), tag);
        try {
            Files.deleteIfExists(partial(helixDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records.size();
    }

    /** A marker whole or not at all: written beside, then moved in place. */
    private static void writeAtomically(Path file, String tag) {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, tag + "\n");
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Experiment record(JsonNode row, int lineNo, int run, String tag, String metric, List<Experiment> before,
                                     Instant written, Function<String, Optional<String>> commits) {
        Optional<Double> value = metric(row, lineNo);
        String word = text(row, "status", lineNo).map(s -> s.strip().toLowerCase(Locale.ROOT)).orElse("");
        boolean hasBaseline = Records.baseline(before).isPresent();
        Status status = switch (word) {
            case "baseline" -> hasBaseline ? Status.KEEP : Status.BASELINE;
            case "kept", "keep" -> Status.KEEP;
            case "crash", "crashed" -> Status.CRASH;
            default -> Status.DISCARD;
        };
        String note = switch (word) {
            case "baseline" -> hasBaseline ? "a second baseline, taken as a keep" : "";
            case "kept", "keep", "crash", "crashed", "discarded", "discard" -> "";
            case "" -> "no status, taken as a discard";
            default -> "status '" + word + "' taken as a discard";
        };
        if (value.isEmpty() && status != Status.CRASH) {
            note = "no metric, taken as a crash";
            status = Status.CRASH;
        }
        String hash = text(row, "hash", lineNo).or(() -> text(row, "short_hash", lineNo)).orElse("").strip();
        // a commit this repository lacks would break every diff of it: the record keeps the hash in its reason only
        String commit = hash.isEmpty() ? "" : commits.apply(hash).orElse("");
        if (!hash.isEmpty() && commit.isEmpty()) note = (note.isEmpty() ? "" : note + "; ") + "its commit " + hash + " is not in this repository";
        Optional<Experiment> best = Records.best(before);
        Optional<Double> delta = status == Status.CRASH || status == Status.BASELINE ? Optional.empty()
                : best.flatMap(Experiment::primary).map(b -> value.get() - b);
        Optional<Double> deltaPct = delta.flatMap(d -> best.flatMap(Experiment::primary).filter(b -> b != 0).map(b -> 100 * d / Math.abs(b)));
        Instant at = text(row, "timestamp", lineNo).flatMap(AutoresearchLedger::instant).orElse(written);
        String summary = text(row, "summary", lineNo).map(String::strip).filter(s -> !s.isEmpty()).orElse("run " + run);
        String reason = IMPORTED + " line " + lineNo + " (status " + (word.isEmpty() ? "missing" : word) + ")"
                + (note.isEmpty() ? "" : ": " + note);
        boolean crash = status == Status.CRASH;
        return new Experiment(run, tag, 0, best.map(Experiment::commit).orElse(commit), commit, status,
                crash ? Map.of() : Map.of(metric, value.get()), crash ? Optional.empty() : value, delta, deltaPct,
                summary, Optional.empty(), reason, crash ? List.of() : List.of(value.get()), at, at, 0, Optional.empty(),
                false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
    }

    private static JsonNode object(String line, int lineNo) {
        try {
            JsonNode row = JSON.readTree(line);
            if (row != null && row.isObject()) return row;
            throw malformed(lineNo, "not a JSON object");
        } catch (JsonProcessingException e) {
            throw malformed(lineNo, "not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static Optional<Integer> run(JsonNode row, int lineNo) {
        JsonNode run = row.get("run");
        if (run == null || run.isNull()) return Optional.empty();
        if (!run.canConvertToInt() || !run.isIntegralNumber() || run.intValue() < 0) {
            throw malformed(lineNo, "\"run\" must be a whole number of 0 or more, not " + run);
        }
        return Optional.of(run.intValue());
    }

    /** The metric: a finite number (or a numeric string); null, missing, NaN or Infinity mean none. */
    private static Optional<Double> metric(JsonNode row, int lineNo) {
        JsonNode m = row.get("metric");
        if (m == null || m.isNull()) return Optional.empty();
        if (m.isNumber()) return Optional.of(m.doubleValue()).filter(Double::isFinite);
        if (m.isTextual()) {
            try {
                return Optional.of(Double.parseDouble(m.asText().strip())).filter(Double::isFinite);
            } catch (NumberFormatException e) {
                throw malformed(lineNo, "\"metric\" must be a number, not " + m);
            }
        }
        throw malformed(lineNo, "\"metric\" must be a number, not " + m);
    }

    private static Optional<String> text(JsonNode row, String field, int lineNo) {
        JsonNode v = row.get(field);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isTextual()) throw malformed(lineNo, "\"" + field + "\" must be a string, not " + v);
        return Optional.of(v.asText());
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text.strip()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty(); // a time it cannot read is not worth refusing the history for
        }
    }

    private static AppException malformed(int lineNo, String what) {
        return AppException.usage(MALFORMED, FILE + " line " + lineNo + ": " + what,
                "fix or delete line " + lineNo + " of " + FILE + " (Helix only reads that file, never changes it), then run the command again");
    }
}

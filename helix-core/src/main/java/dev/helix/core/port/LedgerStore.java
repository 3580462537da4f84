package dev.helix.core.port;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where experiment records live; appends are atomic and durable before they return. */
public interface LedgerStore {

    /** Appends one record durably (flushed to disk) under an exclusive lock. */
    void append(Experiment experiment);

    /**
     * Work a store does for a record of {@code status} about {@code commit} before that record is
     * {@link #append}ed (a held-out measurement): a session calls it outside its lock, where a stop
     * request cuts it short and the other workers go on. Nothing by default.
     */
    default void prepare(Status status, String commit) {}

    /** Every readable record; a torn or unreadable line is skipped and reported in {@code warnings}. */
    Contents read();

    /**
     * The records of session {@code tag} only, in ledger order, with the warnings {@link #read} would
     * give; a store may answer it without reading the other sessions' records.
     */
    default Contents readTag(String tag) {
        Contents all = read();
        return new Contents(all.ofTag(tag), all.warnings());
    }

    /**
     * Hands the records of session {@code tag} to {@code each}, one at a time in ledger order, and
     * returns the warnings {@link #read} would give: for a reader that needs not hold them all.
     */
    default List<String> readTag(String tag, java.util.function.Consumer<Experiment> each) {
        Contents contents = readTag(tag);
        contents.experiments().forEach(each);
        return contents.warnings();
    }

    /** The last {@code n} readable records of session {@code tag} (all when fewer), with the warnings {@link #read} would give. */
    default Contents tail(String tag, int n) {
        Contents all = readTag(tag);
        List<Experiment> records = all.experiments();
        return new Contents(records.subList(Math.max(0, records.size() - n), records.size()), all.warnings());
    }

    /** The tag of the last readable record: the latest session; empty when there is none. */
    default Optional<String> latestTag() {
        List<Experiment> all = read().experiments();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1).tag());
    }

    /** The sessions the ledger holds, in the order each first appears. */
    default List<String> tags() {
        return read().experiments().stream().map(Experiment::tag).distinct().toList();
    }

    /**
     * Writes copies of {@code records} into {@code directory} as experiments.jsonl and
     * experiments.tsv (whose columns follow the {@code primary} metric and the quality
     * {@code guard}), for a session's branch to carry; the store itself is left as it is.
     */
    void publish(List<Experiment> records, Path directory, String primary, Optional<String> guard);

    record Contents(List<Experiment> experiments, List<String> warnings) {
        public Contents {
            experiments = List.copyOf(experiments);
            warnings = List.copyOf(warnings);
        }

        public List<Experiment> ofTag(String tag) {
            return experiments.stream().filter(e -> e.tag().equals(tag)).toList();
        }
    }
}

package dev.helix.app.merge;

import dev.helix.adapters.store.EnvironmentFile;
import dev.helix.adapters.store.LedgerCodec;
import dev.helix.app.AppException;
import dev.helix.app.run.EnvironmentCopy;
import dev.helix.core.experiment.Experiment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The ledger files a branch carries (experiments.jsonl and experiments.tsv, as the ledger store
 * publishes them, and environments.jsonl beside them): the records already there, and the check that they are Helix's, so that a
 * merge never replaces a file of the user's that happens to have the same name.
 */
final class BranchLedger {

    static final String JSONL = "experiments.jsonl";
    static final String TSV = "experiments.tsv";
    static final List<String> FILES = List.of(JSONL, TSV);
    /** Every file of Helix's a merge carries: the ledger's and the environment records beside it. */
    static final List<String> CARRIED = List.of(JSONL, TSV, EnvironmentCopy.FILE);

    private BranchLedger() {}

    /**
     * The records the ledger files in {@code repo}'s clean checkout hold (none when it has none).
     * Stops when one of them is untracked, or is not what Helix writes: a TSV whose rows are not the
     * JSONL's, a JSONL line that is not a record. A TSV alone (as earlier versions left it) is Helix's
     * when each of its rows is one of {@code known}, the workspace's own records.
     */
    static List<Experiment> read(Path repo, Set<String> tracked, String branch, List<Experiment> known) {
        for (String file : CARRIED) {
            if (!tracked.contains(file) && Files.exists(repo.resolve(file), LinkOption.NOFOLLOW_LINKS)) {
                throw AppException.usage("untracked_ledger_file", "your checkout has an untracked " + file
                        + ", which the merge would replace with the session's", "move it out of the way first, e.g. mv "
                        + file + " my-" + file);
            }
        }
        if (tracked.contains(EnvironmentCopy.FILE) && !EnvironmentFile.isHelixFile(text(repo.resolve(EnvironmentCopy.FILE)))) {
            throw notHelix(branch, EnvironmentCopy.FILE, "a line of it is no environment record");
        }
        Optional<List<Experiment>> records = tracked.contains(JSONL) ? Optional.of(decode(repo, branch)) : Optional.empty();
        if (!tracked.contains(TSV)) return records.orElse(List.of());
        List<String> keys = tsvKeys(text(repo.resolve(TSV))).orElseThrow(() -> notHelix(branch, TSV, "its header is not Helix's"));
        if (records.isPresent()) {
            if (!keys.equals(records.get().stream().map(BranchLedger::key).toList())) {
                throw notHelix(branch, TSV, "its rows are not those of " + JSONL);
            }
            return records.get();
        }
        List<Experiment> found = new ArrayList<>();
        for (String key : keys) {
            found.add(known.stream().filter(e -> key(e).equals(key)).reduce((a, b) -> b)
                    .orElseThrow(() -> notHelix(branch, TSV, "its row " + key + " is no record of this repository's sessions")));
        }
        return found;
    }

    /** The branch's records, then each of the session's that the branch does not hold yet, in the session's order. */
    static List<Experiment> combine(List<Experiment> onBranch, List<Experiment> session) {
        List<Experiment> all = new ArrayList<>(onBranch);
        Set<String> lines = new HashSet<>();
        onBranch.forEach(e -> lines.add(LedgerCodec.encode(e)));
        for (Experiment e : session) {
            if (lines.add(LedgerCodec.encode(e))) all.add(e);
        }
        return all;
    }

    private static List<Experiment> decode(Path repo, String branch) {
        List<Experiment> records = new ArrayList<>();
        int n = 0;
        for (String line : text(repo.resolve(JSONL)).split("\n")) {
            n++;
            if (line.isBlank()) continue;
            try {
                records.add(LedgerCodec.decode(line));
            } catch (IllegalArgumentException e) {
                throw notHelix(branch, JSONL, "its line " + n + " is " + e.getMessage());
            }
        }
        return records;
    }

    /** The tag and run of each row of a TSV laid out as Helix writes it (tag run commit ... status description), or empty. */
    private static Optional<List<String>> tsvKeys(String tsv) {
        String[] lines = tsv.split("\n");
        List<String> header = List.of(lines[0].split("\t", -1));
        if (header.size() < 6 || !header.subList(0, 3).equals(List.of("tag", "run", "commit"))
                || !header.subList(header.size() - 2, header.size()).equals(List.of("status", "description"))) {
            return Optional.empty();
        }
        List<String> keys = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) continue;
            String[] cells = lines[i].split("\t", -1);
            if (cells.length != header.size() || !cells[1].matches("\\d+")) return Optional.empty();
            keys.add(cells[0] + "#" + cells[1]);
        }
        return Optional.of(keys);
    }

    private static String key(Experiment e) {
        return e.tag() + "#" + e.run();
    }

    private static AppException notHelix(String branch, String file, String why) {
        return AppException.usage("not_helix_ledger", file + " on " + branch + " is not the one Helix writes (" + why
                + "); merging would replace it", "keep yours under another name first: git mv " + file + " my-" + file
                + " && git commit -m 'keep my " + file + "'");
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

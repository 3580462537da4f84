package dev.helix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.store.LedgerCodec;
import dev.helix.adapters.store.SessionLock;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.port.Repository;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** One session's records as read from a repository's ledger, for the commands that report on it. */
record SessionRecords(Workspace workspace, String tag, List<Experiment> records, List<String> warnings, Optional<Long> runningPid) {

    /** Reads the session {@code tag}, or the latest one, of the repository containing {@code dir}. */
    static SessionRecords read(Path dir, Optional<String> tag) {
        Workspace workspace = Workspace.open(dir, "run this inside the repository where you ran 'helix run'");
        Path repo = workspace.repo();
        String chosen = chosen(workspace, tag);
        LedgerStore.Contents contents = workspace.ledger().readTag(chosen);
        // Rows are redacted when written; again here for the secrets named since (run.secrets).
        var secrets = workspace.secrets();
        List<Experiment> records = contents.experiments().stream().map(e -> e.redacted(secrets)).toList();
        if (records.isEmpty()) {
            throw noSession(workspace, chosen);
        }
        Optional<Long> pid = SessionLock.holder(repo.resolve(".helix/locks").resolve(chosen + ".lock"));
        return new SessionRecords(workspace, chosen, records, contents.warnings(), pid);
    }

    /** The session {@code tag}, or the latest one; fails when the ledger has none. */
    static String chosen(Workspace workspace, Optional<String> tag) {
        return tag.or(workspace.ledger()::latestTag).orElseThrow(() -> AppException.usage("no_sessions",
                "no experiments recorded in " + workspace.repo().resolve(".helix/experiments.jsonl"),
                "start a session with 'helix run' (or try 'helix demo')"));
    }

    static AppException noSession(Workspace workspace, String tag) {
        return AppException.usage("no_session", "no session '" + tag + "' in " + workspace.repo(),
                "see the sessions with 'helix status', or drop --tag for the latest");
    }

    /** The repository's top-level directory. */
    Path repo() {
        return workspace.repo();
    }

    /** The repository's git. */
    Repository git() {
        return workspace.git();
    }

    /** A record as the JSON the ledger holds. */
    static JsonNode json(Experiment e) {
        try {
            return Output.JSON.readTree(LedgerCodec.encode(e));
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}

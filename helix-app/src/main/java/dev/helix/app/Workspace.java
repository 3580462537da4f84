package dev.helix.app;

import dev.helix.adapters.git.GitVcs;
import dev.helix.adapters.process.CallerEnvironment;
import dev.helix.adapters.specio.SpecFiles;
import dev.helix.adapters.store.FileLedgerStore;
import dev.helix.adapters.store.SessionLock;
import dev.helix.app.record.AutoresearchLedger;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.port.Repository;
import dev.helix.core.secret.Secrets;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The repository a command works in, and where every use case gets its outside world: git, the
 * ledger, the spec (read on first use, since some commands work without one), the session locks.
 * The one place that chooses the real adapters.
 */
public final class Workspace {
    private final Repository git;
    private final Path repo;
    private Spec spec;
    /** Tags the import of another tool's ledger must not take: the one the user asked for with --tag. */
    private final java.util.Set<String> reserved = new java.util.HashSet<>();
    private volatile Optional<String> importProblem = Optional.empty();

    private Workspace(Repository git, Path repo) {
        this.git = git;
        this.repo = repo;
    }

    /** The repository containing {@code cwd}, or a usage error that ends with {@code suggestion}. */
    public static Workspace open(Path cwd, String suggestion) {
        return find(cwd).orElseThrow(() -> AppException.usage("not_a_repository", "not a git repository: " + cwd, suggestion));
    }

    /** The repository containing {@code dir}, or empty when there is none. */
    public static Optional<Workspace> find(Path dir) {
        Repository git = new GitVcs();
        return git.topLevel(dir).map(top -> new Workspace(git, top));
    }

    /** The repository's top-level directory. */
    public Path repo() {
        return repo;
    }

    /** The repository's git, for its worktrees, branches and commits. */
    public Repository git() {
        return git;
    }

    /** Where Helix keeps its files: {@code .helix/} at the top level. */
    public Path helixDir() {
        return repo.resolve(".helix");
    }

    /**
     * The ledger, {@code .helix/experiments.jsonl}; the first time, with the Rust autoresearch CLI's
     * ledger read into it when the repository has one (see {@link AutoresearchLedger}).
     */
    public LedgerStore ledger() {
        LedgerStore store = new FileLedgerStore(helixDir().resolve("experiments.jsonl"));
        if (AutoresearchLedger.pending(repo, helixDir())) importAutoresearch(store);
        return store;
    }

    /**
     * Keeps {@code tag} free of the history {@link #ledger()} imports, so a session the user names
     * with --tag gets that name even when it is the imported history's default.
     */
    public void reserveTag(String tag) {
        reserved.add(tag);
    }

    /**
     * Reads .autoresearch/experiments.jsonl into the ledger as a session of its own: autoresearch.toml's
     * branch, else "autoresearch" (then -2, -3 ... when taken or reserved); an import cut off earlier is
     * finished under its own tag.
     */
    private void importAutoresearch(LedgerStore store) {
        Spec known;
        try {
            known = spec();
        } catch (RuntimeException unreadable) {
            return; // without the metric's name there is nothing to file it under; the command itself says what is wrong
        }
        String tag = AutoresearchLedger.unfinished(helixDir()).orElseGet(() -> {
            String base = known.run().tag().orElse("autoresearch");
            String free = base;
            for (int i = 2; reserved.contains(free) || !store.readTag(free).experiments().isEmpty()
                    || git.resolve(repo, "refs/heads/helix/" + free).isPresent(); i++) {
                free = base + "-" + i;
            }
            return free;
        });
        try {
            Files.createDirectories(helixDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        excludeHelixDir();
        try (SessionLock lock = lockToRecord(tag)) {
            if (AutoresearchLedger.pending(repo, helixDir())) { // another command may have read it meanwhile
                AutoresearchLedger.importInto(repo, helixDir(), store, tag, known.metrics().primary().name(),
                        hash -> git.resolve(repo, hash));
            }
        } catch (AppException e) {
            // The import alone waits (all or nothing, for a later command); the command goes on without it.
            if (e.code().equals(AutoresearchLedger.MALFORMED)) importProblem = Optional.of(e.getMessage() + "; not imported: " + e.suggestion());
            else if (!e.code().equals(AutoresearchLedger.UNFINISHED)) throw e;
        }
    }

    /** Why .autoresearch/experiments.jsonl was not imported (a bad line: file, line, how to fix), when it was not. */
    public Optional<String> importProblem() {
        return importProblem;
    }

    /** The spec file (helix.yaml or one Helix reads like it), when there is one. */
    public Optional<Path> findSpec() {
        return SpecFiles.find(repo);
    }

    /** The spec file, or a usage error saying how to write one. */
    public Path specFile() {
        return findSpec().orElseThrow(() -> AppException.usage("no_spec",
                "no helix.yaml (or autoresearch.toml, research.json or .toml, CLAUDE.md section) in " + repo,
                "run 'helix init' to write one, then edit it"));
    }

    /** The spec, loaded once; a usage error when there is none, a spec error when it is invalid. */
    public Spec spec() {
        if (spec == null) spec = SpecFiles.load(specFile());
        return spec;
    }

    /**
     * The secrets this environment holds for the spec (see {@link Secrets#forSpec}); without a valid
     * spec, the variables that look like credentials. Every text Helix writes passes through it.
     */
    public Secrets secrets() {
        try {
            return findSpec().isPresent() ? Secrets.forSpec(CallerEnvironment.current(), spec()) : Secrets.of(CallerEnvironment.current(), Secrets.KNOWN);
        } catch (RuntimeException invalidSpec) {
            return Secrets.of(CallerEnvironment.current(), Secrets.KNOWN);
        }
    }

    /** {@code file} relative to the top level, with '/' separators, as git names it. */
    public String relative(Path file) {
        return repo.relativize(file).toString().replace('\\', '/');
    }

    /**
     * Where Helix keeps its own worktree {@code name} for {@code use} (finalize, try, verify) of
     * session {@code tag}: .helix/worktrees/.USE/TAG/NAME. A tag starts with a letter or a digit, so
     * no session's worktree (.helix/worktrees/TAG) is ever one of these, nor one of these another's.
     */
    public Path auxiliaryWorktree(String use, String tag, String name) {
        return helixDir().resolve("worktrees").resolve("." + use).resolve(tag).resolve(name);
    }

    /**
     * Makes the auxiliary worktree {@code wt} at {@code commit}, replacing one a killed command left:
     * only one Helix made ({@link OwnedDirectory#AUXILIARY_WORKTREE}: a worktree someone else put
     * there is a runtime error and stays as it is); when {@code owner}'s session lock is held by
     * another process, that process may be using it, so it is left alone and this is a runtime error.
     */
    public void replaceAuxiliaryWorktree(Path wt, Optional<String> owner, String commit) {
        if (!wt.startsWith(helixDir().resolve("worktrees")) || !OwnedDirectory.AUXILIARY_WORKTREE.named(wt)) {
            throw new IllegalArgumentException("not an auxiliary worktree of Helix's: " + wt);
        }
        if (git().hasWorktree(repo, wt)) {
            if (!OwnedDirectory.AUXILIARY_WORKTREE.owns(wt)) {
                throw AppException.runtime("worktree_not_helix", "the worktree " + relative(wt) + " was not made by Helix (its git directory"
                        + " has no marker of Helix's), so Helix leaves it alone", "move your work out of it, then: git worktree remove " + wt);
            }
            long me = ProcessHandle.current().pid();
            Optional<Long> holder = owner.flatMap(tag -> SessionLock.holder(SessionLock.forTag(helixDir(), tag))).filter(p -> p != me);
            if (holder.isPresent()) {
                throw AppException.runtime("worktree_in_use", "worktree " + relative(wt) + " belongs to session " + owner.get()
                        + ", whose lock process " + holder.get() + " holds", "wait for that process to finish, or stop it");
            }
            git().removeWorktree(repo, wt);
        }
        git().addWorktree(repo, wt, commit);
        try {
            OwnedDirectory.AUXILIARY_WORKTREE.mark(wt, java.util.Map.of("pid", Long.toString(ProcessHandle.current().pid())));
        } catch (IOException e) {
            git().removeWorktree(repo, wt); // just made, and unmarked it could never be replaced
            throw new UncheckedIOException(e);
        }
    }

    /** Session {@code tag}'s lock, or a runtime error naming the process that holds it. */
    public SessionLock lock(String tag) {
        try {
            return SessionLock.acquire(SessionLock.forTag(helixDir(), tag));
        } catch (SessionLock.HeldException e) {
            throw AppException.runtime("session_running", e.getMessage(),
                    "wait for it, stop it (Ctrl-C or kill its pid), or start another session with a new --tag");
        }
    }

    /** How long {@code helix record} waits while other records hold the session's lock. */
    public static final java.time.Duration RECORD_WAIT = java.time.Duration.ofSeconds(30);

    /**
     * Session {@code tag}'s lock for one record: waits while other records append (up to
     * {@link #RECORD_WAIT}), a runtime error when a session runs or the wait is over.
     */
    public SessionLock lockToRecord(String tag) {
        try {
            return SessionLock.awaitForRecord(SessionLock.forTag(helixDir(), tag), RECORD_WAIT);
        } catch (SessionLock.HeldException e) {
            throw AppException.runtime("session_running", e.getMessage(),
                    "wait for it, stop it (Ctrl-C or kill its pid), or record into another session with --tag");
        } catch (SessionLock.BusyException e) {
            throw AppException.runtime("ledger_busy", e.getMessage(), "try again; other records are still being written");
        }
    }

    /** Keeps .helix/ out of the user's git status without editing a tracked file. */
    public void excludeHelixDir() {
        try {
            git.excludeLocally(repo, ".helix/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The name session {@code tag}'s evaluations carry (HELIX_SESSION), unique to this repository,
     * so a later run finds and stops what an earlier one left running.
     */
    public String sessionId(String tag) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(repo.toString().getBytes(StandardCharsets.UTF_8));
            return "helix-" + tag + "-" + HexFormat.of().formatHex(d, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The files evaluations leave behind, on this file system. */
    public static final dev.helix.core.port.ResultFiles RESULT_FILES = new dev.helix.core.port.ResultFiles() {
        @Override
        public Optional<String> read(Path file) {
            return readIfExists(file);
        }

        @Override
        public void remove(Path file) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** A file's text, or empty when it is not there. */
    public static Optional<String> readIfExists(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

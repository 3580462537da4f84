package dev.helix.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.helix.adapters.git.GitVcs;
import dev.helix.adapters.Executors;
import dev.helix.adapters.specio.SpecFiles;
import dev.helix.adapters.store.FileLedgerStore;
import dev.helix.adapters.store.SessionLock;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.Clock;
import dev.helix.core.port.Events;
import dev.helix.core.port.Proposer;
import dev.helix.core.scope.Glob;
import dev.helix.core.secret.Secrets;
import dev.helix.core.session.Records;
import dev.helix.core.session.Plan;
import dev.helix.core.session.Ports;
import dev.helix.core.session.Session;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code helix try}: the agent drives itself and calls Helix after each edit. The first call starts
 * a session in the agent's own checkout (branch helix/&lt;tag&gt;, the baseline measured in a clean
 * worktree first); every call then judges the edits made since the last one exactly as
 * {@code helix run} judges a proposal, and answers with the verdict.
 */
final class TryRunner {
    private final GitVcs vcs = new GitVcs();

    /** What one call did: the records it appended (the baseline first on a session's first call). */
    record Outcome(String tag, List<Experiment> appended, List<Experiment> session, Spec spec) {}

    Outcome run(Path cwd, String description, Optional<String> hypothesis, Optional<String> wantedTag) {
        Path repo = vcs.topLevel(cwd).orElseThrow(() -> CommandException.usage("not_a_repository",
                "not a git repository: " + cwd, "run helix try inside the repository the agent edits"));
        if (vcs.resolve(repo, "HEAD").isEmpty()) {
            throw CommandException.usage("no_commits", "the repository " + repo + " has no commits",
                    "commit the code first: git add -A && git commit -m start");
        }
        Path specFile = SpecFiles.find(repo).orElseThrow(() -> CommandException.usage("no_spec",
                "no helix.yaml in " + repo, "run 'helix init' and edit helix.yaml first"));
        Spec spec = SpecFiles.load(specFile);
        Path helixDir = repo.resolve(".helix");
        FileLedgerStore ledger = new FileLedgerStore(helixDir.resolve("experiments.jsonl"));

        Optional<String> current = vcs.currentBranch(repo).filter(b -> b.startsWith("helix/")).map(b -> b.substring(6));
        String tag;
        boolean fresh;
        if (current.isPresent() && (wantedTag.isEmpty() || wantedTag.get().equals(current.get()))) {
            tag = current.get();
            fresh = false;
        } else {
            if (current.isPresent()) {
                throw CommandException.usage("other_session", "the checkout is on helix/" + current.get() + ", not helix/" + wantedTag.get(),
                        "drop --tag to continue " + current.get() + ", or check out your own branch to start a new session");
            }
            tag = new SessionRunner().chooseTag(repo, wantedTag, false);
            fresh = true;
        }
        try {
            Files.createDirectories(helixDir.resolve("runs").resolve(tag));
            Files.createDirectories(helixDir.resolve("try"));
            SessionRunner.excludeHelixDir(repo);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (SessionLock lock = SessionRunner.lock(helixDir, tag)) {
            Path state = helixDir.resolve("try").resolve(tag + ".json");
            Map<String, String> before = fresh || !Files.exists(state) ? notTheAgents(repo, spec) : readState(state);
            if (fresh) vcs.switchToNewBranch(repo, "helix/" + tag);
            String specPath = repo.relativize(specFile).toString().replace('\\', '/');
            Secrets secrets = Secrets.of(System.getenv(), spec.agent().apiKeyEnv().stream().toList());
            if (Records.baseline(ledger.read().ofTag(tag)).isEmpty()) baseline(repo, helixDir, tag, spec, specPath, secrets, ledger);
            List<Experiment> appended = new java.util.ArrayList<>(fresh ? ledger.read().ofTag(tag) : List.of());
            Proposer describes = new Proposer() {
                @Override
                public Proposal propose(Request request) {
                    return new Proposal.Change(description, hypothesis, AgentUsage.of("try", 0));
                }

                @Override
                public boolean fixesCrashes() {
                    return false; // the agent fixes a crash itself, in its next try
                }
            };
            Session session = session(repo, repo, helixDir, tag, spec, specPath, secrets, ledger, describes,
                    vcs.resolve(repo, "HEAD").orElseThrow());
            appended.addAll(session.tryEdits(before));
            writeState(state, vcs.snapshot(repo));
            return new Outcome(tag, appended, ledger.read().ofTag(tag), spec);
        }
    }

    /** Measures the unchanged code in a throwaway worktree, so the agent's edits stay where they are. */
    private void baseline(Path repo, Path helixDir, String tag, Spec spec, String specPath, Secrets secrets, FileLedgerStore ledger) {
        Path wt = helixDir.resolve("worktrees").resolve(tag + "-baseline");
        String head = vcs.resolve(repo, "HEAD").orElseThrow();
        if (vcs.hasWorktree(repo, wt)) vcs.removeWorktree(repo, wt);
        vcs.addWorktree(repo, wt, head);
        try {
            Proposer none = request -> {
                throw new IllegalStateException("the baseline proposes nothing");
            };
            Session session = session(repo, wt, helixDir, tag, spec, specPath, secrets, ledger, none, head);
            Optional<Experiment> baseline;
            try {
                baseline = session.measureBaseline();
            } catch (IllegalStateException e) {
                throw CommandException.runtime("setup_failed", e.getMessage(), "fix evaluate.setup, then try again");
            }
            if (baseline.isEmpty()) throw CommandException.runtime("interrupted", "interrupted during the baseline", "try again");
        } finally {
            vcs.removeWorktree(repo, wt);
        }
    }

    private Session session(Path repo, Path worktree, Path helixDir, String tag, Spec spec, String specPath, Secrets secrets,
                            FileLedgerStore ledger, Proposer proposer, String start) {
        return new Session(new Ports(vcs, Executors.forSpec(spec), proposer, ledger, SessionRunner::readIfExists,
                Clock.SYSTEM, Events.NONE),
                new Plan(repo, worktree, tag, "refs/heads/helix/" + tag, start, spec, specPath,
                        SessionRunner.readIfExists(repo.resolve("program.md")).orElse(""), helixDir.resolve("runs").resolve(tag),
                        OptionalInt.empty(), Optional.empty(), "helix-" + tag + "-" + SessionRunner.shortHash(repo.toString()),
                        Optional.empty(), secrets));
    }

    /**
     * On a session's first call: the dirty files that are not the agent's edits, i.e. untracked
     * files outside scope.editable (notes, build output). Everything else dirty is the experiment.
     */
    private Map<String, String> notTheAgents(Path repo, Spec spec) {
        Set<String> tracked = new HashSet<>(vcs.trackedFiles(repo));
        Map<String, String> before = new LinkedHashMap<>();
        vcs.snapshot(repo).forEach((path, fingerprint) -> {
            if (!tracked.contains(path) && !Glob.any(spec.scope().editable(), path)) before.put(path, fingerprint);
        });
        return before;
    }

    private static Map<String, String> readState(Path state) {
        try {
            return Output.JSON.readValue(state.toFile(), new TypeReference<Map<String, String>>() { });
        } catch (IOException e) {
            throw CommandException.runtime("bad_state", "cannot read " + state + ": " + e.getMessage(),
                    "delete it; the next try then counts every uncommitted change as the agent's edit");
        }
    }

    private static void writeState(Path state, Map<String, String> snapshot) {
        try {
            Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
            Output.JSON.writeValue(tmp.toFile(), snapshot);
            Files.move(tmp, state, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

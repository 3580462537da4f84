package dev.helix.app.trying;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.adapters.Executors;
import dev.helix.adapters.git.GitDirSnapshot;
import dev.helix.adapters.process.EnvironmentProbe;
import dev.helix.adapters.process.MeasurementFileLock;
import dev.helix.adapters.store.EnvironmentFile;
import dev.helix.adapters.specio.SpecFiles;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.app.run.Briefing;
import dev.helix.app.holdout.HoldoutHomes;
import dev.helix.app.holdout.HoldoutLedger;
import dev.helix.app.holdout.HoldoutRun;
import dev.helix.app.run.OtherSessions;
import dev.helix.app.run.SessionTags;
import dev.helix.adapters.store.SessionLock;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.Clock;
import dev.helix.core.port.Events;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.port.Proposer;
import dev.helix.core.port.Repository;
import dev.helix.core.scope.Glob;
import dev.helix.core.secret.Secrets;
import dev.helix.core.session.Checkout;
import dev.helix.core.session.Driver;
import dev.helix.core.session.Records;
import dev.helix.core.session.Plan;
import dev.helix.core.session.Ports;
import dev.helix.core.session.Session;
import dev.helix.core.spec.Isolation;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
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
public final class TrySession {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What one call did: the records it appended (the baseline first on a session's first call),
     * and the user's files that changed since the last call and were left alone (untracked, outside
     * scope.editable: neither committed nor removed), and on a session's first call its briefing:
     * the machine and the earlier sessions' results, what {@code helix run} gives its proposer; and
     * the run.isolation this try settled on.
     */
    public record Outcome(String tag, List<Experiment> appended, List<Experiment> session, Spec spec, List<String> leftAlone,
                          Optional<String> briefing, Isolation.Settled isolation) {}

    /** One session's fixed parts, as every call of it needs them. */
    private record Setting(Workspace workspace, String tag, Spec spec, String specPath, Secrets secrets, LedgerStore ledger) {
        Repository git() {
            return workspace.git();
        }

        Path repo() {
            return workspace.repo();
        }
    }

    public Outcome run(Path cwd, String description, Optional<String> hypothesis, Optional<String> wantedTag) {
        Workspace workspace = Workspace.open(cwd, "run helix try inside the repository the agent edits");
        Path repo = workspace.repo();
        Repository git = workspace.git();
        if (git.resolve(repo, "HEAD").isEmpty()) {
            throw AppException.usage("no_commits", "the repository " + repo + " has no commits",
                    "commit the code first: git add -A && git commit -m start");
        }
        Path specFile = workspace.findSpec().orElseThrow(() -> AppException.usage("no_spec",
                "no helix.yaml in " + repo, "run 'helix init' and edit helix.yaml first"));
        Spec spec = SpecFiles.load(specFile);
        Path helixDir = workspace.helixDir();
        // Hold-out values are recorded through this ledger and never read back: try answers an agent.
        // Its runs hold the measurement lock themselves: a try's isolation settles after its baseline, and
        // whatever it settles on, a hold-out must not overlap another session's measurement.
        Optional<HoldoutRun> holdout = HoldoutRun.alone(workspace, spec);
        HoldoutHomes.removeStale(repo, git); // what a killed hold-out run of this repository left
        wantedTag.ifPresent(workspace::reserveTag); // the user's --tag wins over an imported history's name
        LedgerStore ledger = HoldoutLedger.around(workspace.ledger(), holdout);

        Optional<String> current = git.currentBranch(repo).filter(b -> b.startsWith("helix/")).map(b -> b.substring(6));
        String tag;
        boolean fresh;
        if (current.isPresent() && (wantedTag.isEmpty() || wantedTag.get().equals(current.get()))) {
            tag = current.get();
            fresh = false;
        } else {
            if (current.isPresent()) {
                throw AppException.usage("other_session", "the checkout is on helix/" + current.get() + ", not helix/" + wantedTag.get(),
                        "drop --tag to continue " + current.get() + ", or check out your own branch to start a new session");
            }
            tag = SessionTags.choose(workspace, wantedTag, false, spec.run().tag());
            fresh = true;
        }
        String specPath = workspace.relative(specFile);
        boolean starting = Records.baseline(ledger.readTag(tag).experiments()).isEmpty();
        if (starting) requireCommitted(git, repo, spec, specPath);
        holdout.ifPresent(h -> h.checkHidden(repo));
        try {
            Files.createDirectories(helixDir.resolve("runs").resolve(tag));
            Files.createDirectories(helixDir.resolve("try"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        workspace.excludeHelixDir();
        try (SessionLock lock = workspace.lock(tag)) {
            if (!starting) requireNoCommitsOnTheBest(git, repo, tag, ledger.readTag(tag).experiments());
            Path state = AgentDriven.state(helixDir, tag);
            Map<String, String> before = fresh || !Files.exists(state) ? notTheAgents(git, repo, spec) : readState(state);
            // Nothing edited since the last try: a mistake of the caller's, not an experiment to record.
            if (!fresh && Files.exists(state) && git.snapshot(repo).equals(before)) {
                throw AppException.usage("no_changes", "no changes since the last try",
                        "edit the files in scope first, then: helix try -m \"what the edit does\"");
            }
            Secrets secrets = Secrets.forSpec(System.getenv(), spec);
            Setting s = new Setting(workspace, tag, spec, specPath, secrets, ledger);
            // The baseline is measured away from the checkout, and the checkout moves to the session
            // branch only once it is recorded: a session that fails to start leaves the user's branch as it was.
            String base = git.resolve(repo, "HEAD").orElseThrow();
            if (starting) baseline(s);
            if (fresh) git.switchToNewBranch(repo, "helix/" + tag);
            List<Experiment> appended = new ArrayList<>(starting ? ledger.readTag(tag).experiments() : List.of());
            Proposer describes = new Proposer() {
                @Override
                public Proposal propose(Request request) {
                    return new Proposal.Change(description, hypothesis, AgentUsage.of(Driver.TRY_BACKEND, 0));
                }

                @Override
                public boolean fixesCrashes() {
                    return false; // the agent fixes a crash itself, in its next try
                }
            };
            Session session = session(s, repo, describes, git.resolve(repo, "HEAD").orElseThrow(), Checkout.SHARED);
            // auto settles here as run settles it after its baseline: a try's evaluations overlap only other sessions'
            Isolation.Settled isolation = session.settleIsolation(OtherSessions.running(helixDir, tag));
            Session.Tried tried = session.tryEdits(before);
            appended.addAll(tried.appended());
            writeState(state, git.snapshot(repo));
            Optional<String> briefing = starting ? Optional.of(Briefing.forAgent(workspace, base, spec, System.getenv())) : Optional.empty();
            return new Outcome(tag, appended, ledger.readTag(tag).experiments(), spec, tried.leftAlone(), briefing, isolation);
        }
    }

    /**
     * Commits made on the session's branch since its best (an agent that commits its own edits):
     * a try judges uncommitted edits and goes back to the best afterwards, which would drop them.
     */
    private static void requireNoCommitsOnTheBest(Repository git, Path repo, String tag, List<Experiment> records) {
        Optional<Experiment> best = Records.best(records);
        String head = git.resolve(repo, "HEAD").orElseThrow();
        if (best.isEmpty() || head.equals(best.get().commit()) || !git.isAncestor(repo, best.get().commit(), head)) return;
        String at = best.get().commit().substring(0, Math.min(12, best.get().commit().length()));
        throw AppException.usage("commits_since_best", "helix/" + tag + " has commits since its best (#" + best.get().run() + ", " + at
                        + ") that no try recorded (" + String.join(", ", git.changedFiles(repo, best.get().commit(), head))
                        + "): a try judges uncommitted edits, and going back to the best would drop them",
                "turn them back into edits, then try: git reset --soft " + at + " && helix try -m \"what the edit does\"");
    }

    /**
     * Before a session's first experiment: the spec, program.md and the evaluator must be
     * committed, or that experiment would take their changes for the agent's edit and revert them.
     */
    private static void requireCommitted(Repository git, Path repo, Spec spec, String specPath) {
        List<String> files = Checkout.uncommittedSessionFiles(spec, specPath, git.trackedFiles(repo), git.snapshot(repo).keySet());
        if (files.isEmpty()) return;
        String names = files.size() == 1 ? files.get(0)
                : String.join(", ", files.subList(0, files.size() - 1)) + " and " + files.get(files.size() - 1);
        String add = String.join(" ", files.stream().map(TrySession::shellWord).toList());
        throw AppException.usage("uncommitted_spec", "commit " + names + " first: a session judges against what is committed,"
                + " and its first try would take uncommitted changes there for your edit and revert them",
                "git add -- " + add + " && git commit -m 'helix: the session spec'");
    }

    /** {@code word} as one word of a POSIX shell command line. */
    private static String shellWord(String word) {
        return word.matches("[A-Za-z0-9._/@%+=:,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** Measures the unchanged code in a throwaway worktree, so the agent's edits stay where they are. */
    private static void baseline(Setting s) {
        Path wt = s.workspace().auxiliaryWorktree("try", s.tag(), "baseline");
        String head = s.git().resolve(s.repo(), "HEAD").orElseThrow();
        s.workspace().replaceAuxiliaryWorktree(wt, Optional.of(s.tag()), head);
        try {
            Proposer none = request -> {
                throw new IllegalStateException("the baseline proposes nothing");
            };
            Session session = session(s, wt, none, head, Checkout.HELIX);
            Optional<Experiment> baseline;
            try {
                baseline = session.measureBaseline();
            } catch (IllegalStateException e) {
                throw AppException.runtime("setup_failed", e.getMessage(), "fix evaluate.setup, then try again");
            }
            if (baseline.isEmpty()) throw AppException.runtime("interrupted", "interrupted during the baseline", "try again");
            if (baseline.get().status() != Status.BASELINE) {
                throw AppException.runtime("baseline_crashed", "the unchanged code does not evaluate: " + baseline.get().reason()
                        + baseline.get().logTail().map(t -> "\n" + t).orElse(""),
                        "fix the evaluation of the committed code (see " + baseline.get().log() + "), then try again");
            }
            // where the session's results are measured, for helix verify; only once it has started
            EnvironmentFile.in(s.workspace().helixDir()).append(EnvironmentProbe.detect(s.tag(), Instant.now(), System.getenv(),
                    s.spec().run().fingerprint(), s.repo(), s.secrets()));
        } finally {
            s.git().removeWorktree(s.repo(), wt);
        }
    }

    private static Session session(Setting s, Path worktree, Proposer proposer, String start, Checkout checkout) {
        Path helixDir = s.workspace().helixDir();
        // under run.isolation: exclusive a try waits for the evaluations of any session of the repository, as they wait for it
        return new Session(new Ports(s.git(), Executors.forSpec(s.spec()), proposer, s.ledger(), Workspace.RESULT_FILES,
                Clock.SYSTEM, Events.NONE, (bodies, onInterrupt) -> {
                    throw new IllegalStateException("helix try has one worker");
                },
                MeasurementFileLock.forRepository(GitDirSnapshot.commonDir(s.repo()))),
                new Plan(s.repo(), worktree, s.tag(), "refs/heads/helix/" + s.tag(), start, s.spec(), s.specPath(),
                        Workspace.readIfExists(s.repo().resolve("program.md")).orElse(""), helixDir.resolve("runs").resolve(s.tag()),
                        OptionalInt.empty(), Optional.empty(), s.workspace().sessionId(s.tag()),
                        Optional.empty(), s.secrets(), List.of(), checkout));
    }

    /**
     * On a session's first call: the dirty files that are not the agent's edits, i.e. untracked
     * files outside scope.editable (notes, build output). Everything else dirty is the experiment.
     */
    private static Map<String, String> notTheAgents(Repository git, Path repo, Spec spec) {
        Set<String> tracked = new HashSet<>(git.trackedFiles(repo));
        Map<String, String> before = new LinkedHashMap<>();
        git.snapshot(repo).forEach((path, fingerprint) -> {
            if (!tracked.contains(path) && !Glob.any(spec.scope().editable(), path)) before.put(path, fingerprint);
        });
        return before;
    }

    private static Map<String, String> readState(Path state) {
        try {
            return JSON.readValue(state.toFile(), new TypeReference<Map<String, String>>() { });
        } catch (IOException e) {
            throw AppException.runtime("bad_state", "cannot read " + state + ": " + e.getMessage(),
                    "delete it; the next try then counts every uncommitted change as the agent's edit");
        }
    }

    private static void writeState(Path state, Map<String, String> snapshot) {
        try {
            Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), snapshot);
            Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

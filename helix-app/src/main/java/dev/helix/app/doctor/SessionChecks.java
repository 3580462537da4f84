package dev.helix.app.doctor;

import dev.helix.adapters.agents.BackendCatalog;
import dev.helix.adapters.agents.CliAgentBackend;
import dev.helix.adapters.specio.AgentChoice;
import dev.helix.adapters.store.SessionLock;
import dev.helix.app.Workspace;
import dev.helix.app.trying.AgentDriven;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Repository;
import dev.helix.core.scope.Glob;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The doctor's checks that depend on who drives the sessions: the branch checked out, the locks,
 * the agent backend and the uncommitted edits. In a repository an agent drives itself with
 * {@code helix try} or {@code helix record}, no backend is needed, the checkout belongs on the
 * session branch, and an uncommitted edit of the editable files is the next experiment.
 */
final class SessionChecks {
    private static final Pattern PID = Pattern.compile("(?m)^pid=(\\d+)$");

    private final Workspace workspace;
    private final Repository vcs;
    private final Path repo;
    /** The agent-driven session checked out, if any. */
    private final Optional<String> trying;

    SessionChecks(Workspace workspace) {
        this.workspace = workspace;
        this.vcs = workspace.git();
        this.repo = workspace.repo();
        this.trying = AgentDriven.checkedOut(workspace);
    }

    /** The agent-driven session checked out, if any. */
    Optional<String> trying() {
        return trying;
    }

    /**
     * In an agent-driven session: the uncommitted edits of the editable files are the experiment
     * in progress; other tracked changes are what its next try would reject. Empty elsewhere.
     */
    Optional<Check> editInProgress(Spec spec, List<String> dirty) {
        if (trying.isEmpty()) return Optional.empty();
        String title = "Clean working tree";
        List<String> outside = dirty.stream().filter(f -> !Glob.any(spec.scope().editable(), f)).toList();
        if (!outside.isEmpty()) {
            return Optional.of(Check.warn("clean_tree", title, "changes outside scope.editable: " + String.join(", ", outside)
                    + " (the next helix try rejects them and restores the files)", "undo them: git checkout -- " + String.join(" ", outside)));
        }
        return Optional.of(Check.pass("clean_tree", title, dirty.isEmpty() ? "nothing uncommitted"
                : "your edit in progress (" + String.join(", ", dirty) + "): helix try -m \"<what you changed>\" judges it"));
    }

    Check branches() {
        String title = "Session branches";
        List<String> sessions = vcs.refs(repo, "refs/heads/helix/").stream().map(r -> r.substring("refs/heads/".length())).toList();
        String current = Probe.git(repo, "symbolic-ref", "--quiet", "--short", "HEAD").orElse("");
        if (trying.isPresent()) {
            return Check.pass("branches", title, "on " + current + ", the session helix try continues");
        }
        if (current.startsWith("helix/")) {
            return Check.warn("branches", title, "your working copy is on the session branch " + current
                    + ": a new session would start from it", "switch back to your own branch, e.g.: git switch main");
        }
        if (sessions.isEmpty()) return Check.pass("branches", title, "no helix/* branches yet");
        return Check.pass("branches", title, sessions.size() + " session branch" + (sessions.size() == 1 ? "" : "es") + ": "
                + String.join(", ", sessions));
    }

    Check locks() {
        String title = "No stale session lock";
        Path dir = repo.resolve(".helix").resolve("locks");
        List<String> running = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path lock : s.filter(p -> p.getFileName().toString().endsWith(".lock")).sorted().toList()) {
                    String t = lock.getFileName().toString().replaceFirst("\\.lock$", "");
                    Optional<Long> holder = SessionLock.holder(lock);
                    if (holder.isPresent()) {
                        running.add(t + " (pid " + holder.get() + ")");
                        continue;
                    }
                    // Nobody holds it, this process included, so reading it cannot drop anyone's lock.
                    Matcher m = PID.matcher(read(lock));
                    if (m.find()) {
                        stale.add(t + " (pid " + m.group(1) + " is gone)");
                        tags.add(t);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!stale.isEmpty()) {
            String next = trying.filter(tags::contains).isPresent() ? "continue it with: helix try -m \"<what you changed>\""
                    : "continue it with: helix run --resume --tag " + tags.get(0);
            return Check.warn("lock", title, "stopped without cleaning up: " + String.join(", ", stale)
                    + "; the lock itself is free", next);
        }
        if (!running.isEmpty()) return Check.pass("lock", title, "running now: " + String.join(", ", running));
        return Check.pass("lock", title, "no session running, no stale lock");
    }

    /**
     * The backend a {@code helix run} would use. When none is named, or the repository is used with
     * {@code helix try}/{@code helix record}, an unready backend is reported as not needed.
     */
    Check backend(Spec spec, Path specFile, Map<String, String> env) {
        String title = "Agent backend available";
        String name = spec.agent().backend();
        BackendCatalog catalog = BackendCatalog.at(repo, env);
        Optional<AgentBackend> backend = catalog.find(name);
        boolean agentDriven = trying.isPresent() || AgentDriven.repository(workspace);
        boolean named = AgentChoice.named(specFile);
        List<String> problems = backend.isEmpty() ? List.of("unknown backend '" + name + "' (agent.backend)"
                + catalog.broken().stream().map(b -> "; " + b.message()).collect(Collectors.joining()))
                : backend.get().check(spec, env).stream().map(AgentBackend.Unready::message).toList();
        if (problems.isEmpty()) return agentDriven || !named ? Check.pass("backend", title, name + " is ready") : probed(backend.get(), spec, env);
        if (agentDriven || !named) {
            String why = agentDriven ? "this repository is driven with helix try/record" : "helix.yaml names no agent.backend";
            return Check.skip("backend", title, "not needed for helix try and helix record (" + why + "); only helix run needs one ("
                    + name + ": " + String.join("; ", problems) + ")");
        }
        if (backend.isEmpty()) {
            return Check.fail("backend", title, problems.get(0), (catalog.broken().isEmpty() ? "" : "fix or remove the broken plugin, or ")
                    + "choose one of: " + String.join(", ", catalog.names()));
        }
        String selfDriven = " (an agent that drives itself with helix try needs none: see helix guide)";
        if (backend.get() instanceof CliAgentBackend) {
            // a CLI's probe asks no server: found, version and key are said apart even when one is missing
            Check probed = probed(backend.get(), spec, env);
            if (probed.status() == Check.Status.FAIL) return Check.fail("backend", title, probed.message(), probed.fix() + selfDriven);
        }
        List<AgentBackend.Unready> unready = backend.get().check(spec, env);
        return Check.fail("backend", title, name + ": " + String.join("; ", problems),
                String.join("; ", unready.stream().map(AgentBackend.Unready::suggestion).toList()) + selfDriven);
    }

    /**
     * A backend asked for real: an HTTP one with one minimal request (reachable, key, model), a CLI
     * without a session (found, version, key); each aspect said apart.
     */
    private static Check probed(AgentBackend backend, Spec spec, Map<String, String> env) {
        String title = "Agent backend available";
        List<AgentBackend.Probe> probes = backend.probe(spec, env);
        if (probes.isEmpty()) return Check.pass("backend", title, backend.name() + " is ready");
        String said = String.join("; ", probes.stream().map(p -> p.aspect() + ": "
                + p.ok().map(ok -> ok ? "yes, " : "NO, ").orElse("") + p.detail()).toList());
        List<String> fixes = probes.stream().filter(p -> p.ok().equals(Optional.of(false))).map(AgentBackend.Probe::fix).toList();
        if (fixes.isEmpty()) return Check.pass("backend", title, backend.name() + " is ready (" + said + ")");
        return Check.fail("backend", title, backend.name() + ": " + said, String.join("; ", fixes));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}

package dev.helix.core.session;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.port.Proposer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * A proposer that makes the edits it was given, in order, in the worktree through the in-memory
 * VCS; each worker has its own script. With nothing left it says it is exhausted.
 */
final class ScriptedProposer implements Proposer {

    /** One proposal: edits the worktree and says what it did. */
    @FunctionalInterface
    interface Step {
        Proposal make(Request request, InMemoryVcs vcs) throws InterruptedException;
    }

    private final InMemoryVcs vcs;
    private final Map<Integer, Deque<Step>> scripts = new HashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private boolean fixesCrashes = true;

    ScriptedProposer(InMemoryVcs vcs) {
        this.vcs = vcs;
    }

    /** Worker 1's script. */
    ScriptedProposer then(Step... steps) {
        return forWorker(1, steps);
    }

    synchronized ScriptedProposer forWorker(int worker, Step... steps) {
        scripts.computeIfAbsent(worker, k -> new ArrayDeque<>()).addAll(List.of(steps));
        return this;
    }

    ScriptedProposer notFixingCrashes() {
        fixesCrashes = false;
        return this;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Sets {@code path} to {@code content}, described as "path = content". */
    static Step writes(String path, String content) {
        return (request, vcs) -> {
            vcs.write(request.worktree(), path, content);
            return change(path + " = " + content);
        };
    }

    /** Writes several files in one proposal. */
    static Step writesAll(Map<String, String> files) {
        return (request, vcs) -> {
            files.forEach((path, content) -> vcs.write(request.worktree(), path, content));
            return change("writes " + String.join(", ", new java.util.TreeSet<>(files.keySet())));
        };
    }

    /** Says it changed something, and changed nothing. */
    static Step changesNothing() {
        return (request, vcs) -> change("a change that changes nothing");
    }

    /** Opens {@code latch} once the step has made its edits. */
    static Step signalling(Step step, CountDownLatch latch) {
        return (request, vcs) -> {
            Proposal p = step.make(request, vcs);
            latch.countDown();
            return p;
        };
    }

    static Proposal change(String description) {
        return new Proposal.Change(description, Optional.of("because " + description), AgentUsage.of("script", 1.0));
    }

    @Override
    public Proposal propose(Request request) throws InterruptedException {
        Step step;
        synchronized (this) {
            requests.add(request);
            Deque<Step> script = scripts.getOrDefault(request.worker(), new ArrayDeque<>());
            step = script.pollFirst();
        }
        if (step == null) return new Proposal.Exhausted("the script has no more edits", AgentUsage.of("script", 0));
        return step.make(request, vcs);
    }

    @Override
    public boolean fixesCrashes() {
        return fixesCrashes;
    }
}

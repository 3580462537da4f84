package dev.helix.core.report;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many experiments one proposer of a session made and how many of them were kept: in a session
 * mixing an agent with the tuner (agent.mix), who found what. Read from the ledger's agent.backend.
 *
 * @param proposer the backend that proposed (e.g. claude, tune)
 * @param experiments runs it proposed, each counted once
 * @param kept those of them kept
 */
public record ProposerShare(String proposer, int experiments, int kept) {

    /** The proposers of {@code records} in the order they first proposed; empty unless there are two or more. */
    public static List<ProposerShare> of(List<Experiment> records) {
        Map<String, Map<Integer, Boolean>> runs = new LinkedHashMap<>();
        for (Experiment e : records) {
            if (e.run() == 0 || e.agent().isEmpty()) continue;
            String by = e.agent().map(AgentUsage::backend).orElseThrow();
            runs.computeIfAbsent(by, k -> new LinkedHashMap<>()).merge(e.run(), e.status() == Status.KEEP, Boolean::logicalOr);
        }
        if (runs.size() < 2) return List.of();
        List<ProposerShare> shares = new ArrayList<>();
        runs.forEach((by, kept) -> shares.add(new ProposerShare(by, kept.size(),
                (int) kept.values().stream().filter(k -> k).count())));
        return shares;
    }

    /** "claude 4 experiments (1 kept), tune 9 (3 kept)". */
    public static String render(List<ProposerShare> shares) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < shares.size(); i++) {
            ProposerShare s = shares.get(i);
            parts.add(s.proposer() + " " + s.experiments() + (i == 0 ? " experiments" : "") + " (" + s.kept() + " kept)");
        }
        return String.join(", ", parts);
    }
}

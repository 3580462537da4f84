package dev.helix.core.report;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Evidence;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Ledger records for report tests, built as a session writes them. */
final class Fixtures {
    private static final Instant T0 = Instant.parse("2025-01-02T03:04:05Z");

    private Fixtures() {}

    static Experiment record(int run, Status status, Double value, Double delta, String description, String reason) {
        return record(run, status, value, delta, description, reason, Optional.empty(), Optional.empty(), false);
    }

    static Experiment record(int run, Status status, Double value, Double delta, String description, String reason,
                             Optional<Integer> exitCode, Optional<Evidence> evidence, boolean timedOut) {
        Optional<Double> primary = Optional.ofNullable(value);
        return new Experiment(run, "t", 0, "parent" + run, status == Status.REJECTED ? "" : "commit" + run, status,
                value == null ? Map.of() : Map.of("loss", value), primary, Optional.ofNullable(delta), Optional.empty(),
                description, Optional.of("because"), reason, value == null ? List.of() : List.of(value),
                T0.plusSeconds(10L * run), T0.plusSeconds(10L * run + 4), 2.5, exitCode, timedOut, ".helix/runs/t/" + run + ".log",
                new DiffStat(1, 2, 1),
                Optional.of(new AgentUsage("claude", Optional.of("m"), Optional.of(100L), Optional.of(20L), Optional.of(0.01),
                        Optional.of(3), 1.5)),
                List.of(), Optional.empty(), 0, List.of(), evidence, Optional.empty());
    }

    static Experiment baseline(double value) {
        return record(0, Status.BASELINE, value, null, "baseline", "the unchanged code");
    }

    static Experiment keep(int run, double value, double delta) {
        return record(run, Status.KEEP, value, delta, "idea " + run, "improved: loss a -> b");
    }

    static Experiment discard(int run, double value, String description) {
        return record(run, Status.DISCARD, value, 0.1, description, "worse: loss 1 -> " + value + " (+0.1, +10%)");
    }

    static Experiment crash(int run, int exitCode) {
        return record(run, Status.CRASH, null, null, "idea " + run, "exit code " + exitCode, Optional.of(exitCode),
                Optional.empty(), false);
    }
}

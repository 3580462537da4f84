package dev.helix.adapters.agents;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.Proposer.Request;
import dev.helix.core.spec.Direction;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.Spec.AgentSpec;
import dev.helix.core.spec.Spec.SearchSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Specs, records and requests for proposer tests, with nothing but what the test varies. */
final class Fixtures {

    private Fixtures() {}

    static Spec spec(AgentSpec agent, SearchSpec search) {
        return new Spec("demo", "1.0.0", "AI/ML", "Minimize val_loss of a toy model.", Optional.empty(),
                new Spec.Scope(List.of("train.py"), List.of("helix.yaml", "program.md")),
                new Spec.Metrics(new Spec.MetricSpec("val_loss", Direction.MINIMIZE), Optional.empty(), List.of()),
                new Spec.Evaluate("python train.py", Optional.empty(), 120, Spec.OutputFormat.PATTERN,
                        Map.of("primary", "^val_loss:\\s*([0-9.]+)"), Optional.empty(), 1),
                new Spec.JudgeSpec(Spec.JudgeMode.AUTO, Spec.Threshold.ZERO, 0.95, true),
                agent, search, new Spec.RunSpec(1, "local", List.of()), Map.of(), "helix.yaml");
    }

    static AgentSpec agent(String backend, String command, int timeoutSeconds) {
        return new AgentSpec(backend, Optional.empty(), 200, 2, Optional.ofNullable(command), timeoutSeconds);
    }

    static Experiment record(int run, Status status, Double primary, String description) {
        return new Experiment(run, "t", 0, "p" + run, "c" + run, status, Map.of(), Optional.ofNullable(primary),
                Optional.ofNullable(primary).map(p -> p - 1), Optional.empty(), description,
                Optional.empty(), "reason " + run, List.of(), Instant.EPOCH, Instant.EPOCH, 0,
                Optional.empty(), false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
    }

    static Request request(Spec spec, Path worktree, int experiment, List<Experiment> history) {
        Experiment baseline = record(0, Status.BASELINE, 1.0, "baseline");
        return new Request(experiment, "t", spec, "Lower the loss.", worktree, baseline, baseline, history,
                Optional.empty());
    }
}

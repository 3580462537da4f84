package dev.helix.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.SpecReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PromptBuilderTest {
    private static Spec spec(int promptChars) {
        return SpecReader.read(Map.of("name", "t", "domain", "AI/ML", "description", "Lower the loss of train.py.",
                "scope", Map.of("editable", List.of("train.py"), "readonly", List.of("prepare.py")),
                "metrics", Map.of("primary", Map.of("name", "val_loss")),
                "evaluate", Map.of("command", "python train.py", "timeout_seconds", 300),
                "agent", Map.of("backend", "claude", "prompt_chars", promptChars, "history_rows", 5)), "helix.yaml", p -> 0);
    }

    private static Experiment row(int run, Status status, double value, String description) {
        return new Experiment(run, "t", 0, "p", "c" + run, status, Map.of("val_loss", value), Optional.of(value),
                Optional.of(-0.01), Optional.empty(), description, Optional.empty(), "reason " + run, List.of(),
                Instant.EPOCH, Instant.EPOCH, 1, Optional.of(0), false, "", DiffStat.NONE, Optional.empty(), List.of(),
                Optional.empty());
    }

    private static Proposer.Request request(Spec spec, int rows, Optional<String> crash) {
        List<Experiment> history = new ArrayList<>();
        history.add(row(0, Status.BASELINE, 1.0, "baseline"));
        for (int i = 1; i <= rows; i++) history.add(row(i, i % 7 == 0 ? Status.KEEP : Status.DISCARD, 1.0 - i * 0.001, "idea number " + i));
        Experiment best = history.stream().filter(e -> e.status() == Status.KEEP).reduce((a, b) -> b).orElse(history.get(0));
        return new Proposer.Request(rows + 1, "t", spec, "Try wider layers.", Path.of("/tmp/wt"), history.get(0), best, history, crash);
    }

    @Test
    void carriesTheSpecsInstructionsAndTheSessionsBriefing() {
        Spec spec = SpecReader.read(Map.of("name", "t", "domain", "AI/ML", "description", "Lower the loss.",
                "scope", Map.of("editable", List.of("train.py")), "metrics", Map.of("primary", Map.of("name", "val_loss")),
                "evaluate", Map.of("command", "python train.py"),
                "agent", Map.of("instructions", List.of("keep train.py readable", "no new dependencies"))), "research.json", p -> 0);
        Proposer.Request r = request(spec, 1, Optional.empty());
        Proposer.Request briefed = new Proposer.Request(r.experiment(), r.tag(), spec, r.program(), r.worktree(), r.baseline(),
                r.best(), r.history(), r.crashLogTail(), 1, Optional.empty(), "## The machine\nGPU: 2x NVIDIA H100\n");
        String prompt = PromptBuilder.build(briefed, PromptBuilder.Mode.EDIT_FILES, Map.of());
        assertThat(prompt).contains("## Also keep to these (from research.json)\n- keep train.py readable\n- no new dependencies")
                .contains("## The machine\nGPU: 2x NVIDIA H100");
        assertThat(PromptBuilder.build(r, PromptBuilder.Mode.EDIT_FILES, Map.of())).doesNotContain("## The machine");
    }

    @Test
    void inAMixTheAgentIsShownTheKnobsAtTheBestAndWhatTheTunerFoundOnItsLastKeptChange() {
        Spec spec = SpecReader.read(Map.of("name", "t", "domain", "AI/ML", "description", "Lower the loss.",
                "scope", Map.of("editable", List.of("train.py")), "metrics", Map.of("primary", Map.of("name", "val_loss")),
                "evaluate", Map.of("command", "python train.py"),
                "agent", Map.of("backend", "claude", "mix", Map.of("tune", 2)),
                "search", Map.of("parameters", Map.of("lr", Map.of("file", "train.py", "pattern", "LR = ([0-9.eE-]+)",
                        "range", List.of(1e-4, 1e-1), "log", true)))), "helix.yaml", p -> 0);
        List<Experiment> history = List.of(row(0, Status.BASELINE, 1.0, "baseline"),
                by("claude", row(1, Status.KEEP, 0.9, "wider layers"), "0.01"),
                by("tune", row(2, Status.KEEP, 0.8, "lr=0.03"), "0.03"),
                by("tune", row(3, Status.DISCARD, 0.85, "lr=0.002"), "0.002"),
                by("claude", row(4, Status.DISCARD, 0.95, "deeper"), "0.03"));
        Proposer.Request r = new Proposer.Request(5, "t", spec, "", Path.of("/tmp/wt"), history.get(0), history.get(2), history,
                Optional.empty());

        String prompt = PromptBuilder.build(r, PromptBuilder.Mode.EDIT_FILES, Map.of());

        assertThat(prompt).contains("## What the tuner found\nAfter each change of yours that is kept, Helix's tuner tries up to 2 "
                        + "settings of these values on it: lr.")
                .contains("Values at the best (#2): lr=0.03\n")
                .contains("The tuner's latest experiments on the code you kept last:\n#2 keep 0.8 (-0.01) lr=0.03\n"
                        + "#3 discard 0.85 (-0.01) lr=0.002\n");
        assertThat(PromptBuilder.build(request(spec(40_000), 3, Optional.empty()), PromptBuilder.Mode.EDIT_FILES, Map.of()))
                .doesNotContain("What the tuner found");
    }

    private static Experiment by(String backend, Experiment e, String lr) {
        return new Experiment(e.run(), e.tag(), e.worker(), e.parent(), e.commit(), e.metrics(), e.primary(), e.description(),
                e.hypothesis(), e.reason(), e.startedAt(), e.finishedAt(), e.evalSeconds(), e.exitCode(), e.timedOut(), e.log(),
                e.diff(), Optional.of(dev.helix.core.experiment.AgentUsage.of(backend, 1)), e.attempt(), e.slot(), e.direction(),
                e.rebasedFrom(), e.outcome(), Map.of("lr", lr));
    }

    @Test
    void tellsTheGoalTheRulesTheProgramAndHowToAnswer() {
        String prompt = PromptBuilder.build(request(spec(40_000), 3, Optional.empty()), PromptBuilder.Mode.EDIT_FILES, Map.of());
        assertThat(prompt).contains("Lower the loss of train.py.").contains("val_loss (minimize)")
                .contains("Edit only these files (globs from the repository root): train.py")
                .contains("prepare.py").contains("Do not run the evaluation (`python train.py`)")
                .contains("Try wider layers.").contains("Hypothesis:").contains("#3 discard");
    }

    @Test
    void showsEveryKeptExperimentAndOnlyTheLatestOthers() {
        String prompt = PromptBuilder.build(request(spec(40_000), 30, Optional.empty()), PromptBuilder.Mode.EDIT_FILES, Map.of());
        assertThat(prompt).contains("#7 keep").contains("#14 keep").contains("#30 discard").contains("#26 discard")
                .doesNotContain("#25 discard").doesNotContain("#3 discard");
    }

    @Test
    void fitsItsBudgetByDroppingTheOldestHistoryFirst() {
        Spec spec = spec(2500);
        String prompt = PromptBuilder.build(request(spec, 400, Optional.empty()), PromptBuilder.Mode.EDIT_FILES, Map.of());
        assertThat(prompt.length()).isLessThanOrEqualTo(2500);
        assertThat(prompt).contains("#400 discard").contains("earlier experiments not shown").doesNotContain("#7 keep");
    }

    @Test
    void aCrashIsShownWithItsLogTailAndTheFilesForAnApiModel() {
        String prompt = PromptBuilder.build(request(spec(40_000), 2, Optional.of("Traceback\nZeroDivisionError")),
                PromptBuilder.Mode.SEARCH_REPLACE, Map.of("train.py", "LR = 0.1\n"));
        assertThat(prompt).contains("crashed: fix it").contains("ZeroDivisionError")
                .contains("train.py\n```\nLR = 0.1\n```").contains("<<<<<<< SEARCH").contains(">>>>>>> REPLACE");
    }
}

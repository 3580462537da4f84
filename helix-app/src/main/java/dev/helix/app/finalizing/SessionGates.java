package dev.helix.app.finalizing;

import dev.helix.adapters.Executors;
import dev.helix.adapters.store.EnvironmentFile;
import dev.helix.app.Workspace;
import dev.helix.app.holdout.HoldoutRun;
import dev.helix.app.measure.ChecksRun;
import dev.helix.core.experiment.Environment;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.HoldoutReading;
import dev.helix.core.judge.Judge;
import dev.helix.core.secret.Secrets;
import dev.helix.core.session.Records;
import dev.helix.core.spec.Checks;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The session's own gates for {@code helix finalize}: its {@code evaluate.checks} run on the final
 * tree, its hold-out measured on the final commit (beside the baseline's recorded hold-out), and
 * the environment record its measurements ran under.
 */
public final class SessionGates implements ResultGates {
    private final Workspace workspace;
    private final Spec spec;
    private final String tag;
    private final List<Experiment> records;

    private SessionGates(Workspace workspace, Spec spec, String tag, List<Experiment> records) {
        this.workspace = workspace;
        this.spec = spec;
        this.tag = tag;
        this.records = List.copyOf(records);
    }

    /** The gates of session {@code tag} as {@code spec} defines them. */
    public static ResultGates of(Workspace workspace, Spec spec, String tag, List<Experiment> records) {
        return new SessionGates(workspace, spec, tag, records);
    }

    @Override
    public Optional<Checked> checks(Path tree) {
        Optional<Checks> checks = spec.evaluate().checks();
        if (checks.isEmpty()) return Optional.empty();
        Path log = workspace.helixDir().resolve("runs").resolve(tag).resolve("final.checks.log");
        ChecksRun run = ChecksRun.run(Executors.forSpec(spec), checks.get(), tree, Map.of(), log, Secrets.hiddenFromEvaluation(spec));
        String how = run.verdict().failure().orElse("exit code 0");
        String tail = run.verdict().passed() ? "" : "; last lines: " + run.result().tail(3).strip().replace('\n', ' ');
        return Optional.of(new Checked(run.verdict().passed(), checks.get().command() + ": " + how + tail + " (log: " + workspace.relative(log) + ")"));
    }

    @Override
    public Optional<String> holdout(Path tree, String commit) {
        return HoldoutRun.alone(workspace, spec).map(run -> {
            HoldoutReading now = run.measure(commit, run.baselineRepeats());
            Optional<Double> before = Records.baseline(records).flatMap(Experiment::holdout).flatMap(HoldoutReading::value);
            if (now.value().isEmpty()) return "failed on the final tree: " + now.failure().orElse("no value");
            double v = now.value().get();
            String vs = before.map(b -> ", baseline " + Judge.fmt(b) + " ("
                    + (spec.metrics().primary().optimize().improvement(v, b) >= 0 ? "better" : "WORSE") + " on the final tree)").orElse("");
            return Judge.fmt(v) + " on the final tree" + vs;
        });
    }

    @Override
    public Optional<String> environment() {
        List<Environment> recorded = EnvironmentFile.in(workspace.helixDir()).read();
        return recorded.stream().filter(e -> e.tag().equals(tag)).reduce((a, b) -> b).map(e -> String.join("; ", e.lines()));
    }
}

package dev.helix.app.report;

import dev.helix.adapters.specio.SpecFiles;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.report.ReportModel;
import dev.helix.core.spec.Direction;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.SpecException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What reports need beyond the ledger (the goal, the primary metric's name and direction, the
 * guard's name), read from the repository's spec; when the spec is gone or broken, inferred from
 * the records so a report of an old session still renders.
 */
public record SessionSetting(ReportModel.Setting setting, Optional<String> guard) {

    /** The setting of the session with {@code records} in repository {@code repo}. */
    public static SessionSetting of(Path repo, List<Experiment> records) {
        Optional<Spec> spec = SpecFiles.find(repo).flatMap(f -> {
            try {
                return Optional.of(SpecFiles.load(f));
            } catch (SpecException e) {
                return Optional.empty();
            }
        });
        if (spec.isPresent()) {
            Spec.MetricSpec primary = spec.get().metrics().primary();
            return new SessionSetting(new ReportModel.Setting(spec.get().description(), primary.name(), primary.optimize(),
                    Optional.of(spec.get().judge())),
                    spec.get().metrics().qualityGuard().map(Spec.QualityGuard::name));
        }
        Experiment first = records.get(0);
        String metric = first.metrics().size() == 1 ? first.metrics().keySet().iterator().next() : "primary";
        // A keep that moved the metric down means lower is better.
        Direction direction = records.stream().filter(e -> e.status() == Status.KEEP).flatMap(e -> e.delta().stream())
                .filter(d -> d != 0).findFirst().map(d -> d < 0 ? Direction.MINIMIZE : Direction.MAXIMIZE).orElse(Direction.MINIMIZE);
        return new SessionSetting(new ReportModel.Setting("", metric, direction), Optional.empty());
    }
}

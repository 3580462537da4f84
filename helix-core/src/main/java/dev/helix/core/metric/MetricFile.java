package dev.helix.core.metric;

import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metric file of {@code evaluate.metric_source: file}: Helix names it in the evaluation's
 * environment ({@value #VARIABLE}), beside the evaluation's log, outside the worktree; it is
 * removed before the evaluation and parsed afterwards in the spec's output format, in place of
 * the output.
 */
public final class MetricFile {
    /** The variable that names the file to the evaluator. */
    public static final String VARIABLE = "HELIX_METRIC_FILE";

    private MetricFile() {}

    /** Whether the spec reads its metrics from the file. */
    public static boolean used(Spec spec) {
        return spec.evaluate().metricSource() == Spec.MetricSource.FILE;
    }

    /** The metric file of the evaluation logging to {@code log}: "7.log" → "7.metric". */
    public static Path beside(Path log) {
        String name = log.getFileName().toString();
        String stem = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
        return log.resolveSibling(stem + ".metric");
    }

    /** The metrics in the file's content; a missing file is a problem (and so a crash) naming the variable. */
    public static Extraction extract(Spec spec, Optional<String> content) {
        if (content.isEmpty()) {
            return new Extraction(Map.of(), List.of("the evaluation wrote no metric file: with evaluate.metric_source: file"
                    + " the evaluator writes its metrics to $" + VARIABLE));
        }
        return MetricExtractor.extract(spec, content.get(), content);
    }
}

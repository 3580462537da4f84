package dev.helix.app.review;

import dev.helix.adapters.specio.SpecFiles;
import dev.helix.app.Workspace;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.review.ReviewPrompt;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code helix review}: the prompt that asks a second model to review a session, from its records, spec and program. */
public final class ReviewRequest {
    private ReviewRequest() {}

    /** The review prompt for session {@code tag}; a missing or broken spec only leaves the goal and metric generic. */
    public static String prompt(Path repo, String tag, List<Experiment> records) {
        Optional<Spec> spec;
        try {
            spec = SpecFiles.find(repo).map(SpecFiles::load);
        } catch (RuntimeException e) {
            spec = Optional.empty(); // the records alone make a review
        }
        String metric = spec.map(x -> x.metrics().primary().name() + " ("
                + x.metrics().primary().optimize().name().toLowerCase(Locale.ROOT) + ")").orElse("the primary metric");
        String program = Workspace.readIfExists(repo.resolve("program.md")).orElse("");
        return ReviewPrompt.build(new ReviewPrompt.Context(tag, spec.map(Spec::description).orElse(""), metric, program), records);
    }
}

package dev.helix.core.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.session.SessionFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReviewPromptTest {
    static final List<Experiment> RECORDS = SessionFixture.baseline(5.29)
            .measure(5.0, "x = 3.9").measure(4.9, "x = 3.85").measure(1.0, "x = 2.7")
            .crash("x = nan", "loss was not found in the output").crash("x = inf", "loss was not found in the output")
            .measure(1.2, "x = 2.8").measure(1.1, "x = 2.75").measure(1.3, "x = 2.85")
            .rejected("edit evaluate.sh", "changed files out of scope: evaluate.sh")
            .records();

    @Test
    void thePromptSummarisesFlagsAndAsks() throws java.io.IOException {
        String prompt = ReviewPrompt.build(new ReviewPrompt.Context("mar1", "Find the x that minimizes a parabola.",
                "loss (minimize)", "# Program\n\nMove x toward the minimum.\n"), RECORDS);
        assertThat(prompt).isEqualTo(dev.helix.core.session.DashboardTest.golden("review.md", prompt));
    }

    @Test
    void failureThemesGroupReasonsThatDifferOnlyInTheirNumbers() {
        assertThat(ReviewPrompt.themes(RECORDS)).containsExactly(
                new ReviewPrompt.Theme("discard: worse", List.of(6, 7, 8)),
                new ReviewPrompt.Theme("crash: loss was not found in the output", List.of(4, 5)));
        assertThat(ReviewPrompt.theme("improvement 0.001 is not more than min_improvement 0.01: loss 1 -> 0.999"))
                .isEqualTo("improvement N is not more than min_improvement N");
        assertThat(ReviewPrompt.theme("timed out after 300s")).isEqualTo("timed out after Ns");
    }
}

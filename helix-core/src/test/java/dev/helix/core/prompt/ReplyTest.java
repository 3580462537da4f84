package dev.helix.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplyTest {
    @Test
    void theFirstLineDescribesAndTheHypothesisLineExplains() {
        assertThat(Reply.parse("Raise the learning rate to 0.02\nHypothesis: training is too slow\nmore text"))
                .isEqualTo(new Reply("Raise the learning rate to 0.02", Optional.of("training is too slow")));
    }

    @Test
    void markdownDecorationAndLabelsAreDropped() {
        assertThat(Reply.parse("\n## **Description:** Use cosine decay\n- **Hypothesis:** smoother end\n"))
                .isEqualTo(new Reply("Use cosine decay", Optional.of("smoother end")));
    }

    @Test
    void aBlankMessageHasNoDescription() {
        assertThat(Reply.parse("  \n")).isEqualTo(new Reply("", Optional.empty()));
        assertThat(Reply.parse(null).description()).isEmpty();
    }
}

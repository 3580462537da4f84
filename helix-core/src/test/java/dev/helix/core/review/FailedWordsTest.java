package dev.helix.core.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.session.SessionFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The word failed ideas share is found however the agent wrote it. */
class FailedWordsTest {
    /** Eight failed ideas about dropout, written eight ways, with different reasons; two kept ideas without it. */
    static final List<Experiment> RECORDS = SessionFixture.baseline(3.0)
            .measure(2.9, "Use AdamW with weight decay 0.1")
            .measure(3.1, "increase dropout to 0.2")
            .measure(3.2, "Dropout=0.3 on the embeddings")
            .crash("add dropouts in attention and MLP", "exit code 1")
            .measure(3.05, "dropout 0.1 after the MLP")
            .measure(3.3, "higher dropout, lower learning rate")
            .rejected("try DROPOUT 0.5 in evaluate.py", "changed files out of scope: evaluate.py")
            .measure(2.95, "dropout: 0.25")
            .measure(2.8, "cosine learning rate schedule")
            .measure(2.9, "attention-dropout 0.05")
            .records();

    @Test
    void allEightFailedDescriptionsShareDropout() {
        List<FailedWords.Word> words = FailedWords.of(RECORDS);
        assertThat(words).isNotEmpty();
        FailedWords.Word first = words.get(0);
        assertThat(first.word()).isEqualTo("dropout");
        assertThat(first.runs()).containsExactly(2, 3, 4, 5, 6, 7, 8, 10);
        assertThat(first.kept()).isZero();
        assertThat(words).extracting(FailedWords.Word::word).doesNotContain("increase", "the", "to", "higher", "try", "add");
    }

    @Test
    void theReviewPromptNamesTheSharedWordUnderRepeatedFailureThemes() {
        String prompt = ReviewPrompt.build(new ReviewPrompt.Context("mar1", "", "loss (minimize)", ""), RECORDS);
        String themes = prompt.substring(prompt.indexOf("## Repeated failure themes"), prompt.indexOf("## Suspicious jumps"));
        assertThat(themes).contains("- 8x the idea \"dropout\" in the description of a failed experiment (#2, #3, #4, #5, #6, #7, #8, #10); never in a kept one");
    }

    @Test
    void wordsAreSplitAtNonLettersAndFoldedToAStem() {
        assertThat(FailedWords.stems("Dropout=0.3, attention-dropouts; the LR").keySet()).containsExactly("dropout", "attention");
        assertThat(FailedWords.stem("layers")).isEqualTo("layer");
        assertThat(FailedWords.stem("batches")).isEqualTo("batch");
        assertThat(FailedWords.stem("loss")).isEqualTo("loss");
        assertThat(FailedWords.stem("warmup")).isEqualTo("warmup");
    }
}

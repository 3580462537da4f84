package dev.helix.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** final.json: the counts of a finalize, read back as written, and a damaged file read as none. */
class FinalTallyTest {

    @Test
    void readsBackWhatItWrites() {
        FinalTally t = new FinalTally(true, 5, 4, 2, 1, 1, 1, true, "helix/s-final");
        assertThat(FinalTally.parse(t.json())).contains(t);
    }

    @Test
    void saysWhatFinalizeFoundOfTheKeeps() {
        assertThat(new FinalTally(true, 4, 3, 1, 0, 0, 1, true, "b").render()).isEqualTo("finalize dropped 1 of 4 kept changes "
                + "(their removal did not hurt); 1 could not be measured alone; the gain is confirmed");
        assertThat(new FinalTally(false, 1, 1, 0, 0, 1, 0, true, "b").render()).isEqualTo("finalize dropped 0 of 1 kept change; "
                + "1 more stayed though removing it did not hurt; the gain is NOT confirmed");
        assertThat(new FinalTally(true, 3, 3, 2, 1, 0, 0, true, "b").render())
                .startsWith("finalize dropped 2 of 3 kept changes (the removal of 1 did not hurt; 1 worth less than judge.min_improvement)");
    }

    @Test
    void aFileThatIsNotOneIsNone() {
        assertThat(FinalTally.parse("")).isEmpty();
        assertThat(FinalTally.parse("{\"confirmed\":true}")).isEmpty();
        assertThat(FinalTally.parse("{\"confirmed\":true,\"changes\":-1,\"measured\":0,\"dropped\":0,\"marginal\":0,"
                + "\"kept_anyway\":0,\"unclear\":0,\"written\":true,\"branch\":\"b\"}")).isEqualTo(Optional.empty());
        assertThat(FinalTally.parse("not json")).isEmpty();
    }
}

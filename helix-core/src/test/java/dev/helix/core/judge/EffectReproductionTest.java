package dev.helix.core.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** EffectReproduction: the paired effect of a commit against its parent, measured in balanced blocks. */
class EffectReproductionTest {

    /** A machine whose level drifts by {@code drift} per evaluation, with seeded noise. */
    private static final class Machine {
        final Random random = new Random(11);
        final double drift;
        final double sd;
        int evaluations;

        Machine(double drift, double sd) {
            this.drift = drift;
            this.sd = sd;
        }

        double measure(double level) {
            evaluations++;
            return level + drift * evaluations + sd * random.nextGaussian();
        }
    }

    @Test
    void blocksAlternateTheOrderSoThatTwoMakeABBA() {
        StringBuilder order = new StringBuilder();
        EffectReproduction.measure(4, () -> { order.append('A'); return 1; }, () -> { order.append('B'); return 0; });
        assertThat(order).hasToString("ABBAABBA");
    }

    @Test
    void aRealEffectReproducesUnderALinearDriftMuchLargerThanIt() {
        Machine m = new Machine(0.5, 0.05);
        EffectReproduction.Blocks blocks = EffectReproduction.measure(6, () -> m.measure(99), () -> m.measure(100));
        EffectReproduction r = EffectReproduction.check(blocks, -1.1, 0.95, "abc", SequentialJudge.Prior.NONE);
        assertThat(r.reproduces()).as(r.reason()).isTrue();
        assertThat(r.evidence().effect()).isCloseTo(-1, org.assertj.core.data.Offset.offset(0.1));
        assertThat(r.evidence().evaluations()).isEqualTo(12);
        assertThat(r.evidence().incumbent()).isEqualTo("abc", SequentialJudge.Prior.NONE);
        assertThat(r.reason()).startsWith("reproduces: effect recorded -1.1, re-measured ");
    }

    @Test
    void noEffectUnderDriftDoesNotReproduce() {
        Machine m = new Machine(0.5, 0.05);
        EffectReproduction.Blocks blocks = EffectReproduction.measure(6, () -> m.measure(100), () -> m.measure(100));
        EffectReproduction r = EffectReproduction.check(blocks, -1, 0.95, "abc", SequentialJudge.Prior.NONE);
        assertThat(r.reproduces()).as(r.reason()).isFalse();
        assertThat(r.recordedInside()).isFalse();
        assertThat(r.reason()).startsWith("does not reproduce (not significant)");
    }

    @Test
    void anEffectOfTheOppositeSignDoesNotReproduce() {
        Machine m = new Machine(0, 0.05);
        EffectReproduction.Blocks blocks = EffectReproduction.measure(4, () -> m.measure(101), () -> m.measure(100));
        EffectReproduction r = EffectReproduction.check(blocks, -1, 0.95, "abc", SequentialJudge.Prior.NONE);
        assertThat(r.reproduces()).isFalse();
        assertThat(r.reason()).startsWith("does not reproduce (the opposite sign)");
    }

    @Test
    void theSessionsNoiseNarrowsTheIntervalOfAFewBlocksUnlessTheyAreLouder() {
        Machine m = new Machine(0.02, 0.05);
        EffectReproduction.Blocks blocks = EffectReproduction.measure(3, () -> m.measure(99.8), () -> m.measure(100));
        EffectReproduction alone = EffectReproduction.check(blocks, -0.2, 0.95, "abc", SequentialJudge.Prior.NONE);
        EffectReproduction pooled = EffectReproduction.check(blocks, -0.2, 0.95, "abc", new SequentialJudge.Prior(0.15, 20));
        assertThat(pooled.evidence().df()).isEqualTo(21);
        assertThat(pooled.evidence().ciHigh() - pooled.evidence().ciLow()).isLessThan(alone.evidence().ciHigh() - alone.evidence().ciLow());
        assertThat(pooled.reproduces()).as(pooled.reason()).isTrue();
        EffectReproduction quiet = EffectReproduction.check(blocks, -0.2, 0.95, "abc", new SequentialJudge.Prior(0.0001, 20));
        assertThat(quiet.evidence().df()).isEqualTo(1);
        assertThat(quiet.reason()).contains("louder than the session's");
    }

    @Test
    void withoutSpreadTheSignDecides() {
        EffectReproduction.Blocks blocks = EffectReproduction.measure(3, () -> 1.0, () -> 2.0);
        EffectReproduction r = EffectReproduction.check(blocks, -1, 0.95, "abc", SequentialJudge.Prior.NONE);
        assertThat(r.reproduces()).isTrue();
        assertThat(r.recordedInside()).isTrue();
        assertThatThrownBy(() -> EffectReproduction.check(EffectReproduction.measure(2, () -> 1.0, () -> 2.0), -1, 0.95, "", SequentialJudge.Prior.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

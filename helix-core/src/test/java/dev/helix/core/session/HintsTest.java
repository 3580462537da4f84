package dev.helix.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HintsTest {

    @Test
    void aFreshSessionGetsNoHints() {
        assertThat(Hints.of(SessionFixture.baseline(10).measure(9, "a").measure(9.5, "b").records())).isEmpty();
    }

    @Test
    void discardsInARowEscalateAtThreeFiveAndSeven() {
        SessionFixture s = SessionFixture.baseline(10).measure(9, "a");
        s.measure(9.1, "b").measure(9.2, "c");
        assertThat(Hints.of(s.records())).isEmpty();
        s.measure(9.3, "d");
        assertThat(Hints.of(s.records())).containsExactly("3 discards in a row: try a different direction");
        s.measure(9.3, "e").measure(9.3, "f");
        assertThat(Hints.of(s.records()))
                .containsExactly("5 discards in a row: re-read program.md and the ledger, revert to a simpler idea");
        s.measure(9.3, "g").measure(9.3, "h").measure(9.3, "i");
        assertThat(Hints.of(s.records())).containsExactly("8 discards in a row: stop tuning this; change approach");
        s.measure(8, "j");
        assertThat(Hints.discardStreak(s.records())).isZero();
    }

    @Test
    void crashesAndRejectionsNeitherCountNorBreakAStreak() {
        SessionFixture s = SessionFixture.baseline(10).measure(11, "a").crash("b", "exit code 1")
                .measure(11, "c").rejected("d", "edited out of scope").measure(12, "e");
        assertThat(Hints.discardStreak(s.records())).isEqualTo(3);
    }

    @Test
    void aGainOfMoreThanTenTimesAllEarlierGainsIsSuspicious() {
        SessionFixture s = SessionFixture.baseline(10).measure(9.9, "a").measure(9.8, "b").measure(7, "c");
        assertThat(Hints.jumps(s.records())).containsExactly(
                new Hints.Jump(3, "gained 2.8, more than 10x all earlier gains (0.2)"));
        assertThat(Hints.of(s.records())).containsExactly(
                "#3 gained 2.8, more than 10x all earlier gains (0.2): check the evaluation is not being gamed; run helix verify 3");
    }

    @Test
    void theFirstGainIsNeverSuspiciousByItselfButAHundredfoldChangeIs() {
        assertThat(Hints.jumps(SessionFixture.baseline(10).measure(5, "halve").records())).isEmpty();
        assertThat(Hints.jumps(SessionFixture.baseline(10).measure(0.05, "skip the work").records()))
                .containsExactly(new Hints.Jump(1, "loss moved 10 -> 0.05 (x0.005)"));
    }

    @Test
    void aPlateauIsTenExperimentsWithoutAKeepAfterEarlierKeeps() {
        SessionFixture s = SessionFixture.baseline(10).measure(9, "a");
        for (int i = 0; i < 9; i++) s.crash("idea " + i, "exit code 1");
        assertThat(Hints.plateau(s.records(), 10)).isEmpty();
        s.crash("idea 9", "exit code 1");
        assertThat(Hints.of(s.records())).containsExactly(
                "plateau: no keep in the last 10 experiments (the last keep was #1); fork a new direction (helix fork) or stop here");
        List<String> neverKept = Hints.of(SessionFixture.baseline(10).crash("a", "x").crash("b", "x").crash("c", "x")
                .crash("d", "x").crash("e", "x").crash("f", "x").crash("g", "x").crash("h", "x").crash("i", "x")
                .crash("j", "x").crash("k", "x").records());
        assertThat(neverKept).as("a session that never kept has not plateaued; it never rose").isEmpty();
    }
}

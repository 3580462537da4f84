package dev.helix.core.result;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Evidence;
import dev.helix.core.spec.Direction;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The leave-one-out verdicts and the summary people read: signs, fates, escaping. */
class FinalSummaryTest {

    private static Evidence evidence(double effect, double low, double high) {
        return new Evidence(effect, low, high, 0.01, 0.05, 5, 5, 1.0, 0.1, 8, 20, "parent");
    }

    @Test
    void aGainIsSignedSoThatBetterIsPositiveWhicheverWayTheMetricGoes() {
        Gain lowerLoss = Gain.of(evidence(-0.3, -0.4, -0.2), Direction.MINIMIZE, 0.95);
        assertThat(lowerLoss.value()).isEqualTo(0.3);
        assertThat(lowerLoss.low()).isEqualTo(0.2);
        assertThat(lowerLoss.high()).isEqualTo(0.4);
        assertThat(lowerLoss.significant()).isTrue();
        Gain higherAccuracy = Gain.of(evidence(0.3, -0.1, 0.7), Direction.MAXIMIZE, 0.95);
        assertThat(higherAccuracy.significant()).isFalse();
        assertThat(higherAccuracy.render()).isEqualTo("+0.3 (95% CI -0.1..+0.7)");
    }

    @Test
    void aChangeStaysWhenItsRemovalHurtsOrItCouldNotBeMeasuredAlone() {
        Optional<Gain> hurts = Optional.of(new Gain(1, 0.5, 1.5, 0.95, 3));
        Optional<Gain> harmless = Optional.of(new Gain(0.1, -0.2, 0.4, 0.95, 3));
        assertThat(Contribution.fate(hurts, 0, false)).isEqualTo(Contribution.Fate.NEEDED);
        assertThat(Contribution.fate(harmless, 0, false)).isEqualTo(Contribution.Fate.DROPPED);
        assertThat(Contribution.fate(harmless, 0, true)).isEqualTo(Contribution.Fate.KEPT_ON_REQUEST);
        assertThat(Contribution.fate(Optional.empty(), 0, false)).isEqualTo(Contribution.Fate.UNCLEAR);
        assertThat(Contribution.Fate.DROPPED.survives).isFalse();
    }

    @Test
    void aChangeWorthLessThanMinImprovementIsDropped_asTheSessionWouldNotHaveKeptItForThat() {
        Optional<Gain> small = Optional.of(new Gain(0.001, 0.001, 0.001, 0.95, 3)); // deterministic: no spread
        Optional<Gain> enough = Optional.of(new Gain(0.01, 0.01, 0.01, 0.95, 3));
        assertThat(Contribution.fate(small, 0.0012, false)).isEqualTo(Contribution.Fate.MARGINAL);
        assertThat(Contribution.fate(small, 0.0012, true)).isEqualTo(Contribution.Fate.KEPT_ON_REQUEST);
        assertThat(Contribution.fate(small, 0, false)).isEqualTo(Contribution.Fate.NEEDED);
        assertThat(Contribution.fate(enough, 0.0012, false)).isEqualTo(Contribution.Fate.NEEDED);
        assertThat(Contribution.Fate.MARGINAL.survives).isFalse();
    }

    @Test
    void aMeasurableChangeWhoseEstimateClearsMinImprovementIsNeeded_thoughItsIntervalReachesBelowIt() {
        Optional<Gain> clears = Optional.of(new Gain(0.03, 0.005, 0.055, 0.95, 5)); // +3%, CI +0.5..+5.5%
        Optional<Gain> under = Optional.of(new Gain(0.008, 0.002, 0.014, 0.95, 5));
        Optional<Gain> atFloor = Optional.of(new Gain(0.01, 0.004, 0.016, 0.95, 5));
        Optional<Gain> unmeasurable = Optional.of(new Gain(0.03, -0.001, 0.061, 0.95, 5));
        assertThat(Contribution.fate(clears, 0.01, false)).isEqualTo(Contribution.Fate.NEEDED);
        assertThat(Contribution.fate(under, 0.01, false)).isEqualTo(Contribution.Fate.MARGINAL);
        assertThat(Contribution.fate(atFloor, 0.01, false)).isEqualTo(Contribution.Fate.MARGINAL);
        assertThat(Contribution.fate(unmeasurable, 0.01, false)).isEqualTo(Contribution.Fate.DROPPED);
        assertThat(Contribution.fate(unmeasurable, 0, false)).isEqualTo(Contribution.Fate.DROPPED);
    }

    @Test
    void theSummaryNamesEachChangesFateAndEscapesWhatTheProposerWrote() {
        Contribution dead = new Contribution(1, "use <b>fast</b> | path", "c1", "c0", Optional.of(new Gain(0, 0, 0, 0.95, 3)),
                Optional.of(0.5), Contribution.Fate.DROPPED);
        Contribution solver = new Contribution(2, "new solver", "c2", "c1", Optional.of(new Gain(10, 9, 11, 0.95, 3)),
                Optional.of(1.5), Contribution.Fate.NEEDED);
        FinalResult r = new FinalResult("s", "score", Direction.MAXIMIZE, 10, 30, 2, new Gain(20, 19, 21, 0.95, 3), true,
                "reproduces", Optional.of(new Gain(20, 19, 21, 0.95, 3)), Optional.empty(), List.of(dead, solver), "helix/s-final",
                "0123456789abcdef", List.of("fedcba9876543210"), false, true, Optional.empty(), Optional.empty(),
                Optional.empty(), 2.0);

        String md = FinalSummary.markdown(r);
        assertThat(md).contains("Gain confirmed", "| #1 | use &lt;b>fast&lt;/b> \\| path | 0 (no spread) | $0.50 | dropped")
                .contains("| #2 | new solver | +10 (95% CI +9..+11) | $1.50 | kept: removing it hurts |")
                .contains("helix/s-final on 01234567: 1 commit fedcba98", "$2.00 in all, $2.00 per change kept",
                        "without the 1 dropped change", "Hold-out**: none configured");
        String html = FinalSummary.html(r);
        assertThat(html).contains("<h2>Finalized result</h2>", "use &lt;b&gt;fast&lt;/b&gt; | path", "<tr class=\"dropped\">")
                .doesNotContain("<b>fast");
        assertThat(solver.message("score", "s")).startsWith("new solver\n\nContributes +10 (95% CI +9..+11) to score")
                .contains("Kept: removing it hurts.", "experiment #2 (refs/helix/s/2, commit c2)");
    }
}

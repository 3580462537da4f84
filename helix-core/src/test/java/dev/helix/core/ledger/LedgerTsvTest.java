package dev.helix.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LedgerTsvTest {

    static Experiment row(int run, String commit, Status status, Double primary, Map<String, Double> metrics,
                          String description) {
        Instant t = Instant.parse("2024-11-23T08:00:00Z");
        return new Experiment(run, "nov23", 0, "", commit, status, metrics, Optional.ofNullable(primary),
                Optional.empty(), Optional.empty(), description, Optional.empty(), "", List.of(), t, t, 0,
                Optional.empty(), false, "", DiffStat.NONE, Optional.empty(), List.of(), Optional.empty());
    }

    static final List<Experiment> ROWS = List.of(
            row(0, "0123456789abcdef0123456789abcdef01234567", Status.BASELINE, 0.97, Map.of("bpb", 1.25), "baseline"),
            row(1, "fedcba9876543210fedcba9876543210fedcba98", Status.KEEP, 0.9712, Map.of("bpb", 1.0), "raise\tlr\nto 3e-4"),
            row(2, "", Status.CRASH, null, Map.of(), "OOM at batch 512"),
            row(3, "abc", Status.DISCARD, 0.0001, Map.of("bpb", 1e-9), "tiny"));

    @Test
    void rendersTheHumanViewWithAGuardColumn() {
        assertThat(LedgerTsv.render(ROWS, "accuracy", Optional.of("bpb"))).isEqualTo("""
                tag\trun\tcommit\taccuracy\tbpb\tstatus\tdescription
                nov23\t0\t0123456\t0.97\t1.25\tbaseline\tbaseline
                nov23\t1\tfedcba9\t0.9712\t1\tkeep\traise lr to 3e-4
                nov23\t2\t\t\t\tcrash\tOOM at batch 512
                nov23\t3\tabc\t0.0001\t1.0E-9\tdiscard\ttiny
                """);
    }

    @Test
    void hasNoGuardColumnWithoutAGuard() {
        assertThat(LedgerTsv.render(ROWS.subList(0, 1), "accuracy", Optional.empty())).isEqualTo("""
                tag\trun\tcommit\taccuracy\tstatus\tdescription
                nov23\t0\t0123456\t0.97\tbaseline\tbaseline
                """);
    }

    @Test
    void theHeaderAloneForAnEmptyLedger() {
        assertThat(LedgerTsv.render(List.of(), "loss", Optional.empty()))
                .isEqualTo("tag\trun\tcommit\tloss\tstatus\tdescription\n");
    }

    @Test
    void numbersArePlain() {
        assertThat(LedgerTsv.formatNumber(39000.0)).isEqualTo("39000");
        assertThat(LedgerTsv.formatNumber(12345678.0)).isEqualTo("12345678");
        assertThat(LedgerTsv.formatNumber(0.000123)).isEqualTo("0.000123");
        assertThat(LedgerTsv.formatNumber(-2.5)).isEqualTo("-2.5");
        assertThat(LedgerTsv.formatNumber(-0.0)).isEqualTo("0");
        assertThat(LedgerTsv.formatNumber(0.1 + 0.2)).as("binary arithmetic's noise dropped").isEqualTo("0.3");
        assertThat(LedgerTsv.formatNumber(-0.01822600000000002)).isEqualTo("-0.018226");
        assertThat(LedgerTsv.formatNumber(0.123456789012)).as("twelve significant digits kept").isEqualTo("0.123456789012");
        assertThat(LedgerTsv.formatNumber(Double.NaN)).isEqualTo("NaN");
        assertThat(LedgerTsv.formatNumber(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
        assertThat(LedgerTsv.formatNumber(6.02e23)).isEqualTo("6.02E23");
    }
}

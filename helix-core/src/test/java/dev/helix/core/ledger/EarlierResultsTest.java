package dev.helix.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.spec.Direction;
import org.junit.jupiter.api.Test;

/** experiments.tsv of earlier sessions, in Helix's layout and the other tools' layouts. */
class EarlierResultsTest {

    @Test
    void helixsOwnLayout() {
        String tsv = "tag\trun\tcommit\tloss\tstatus\tdescription\n"
                + "a\t0\tabc1234\t2.5\tbaseline\tbaseline\n"
                + "a\t1\tbcd2345\t2.1\tkeep\tlower lr\n"
                + "a\t2\tcde3456\t1.9\tdiscard\tnoisy\n"
                + "a\t3\tdef4567\t\tcrash\toom\n";
        EarlierResults r = EarlierResults.parse(tsv, "loss", Direction.MINIMIZE).orElseThrow();
        assertThat(r).isEqualTo(new EarlierResults("loss", 3, 2.5, 2.1, "lower lr"));
        assertThat(r.text()).isEqualTo("loss: baseline 2.5, best 2.1 to beat (lower lr), from 3 earlier experiments");
    }

    @Test
    void theResearchSkillsLayoutWhereTheBaselineIsTheFirstKeep() {
        String tsv = "commit\tval_bpb\tmemory_gb\tstatus\tdescription\n"
                + "a1b2c3d\t0.997900\t44.0\tkeep\tbaseline\n"
                + "b2c3d4e\t0.993200\t44.2\tkeep\tincrease LR to 0.04\n"
                + "d4e5f6g\t0.000000\t0.0\tcrash\tdouble model width (OOM)\n"
                + "e5f6g7h\t0.990100\t43.8\tkeep\tadd weight decay scheduling\n";
        EarlierResults r = EarlierResults.parse(tsv, "val_bpb", Direction.MINIMIZE).orElseThrow();
        assertThat(r.baseline()).isEqualTo(0.9979);
        assertThat(r.best()).isEqualTo(0.9901);
        assertThat(r.bestDescription()).isEqualTo("add weight decay scheduling");
    }

    @Test
    void aMetricAndValueLayoutCountsOnlyThisMetricsRows() {
        String tsv = "commit\tmetric\tvalue\tstatus\tdescription\n"
                + "a1\tacc\t0.80\tkeep\tbaseline\n"
                + "a2\tf1\t0.99\tkeep\tanother metric\n"
                + "a3\tacc\t0.85\tkeep\twider\n";
        EarlierResults r = EarlierResults.parse(tsv, "acc", Direction.MAXIMIZE).orElseThrow();
        assertThat(r.rows()).isEqualTo(2);
        assertThat(r.best()).isEqualTo(0.85);
    }

    @Test
    void aFileWithoutTheMetricOrAStatusSaysNothing() {
        assertThat(EarlierResults.parse("commit\tloss\tstatus\n", "loss", Direction.MINIMIZE)).isEmpty();
        assertThat(EarlierResults.parse("a\tb\n1\t2\n", "loss", Direction.MINIMIZE)).isEmpty();
        assertThat(EarlierResults.parse("commit\tacc\tstatus\nx\t1\tkeep\n", "loss", Direction.MINIMIZE)).isEmpty();
        assertThat(EarlierResults.parse("", "loss", Direction.MINIMIZE)).isEmpty();
    }
}

package dev.helix.adapters.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CPU lists as Linux writes them, and their split into one disjoint set per worker. */
class CpuSetsTest {
    @TempDir
    Path tmp;

    @Test
    void aListReadsAsItsCpusAndWritesBackAsRanges() {
        assertThat(CpuSets.parse("0-3,8,10-11")).containsExactly(0, 1, 2, 3, 8, 10, 11);
        assertThat(CpuSets.format(List.of(0, 1, 2, 3, 8, 10, 11))).isEqualTo("0-3,8,10-11");
        assertThat(CpuSets.parse("3,1,1")).containsExactly(1, 3);
        assertThat(CpuSets.parse("0-")).isEmpty();
        assertThat(CpuSets.parse("")).isEmpty();
    }

    @Test
    void theCpusSplitEvenlyIntoConsecutiveDisjointSetsTheFirstGettingTheRest() {
        assertThat(CpuSets.split(List.of(0, 1), 2)).containsExactly("0", "1");
        assertThat(CpuSets.split(CpuSets.parse("0-6"), 3)).containsExactly("0-2", "3-4", "5-6");
        assertThat(CpuSets.split(CpuSets.parse("0-3,8-11"), 2)).containsExactly("0-3", "8-11");
    }

    @Test
    void theAllowedCpusAreWhatTheKernelSaysThisProcessMayUse() throws Exception {
        Path status = tmp.resolve("status");
        Files.writeString(status, "Name:\tjava\nCpus_allowed:\tff\nCpus_allowed_list:\t2-3,6\nMems_allowed:\t1\n");
        assertThat(CpuSets.allowed(status)).containsExactly(2, 3, 6);
        assertThat(CpuSets.allowed(tmp.resolve("absent"))).hasSize(Runtime.getRuntime().availableProcessors());
        // this process, on this machine, as taskset reports it
        Process p = new ProcessBuilder("taskset", "-cp", Long.toString(ProcessHandle.current().pid())).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).isZero();
        assertThat(CpuSets.allowed()).isEqualTo(CpuSets.parse(out.substring(out.lastIndexOf(':') + 1)));
    }
}

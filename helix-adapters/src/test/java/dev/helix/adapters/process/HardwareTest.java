package dev.helix.adapters.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine as a session shows it: nvidia-smi's GPUs when it is on PATH, else the CPU; cores and memory. */
class HardwareTest {
    @TempDir
    Path tmp;

    @Test
    void gpusComeFromNvidiaSmiWhenItIsOnThePath() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path smi = bin.resolve("nvidia-smi");
        // answers the query Helix sends the way the real tool does: name, memory.total, driver_version as CSV without a header
        Files.writeString(smi, """
                #!/bin/sh
                case "$*" in
                  *--query-gpu=name,memory.total*--format=csv,noheader*)
                    echo "NVIDIA H100 80GB HBM3, 81559 MiB, 550.54.15"
                    echo "NVIDIA H100 80GB HBM3, 81559 MiB, 550.54.15" ;;
                  *) echo "unexpected arguments: $*" >&2; exit 9 ;;
                esac
                """);
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        Hardware h = Hardware.detect(Map.of("PATH", bin + ":/usr/bin:/bin"));
        assertThat(h.gpus()).containsExactly("NVIDIA H100 80GB HBM3 (81559 MiB)", "NVIDIA H100 80GB HBM3 (81559 MiB)");
        assertThat(h.gpuDriver()).isEqualTo("550.54.15");
        assertThat(h.text()).startsWith("GPU: 2x NVIDIA H100 80GB HBM3 (81559 MiB) (driver 550.54.15)").contains(h.cores() + " core");
    }

    @Test
    void withoutNvidiaSmiTheCpuModelCoresAndMemoryAreShown() {
        Hardware h = Hardware.detect(Map.of("PATH", tmp.toString()));
        assertThat(h.gpus()).isEmpty();
        assertThat(h.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(h.text()).startsWith("no GPU found (nvidia-smi not available)").contains(h.cores() + " core");
        if (Files.isReadable(Path.of("/proc/cpuinfo"))) assertThat(h.cpu()).isNotBlank();
        if (Files.isReadable(Path.of("/proc/meminfo"))) assertThat(h.memoryBytes()).isPositive();
    }

    @Test
    void aFailingNvidiaSmiMeansNoGpuNotAnError() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("broken"));
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\necho 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'\nexit 9\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(Hardware.detect(Map.of("PATH", bin.toString())).gpus()).isEmpty();
    }

    @Test
    void cpuAndMemoryAreReadFromTheKernelsFiles() throws IOException {
        Path cpuinfo = tmp.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz\n");
        Path meminfo = tmp.resolve("meminfo");
        Files.writeString(meminfo, "MemTotal:       16303024 kB\nMemFree:         1000 kB\n");
        assertThat(Hardware.cpu(cpuinfo)).isEqualTo("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz");
        assertThat(Hardware.memory(meminfo)).isEqualTo(16303024L * 1024);
        assertThat(new Hardware(List.of(), "X", 1, 1L << 30).text()).isEqualTo("no GPU found (nvidia-smi not available); CPU: X; 1 core; 1.0 GiB memory");
    }
}

package dev.helix.adapters.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The machine evaluations run on, as a session shows it at start and tells the proposer: the GPUs
 * `nvidia-smi` lists when it is on PATH, else the CPU model from /proc/cpuinfo, the core count and
 * the memory.
 *
 * @param gpus one entry per GPU, e.g. "NVIDIA H100 80GB HBM3 (81559 MiB)"; empty without nvidia-smi
 * @param cpu the CPU model, or empty when /proc/cpuinfo does not say
 * @param memoryBytes the machine's memory, 0 when unknown
 * @param gpuDriver the NVIDIA driver's version nvidia-smi reports, or empty
 */
public record Hardware(List<String> gpus, String cpu, int cores, long memoryBytes, String gpuDriver) {

    public Hardware {
        gpus = List.copyOf(gpus);
        gpuDriver = gpuDriver == null ? "" : gpuDriver;
    }

    /** A machine without a known GPU driver. */
    public Hardware(List<String> gpus, String cpu, int cores, long memoryBytes) {
        this(gpus, cpu, cores, memoryBytes, "");
    }

    /** This machine, looking for nvidia-smi on the PATH of {@code env}; never fails, says less when it cannot tell. */
    public static Hardware detect(Map<String, String> env) {
        List<String[]> rows = gpus(env);
        List<String> gpus = new ArrayList<>();
        String driver = "";
        for (String[] cells : rows) {
            String name = cells[0].strip();
            gpus.add(cells.length > 1 && !cells[1].isBlank() ? name + " (" + cells[1].strip() + ")" : name);
            if (cells.length > 2 && !cells[2].isBlank()) driver = cells[2].strip();
        }
        return new Hardware(gpus, cpu(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors(),
                memory(Path.of("/proc/meminfo")), driver);
    }

    /** "2x NVIDIA A100-SXM4-40GB (40960 MiB); 64 cores; 503 GiB memory" or "CPU: AMD EPYC 7B13; 2 cores; 7.8 GiB memory". */
    public String text() {
        List<String> parts = new ArrayList<>();
        if (!gpus.isEmpty()) {
            Map<String, Integer> counted = new LinkedHashMap<>();
            gpus.forEach(g -> counted.merge(g, 1, Integer::sum));
            List<String> names = new ArrayList<>();
            counted.forEach((g, n) -> names.add((n > 1 ? n + "x " : "") + g));
            parts.add("GPU: " + String.join(", ", names) + (gpuDriver.isEmpty() ? "" : " (driver " + gpuDriver + ")"));
        } else {
            parts.add("no GPU found (nvidia-smi not available)");
        }
        if (!cpu.isEmpty()) parts.add("CPU: " + cpu);
        parts.add(cores + (cores == 1 ? " core" : " cores"));
        if (memoryBytes > 0) parts.add(String.format(Locale.ROOT, "%.1f GiB memory", memoryBytes / (1024.0 * 1024 * 1024)));
        return String.join("; ", parts);
    }

    /** nvidia-smi's rows: name, memory, driver version. */
    private static List<String[]> gpus(Map<String, String> env) {
        Optional<Path> smi = Programs.locate("nvidia-smi", env);
        if (smi.isEmpty()) return List.of();
        ProcessBuilder pb = new ProcessBuilder(smi.get().toString(), "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader")
                .redirectErrorStream(true);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            // a wedged driver must not hold up a session's start
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return List.of();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) return List.of();
            List<String[]> gpus = new ArrayList<>();
            for (String line : out.split("\\R")) {
                if (!line.isBlank()) gpus.add(line.split(",", 3));
            }
            return gpus;
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    static String cpu(Path cpuinfo) {
        return read(cpuinfo).flatMap(text -> text.lines()
                .filter(l -> l.startsWith("model name") || l.startsWith("Model") || l.startsWith("Hardware"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).filter(s -> !s.isEmpty()).findFirst()).orElse("");
    }

    static long memory(Path meminfo) {
        return read(meminfo).flatMap(text -> text.lines().filter(l -> l.startsWith("MemTotal:")).findFirst())
                .map(l -> l.replaceAll("[^0-9]", "")).filter(s -> !s.isEmpty()).map(kb -> Long.parseLong(kb) * 1024).orElse(0L);
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}

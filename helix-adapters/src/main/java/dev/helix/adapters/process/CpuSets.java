package dev.helix.adapters.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * CPU sets in the Linux list syntax ("0-3,8"): which CPUs this process may run on, and how they
 * split into disjoint sets, one per worker, for run.isolation: cpus.
 */
public final class CpuSets {

    private CpuSets() {}

    /**
     * The CPUs this process may run on: /proc/self/status's Cpus_allowed_list (what taskset or a
     * cgroup cpuset left it), else 0 .. the JVM's processor count - 1.
     */
    public static List<Integer> allowed() {
        return allowed(Path.of("/proc/self/status"));
    }

    static List<Integer> allowed(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    List<Integer> cpus = parse(line.substring(line.indexOf(':') + 1).strip());
                    if (!cpus.isEmpty()) return cpus;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc is hidden: fall through to what the JVM sees
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) all.add(i);
        return all;
    }

    /** The CPUs of a list such as "0-3,8", in order, each once; empty for text that is not a list. */
    public static List<Integer> parse(String list) {
        TreeSet<Integer> out = new TreeSet<>();
        String t = list.strip().replace(" ", "");
        if (!t.matches("\\d+(-\\d+)?(,\\d+(-\\d+)?)*")) return List.of();
        for (String part : t.split(",")) {
            String[] ends = part.split("-");
            int from = Integer.parseInt(ends[0]);
            int to = ends.length > 1 ? Integer.parseInt(ends[1]) : from;
            for (int c = from; c <= to; c++) out.add(c);
        }
        return List.copyOf(out);
    }

    /** A list of CPUs written as Linux writes it: runs as ranges, "0-3,8". */
    public static String format(List<Integer> cpus) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < cpus.size()) {
            int j = i;
            while (j + 1 < cpus.size() && cpus.get(j + 1) == cpus.get(j) + 1) j++;
            parts.add(j == i ? Integer.toString(cpus.get(i)) : cpus.get(i) + "-" + cpus.get(j));
            i = j + 1;
        }
        return String.join(",", parts);
    }

    /**
     * {@code cpus} in {@code n} disjoint sets of consecutive CPUs, as even as can be (the first ones
     * get one more when they do not divide evenly); the caller makes sure there are at least {@code n}.
     */
    public static List<String> split(List<Integer> cpus, int n) {
        if (n < 1 || cpus.size() < n) throw new IllegalArgumentException(cpus.size() + " CPUs cannot make " + n + " sets");
        List<String> sets = new ArrayList<>();
        int from = 0;
        for (int k = 0; k < n; k++) {
            int size = cpus.size() / n + (k < cpus.size() % n ? 1 : 0);
            sets.add(format(cpus.subList(from, from + size)));
            from += size;
        }
        return sets;
    }
}

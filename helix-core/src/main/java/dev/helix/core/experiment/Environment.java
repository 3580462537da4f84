package dev.helix.core.experiment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a session ran: the machine, its system, and what the run.fingerprint commands printed.
 * Recorded when a session starts (again on each resume), shown to the person and the proposer, and
 * compared with the machine of the day by {@code helix verify} when a result does not reproduce.
 *
 * @param recordedAt when the session (or its resume) started
 * @param memoryBytes 0 when unknown
 * @param gpus one entry per GPU ("NVIDIA H100 80GB HBM3 (81559 MiB)"); empty without nvidia-smi
 * @param gpuDriver the NVIDIA driver's version, or empty
 * @param os the distribution's name, e.g. "Debian GNU/Linux 12 (bookworm)"
 * @param kernel the kernel's release, e.g. "6.8.0-45-generic"
 * @param fingerprints each run.fingerprint command → its output (stripped), in the order given
 * @param sandbox what confined the session's proposers and evaluations ("bubblewrap", "none"); empty
 *                where not recorded (a try, doctor, verify, or a session of an older Helix)
 */
public record Environment(String tag, Instant recordedAt, String cpu, int cores, long memoryBytes, List<String> gpus,
                          String gpuDriver, String os, String kernel, Map<String, String> fingerprints, String sandbox) {

    public Environment {
        gpus = List.copyOf(gpus);
        fingerprints = Collections.unmodifiableMap(new LinkedHashMap<>(fingerprints));
        sandbox = sandbox == null ? "" : sandbox;
    }

    /** A record that says nothing of a sandbox. */
    public Environment(String tag, Instant recordedAt, String cpu, int cores, long memoryBytes, List<String> gpus,
                       String gpuDriver, String os, String kernel, Map<String, String> fingerprints) {
        this(tag, recordedAt, cpu, cores, memoryBytes, gpus, gpuDriver, os, kernel, fingerprints, "");
    }

    /** This record with the sandbox the session settled on. */
    public Environment withSandbox(String confinement) {
        return new Environment(tag, recordedAt, cpu, cores, memoryBytes, gpus, gpuDriver, os, kernel, fingerprints, confinement);
    }

    /** The record as people read it, one aspect a line: CPU, memory, GPUs, system, then each fingerprint. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("CPU: " + (cpu.isEmpty() ? "unknown model" : cpu) + ", " + cores + (cores == 1 ? " core" : " cores"));
        if (memoryBytes > 0) out.add("memory: " + memory());
        out.add(gpus.isEmpty() ? "GPU: none found (no nvidia-smi)" : "GPU: " + gpuText() + (gpuDriver.isEmpty() ? "" : ", driver " + gpuDriver));
        out.add("system: " + (os.isEmpty() ? "unknown" : os) + ", kernel " + (kernel.isEmpty() ? "unknown" : kernel));
        if (!sandbox.isEmpty()) out.add("sandbox: " + sandbox);
        fingerprints.forEach((command, output) -> out.add("$ " + command + ": " + shown(output)));
        return out;
    }

    /**
     * What differs in {@code now} from this record, one line an aspect ("kernel: 6.1.0 -> 6.8.0"),
     * in the order of {@link #lines}; empty when nothing does. A fingerprint command that only one of
     * them ran is named as such.
     */
    public List<String> differences(Environment now) {
        List<String> out = new ArrayList<>();
        differ(out, "CPU", cpu, now.cpu);
        differ(out, "cores", Integer.toString(cores), Integer.toString(now.cores));
        if (memoryBytes > 0 && now.memoryBytes > 0) differ(out, "memory", memory(), now.memory());
        differ(out, "GPU", gpus.isEmpty() ? "none" : gpuText(), now.gpus.isEmpty() ? "none" : now.gpuText());
        differ(out, "GPU driver", gpuDriver, now.gpuDriver);
        differ(out, "system", os, now.os);
        differ(out, "kernel", kernel, now.kernel);
        Set<String> commands = new LinkedHashSet<>(fingerprints.keySet());
        commands.addAll(now.fingerprints.keySet());
        for (String c : commands) {
            String was = fingerprints.get(c);
            String is = now.fingerprints.get(c);
            if (was == null) out.add("$ " + c + ": not recorded then (now " + shown(is) + ")");
            else if (is == null) out.add("$ " + c + ": not run now (was " + shown(was) + ")");
            else differ(out, "$ " + c, was, is);
        }
        return out;
    }

    /**
     * The record in force when an experiment of {@code tag} started at {@code when}: the latest one
     * of the tag recorded by then, else its first; empty when the tag has none (an older session).
     */
    public static Optional<Environment> at(List<Environment> records, String tag, Instant when) {
        Optional<Environment> in = Optional.empty();
        for (Environment e : records) {
            if (!e.tag.equals(tag)) continue;
            if (in.isEmpty() || !e.recordedAt.isAfter(when)) in = Optional.of(e);
            if (e.recordedAt.isAfter(when)) break;
        }
        return in;
    }

    private static void differ(List<String> out, String what, String was, String is) {
        if (was.equals(is)) return;
        String a = shown(was);
        String b = shown(is);
        out.add(what + ": " + (a.equals(b) ? changedLine(was, is) : a + " -> " + b));
    }

    /** The first line at which two outputs with the same first line part, as "line N: was -> is". */
    private static String changedLine(String was, String is) {
        String[] a = was.split("\\R");
        String[] b = is.split("\\R");
        int i = 0;
        while (i < a.length && i < b.length && a[i].equals(b[i])) i++;
        String from = i < a.length ? shown(a[i]) : "(no line)";
        String to = i < b.length ? shown(b[i]) : "(no line)";
        return "line " + (i + 1) + ": " + from + " -> " + to;
    }

    /** A value in a line: its first line, shortened; "(nothing)" for an empty one; "(n lines)" told for more. */
    private static String shown(String value) {
        if (value.isEmpty()) return "(nothing)";
        String[] lines = value.split("\\R");
        String first = lines[0].length() > 80 ? lines[0].substring(0, 77) + "..." : lines[0];
        return lines.length > 1 ? first + " (+" + (lines.length - 1) + " more lines)" : first;
    }

    private String memory() {
        return String.format(Locale.ROOT, "%.1f GiB", memoryBytes / (1024.0 * 1024 * 1024));
    }

    private String gpuText() {
        Map<String, Integer> counted = new LinkedHashMap<>();
        gpus.forEach(g -> counted.merge(g, 1, Integer::sum));
        List<String> names = new ArrayList<>();
        counted.forEach((g, n) -> names.add((n > 1 ? n + "x " : "") + g));
        return String.join(", ", names);
    }
}

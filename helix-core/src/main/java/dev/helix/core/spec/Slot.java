package dev.helix.core.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where one evaluation runs at a time: a set of GPUs (the evaluation sees them as
 * CUDA_VISIBLE_DEVICES), a set of CPUs (the evaluation is pinned to them), or neither.
 *
 * <p>Written in run.slots as {@code 0} or {@code "0,1"} or {@code "gpu:0,1"} for GPUs and
 * {@code "cpu:0-3"} or {@code "cpu:0,2,4"} for CPUs (Linux CPU list syntax).
 *
 * @param index 1, 2, ... in the order of run.slots (HELIX_SLOT)
 * @param gpus the GPU ids, as CUDA_VISIBLE_DEVICES takes them
 * @param cpus the CPU list, as taskset -c takes it
 */
public record Slot(int index, Optional<String> gpus, Optional<String> cpus) {
    private static final Pattern GPUS = Pattern.compile("\\d+(,\\d+)*");
    private static final Pattern CPUS = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    /** How it reads in a status line: "gpu 0,1", "cpu 0-3" or "slot 2". */
    public String label() {
        return gpus.map(g -> "gpu " + g).or(() -> cpus.map(c -> "cpu " + c)).orElse("slot " + index);
    }

    /** One entry of run.slots; empty when it is not a slot (the reader reports it). */
    public static Optional<Slot> parse(int index, String text) {
        String t = text.strip().replace(" ", "");
        if (t.startsWith("cpu:")) {
            String list = t.substring(4);
            return CPUS.matcher(list).matches() ? Optional.of(new Slot(index, Optional.empty(), Optional.of(list))) : Optional.empty();
        }
        String ids = t.startsWith("gpu:") ? t.substring(4) : t;
        return GPUS.matcher(ids).matches() ? Optional.of(new Slot(index, Optional.of(ids), Optional.empty())) : Optional.empty();
    }

    /** The slots of a run: those of run.slots, or one plain slot per worker when it lists none. */
    public static List<Slot> of(Spec.RunSpec run) {
        List<Slot> slots = new ArrayList<>();
        for (String s : run.slots()) {
            slots.add(parse(slots.size() + 1, s).orElseThrow(() -> new IllegalArgumentException("run.slots: '" + s + "' is not a slot")));
        }
        if (slots.isEmpty()) {
            for (int i = 1; i <= run.workers(); i++) slots.add(new Slot(i, Optional.empty(), Optional.empty()));
        }
        return List.copyOf(slots);
    }
}

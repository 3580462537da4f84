package dev.helix.core.spec;

import dev.helix.core.spec.Spec.RunSpec;
import dev.helix.core.spec.Spec.SlurmSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The rules of helix.yaml's run section: how many experiments run at once, where, and on which slots. */
final class RunRules {

    /** Slurm's memory sizes: a whole number with an optional unit (megabytes without one). */
    private static final Pattern SLURM_MEM = Pattern.compile("[0-9]+[KMGTkmgt]?");

    private final TypedTree t;
    private final KnownNames known;

    RunRules(TypedTree t, KnownNames known) {
        this.t = t;
        this.known = known;
    }

    RunSpec run(Map<String, Object> m) {
        Map<String, Object> s = m == null ? Map.of() : m;
        t.checkKeys(s, "run", "run");
        int workers = t.whole(s.get("workers"), "run.workers", 1, 1);
        String executor = t.choice(s.get("executor"), "run.executor", "executor", known.executors(), "local",
                "use " + String.join(" or ", known.executors()));
        List<String> slots = Optional.ofNullable(t.texts(s.get("slots"), "run.slots")).orElse(List.of());
        for (int i = 0; i < slots.size(); i++) {
            if (Slot.parse(i + 1, slots.get(i)).isEmpty()) {
                t.problem("run.slots", "'" + slots.get(i) + "' is not a slot",
                        "list GPU ids (0, \"0,1\" or \"gpu:0,1\": the evaluation gets CUDA_VISIBLE_DEVICES) "
                                + "or CPU sets (\"cpu:0-3\": the evaluation is pinned to them)");
            }
        }
        Spec.OnStale onStale = Spec.OnStale.valueOf(t.choice(s.get("on_stale"), "run.on_stale", "value", List.of("rebase", "discard"),
                "rebase", "use rebase (re-apply the change on the new best and evaluate it again) or discard").toUpperCase(Locale.ROOT));
        List<String> directions = Optional.ofNullable(t.texts(s.get("directions"), "run.directions")).orElse(List.of());
        for (String d : directions) {
            if (d.isBlank()) t.problem("run.directions", "has an empty entry", "write a section title of program.md or a line of text");
        }
        List<String> secrets = Optional.ofNullable(t.texts(s.get("secrets"), "run.secrets")).orElse(List.of());
        for (String name : secrets) {
            if (!name.strip().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                t.problem("run.secrets", "'" + name + "' is not an environment variable's name",
                        "name the variables whose values must never be written, e.g. [WANDB_API_KEY, HF_TOKEN]");
            }
        }
        Optional<String> tag = Optional.ofNullable(t.text(s.get("tag"), "run.tag")).map(String::strip).filter(v -> !v.isEmpty());
        tag.filter(v -> !v.matches("[A-Za-z0-9][A-Za-z0-9._-]*")).ifPresent(v -> t.problem("run.tag",
                "'" + v + "' cannot name a branch helix/<tag>", "use letters, digits, '.', '_' and '-', e.g. `tag: mar26`"));
        Isolation isolation = Isolation.valueOf(t.choice(s.get("isolation"), "run.isolation", "value",
                List.of("auto", "exclusive", "cpus", "none"), "auto",
                "use exclusive (one evaluation at a time), cpus (each worker pinned to its own CPUs), none, or auto")
                .toUpperCase(Locale.ROOT));
        SandboxMode sandbox = SandboxMode.valueOf(t.choice(s.get("sandbox"), "run.sandbox", "value",
                List.of("auto", "bwrap", "none"), "auto",
                "use auto (bubblewrap where it works here), bwrap (bubblewrap, or the session does not start) or none")
                .toUpperCase(Locale.ROOT));
        List<String> fingerprint = Optional.ofNullable(t.texts(s.get("fingerprint"), "run.fingerprint")).orElse(List.of());
        for (String c : fingerprint) {
            if (c.isBlank()) t.problem("run.fingerprint", "has an empty entry", "write a shell command, e.g. `python --version`");
        }
        return new RunSpec(workers, executor, slots, slurm(t.map(s.get("slurm"), "run.slurm")), onStale,
                directions.stream().map(String::strip).toList(), secrets.stream().map(String::strip).toList(), tag,
                t.whole(s.get("max_failures"), "run.max_failures", RunSpec.MAX_FAILURES, 1),
                t.whole(s.get("max_outage_seconds"), "run.max_outage_seconds", RunSpec.MAX_OUTAGE_SECONDS, 1),
                isolation, fingerprint.stream().map(String::strip).toList(), sandbox);
    }

    private SlurmSpec slurm(Map<String, Object> m) {
        if (m == null) return SlurmSpec.DEFAULT;
        t.checkKeys(m, "run.slurm", "run.slurm");
        Optional<String> partition = nonBlank(m, "partition", "e.g. `partition: gpu` (sinfo lists them), or remove it");
        int cpus = t.whole(m.get("cpus"), "run.slurm.cpus", 0, 1);
        Optional<String> mem = nonBlank(m, "mem", "e.g. `mem: 16G`");
        if (mem.isPresent() && !SLURM_MEM.matcher(mem.get()).matches()) {
            t.problem("run.slurm.mem", "'" + mem.get() + "' is not a Slurm memory size",
                    "write a whole number with an optional unit K, M, G or T, e.g. `mem: 16G` or `mem: 4000` (megabytes)");
            mem = Optional.empty();
        }
        Optional<String> gres = nonBlank(m, "gres", "e.g. `gres: gpu:1`, quoted if you like");
        List<String> extra = m.get("extra_args") == null ? List.of() : t.texts(m.get("extra_args"), "run.slurm.extra_args");
        return new SlurmSpec(partition, cpus, mem, gres, extra == null ? List.of() : extra);
    }

    private Optional<String> nonBlank(Map<String, Object> m, String key, String fix) {
        String at = "run.slurm." + key;
        String text = t.text(m.get(key), at);
        if (text == null) return Optional.empty();
        if (text.isBlank()) {
            t.problem(at, "must not be empty", fix);
            return Optional.empty();
        }
        return Optional.of(text.strip());
    }
}

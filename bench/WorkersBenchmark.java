import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The parallel-workers throughput benchmark of issue 6, run by {@code ./bench/workers}.
 *
 * <p>Each measurement is one real {@code helix run --workers W --max-experiments K*W} session (the
 * ./helix launcher, a JVM of its own) in a fresh git repository in a temp dir. The evaluation
 * prints its own start and end time around a fixed {@code sleep} and a constant metric, so every
 * experiment is a discard (no keep moves the best, no candidate goes stale, nothing is
 * re-evaluated) and each experiment's time splits into: before the evaluation process starts
 * (propose, scope guard, git commit, refs, diff stat), the evaluation itself, after it (metric,
 * judge, ledger append) and the gap before the worker's next experiment (reset to the best).
 *
 * <p>Throughput is measured from the ledger: experiments after the baseline / (last finished_at -
 * first started_at of those records), so JVM start, worktree creation, the baseline and the final
 * ledger commit are not in it (the session's whole wall time is reported next to it).
 */
public class WorkersBenchmark {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern STAMP = Pattern.compile("^(start|end): ([0-9]+\\.[0-9]+)\\s*$", Pattern.MULTILINE);

    // ---- options
    double sleep = 2;
    double slurmSleep = 5;
    int repeats = 3;
    List<Integer> workers = List.of(1, 2, 4, 8, 16);
    List<Integer> slurmWorkers = List.of(1, 2);
    int perWorker = 12;
    int slurmPerWorker = 4;
    String proposer = "tune";
    boolean slurm = true;
    boolean traceGit = true;
    Path out = Path.of("docs/workers-benchmark.md");
    boolean keep = false;

    final Path home = Path.of("").toAbsolutePath();
    final Path helix = home.resolve("helix");
    Path scratch;
    Map<String, String> slurmEnv = new HashMap<>();
    String slurmNote = "";

    /** One measured session. */
    record Session(String executor, int workers, double sleep, int repeat, int experiments, int discards,
                   double windowSeconds, double wallSeconds, double perHour, List<Double> pre, List<Double> eval,
                   List<Double> post, List<Double> gap, List<Double> propose, double load, int foreignJobsMax,
                   double cpuSeconds, Path repo) {
        /** Helix's own seconds per experiment and worker: before + after the evaluation + the gap to the next. */
        List<Double> own() {
            List<Double> all = new ArrayList<>();
            for (int i = 0; i < pre.size(); i++) all.add(pre.get(i) + post.get(i));
            return all;
        }
    }

    public static void main(String[] args) throws Exception {
        WorkersBenchmark b = new WorkersBenchmark();
        b.parse(args);
        b.run();
    }

    void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--sleep" -> sleep = Double.parseDouble(args[++i]);
                case "--slurm-sleep" -> slurmSleep = Double.parseDouble(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--workers" -> workers = ints(args[++i]);
                case "--slurm-workers" -> slurmWorkers = ints(args[++i]);
                case "--per-worker" -> perWorker = Integer.parseInt(args[++i]);
                case "--slurm-per-worker" -> slurmPerWorker = Integer.parseInt(args[++i]);
                case "--proposer" -> proposer = args[++i];
                case "--no-slurm" -> slurm = false;
                case "--no-git-trace" -> traceGit = false;
                case "--out" -> out = Path.of(args[++i]);
                case "--keep" -> keep = true;
                case "-h", "--help" -> {
                    System.out.println("""
                            usage: bench/workers [options]
                              --sleep S             local evaluation: sleep S seconds (default 2)
                              --workers 1,2,4,8,16  local worker counts (default 1,2,4,8,16)
                              --per-worker K        experiments per worker in each session (default 12)
                              --repeats N           sessions per setting; the median is reported (default 3)
                              --proposer tune|command
                                                    instant proposer: the built-in tuner (in-process, default) or
                                                    agent.backend: command with a shell script (one process per proposal)
                              --slurm-sleep S       Slurm evaluation: sleep S seconds (default 5)
                              --slurm-workers 1,2   Slurm worker counts (default 1,2)
                              --slurm-per-worker K  experiments per worker on Slurm (default 4)
                              --no-slurm            skip the Slurm rows
                              --no-git-trace        skip the profiling pass that counts git calls per experiment
                              --out FILE            where the report goes (default docs/workers-benchmark.md)
                              --keep                keep the temp repositories (their ledgers and logs)""");
                    System.exit(0);
                }
                default -> {
                    System.err.println("bench/workers: unknown option " + a + " (see --help)");
                    System.exit(2);
                }
            }
        }
        if (!proposer.equals("tune") && !proposer.equals("command")) {
            System.err.println("bench/workers: --proposer is tune or command, not " + proposer);
            System.exit(2);
        }
    }

    static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).map(Integer::parseInt).toList();
    }

    void run() throws Exception {
        long t0 = System.nanoTime();
        scratch = Files.createTempDirectory("helix-bench-workers-");
        String started = Instant.now().toString();
        List<Session> local = new ArrayList<>();
        List<Session> onSlurm = new ArrayList<>();
        Map<String, String> gitTrace = new LinkedHashMap<>();
        try {
            if (slurm) slurmEnv = slurmUp();
            // Side by side: every repeat runs every setting once, so drift in the machine's load hits all alike.
            for (int r = 1; r <= repeats; r++) {
                for (int w : workers) local.add(measure("local", w, sleep, perWorker, r, Map.of()));
                if (slurm && !slurmEnv.isEmpty()) {
                    // The one-worker reference for Slurm's ratio without Slurm: the same evaluation on the local executor.
                    local.add(measure("local", 1, slurmSleep, slurmPerWorker, r, Map.of()));
                    for (int w : slurmWorkers) {
                        Session s = measureSlurm(w, r);
                        if (s != null) onSlurm.add(s);
                    }
                }
            }
            if (traceGit) {
                for (int w : List.of(1, workers.get(workers.size() - 1))) {
                    gitTrace.put("W = " + w, profileGit(w));
                }
            }
        } finally {
            if (!keep) deleteTree(scratch);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String report = report(started, local, onSlurm, gitTrace, seconds);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.println(report);
        System.err.println("bench/workers: wrote " + out + (keep ? "; repositories kept in " + scratch : ""));
    }

    // ---- one session

    Session measure(String executor, int w, double sleepSeconds, int per, int repeat, Map<String, String> env) throws Exception {
        Path repo = scratch.resolve(executor + "-w" + w + "-s" + fmt0(sleepSeconds) + "-r" + repeat);
        makeRepo(repo, sleepSeconds, executor);
        String tag = "w" + w;
        List<String> cmd = List.of(helix.toString(), "run", "--workers", Integer.toString(w), "--max-experiments",
                Integer.toString(per * w), "--tag", tag, "--executor", executor);
        System.err.printf(Locale.ROOT, "bench/workers: %s W=%d sleep=%ss repeat %d: %d experiments...%n",
                executor, w, fmt0(sleepSeconds), repeat, per * w);
        double load = loadAverage();
        ForeignJobs foreign = executor.equals("slurm") ? new ForeignJobs(repo, env) : null;
        if (foreign != null) foreign.start();
        double cpuBefore = childrenCpuSeconds();
        long start = System.nanoTime();
        int code;
        try {
            code = exec(repo, cmd, env, repo.resolve("helix-run.out"), Duration.ofMinutes(20));
        } finally {
            if (foreign != null) foreign.stop();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double cpu = childrenCpuSeconds() - cpuBefore;
        if (code != 0) {
            throw new IllegalStateException("helix run exited " + code + " in " + repo + ":\n"
                    + tail(Files.readString(repo.resolve("helix-run.out")), 30));
        }
        Session s = analyse(executor, w, sleepSeconds, repeat, repo, tag, wall, load, foreign == null ? 0 : foreign.max.get(), cpu);
        System.err.printf(Locale.ROOT, "  %d experiments in %.1f s of ledger time (%.0f per hour), %d discards; session wall %.1f s%n",
                s.experiments(), s.windowSeconds(), s.perHour(), s.discards(), wall);
        return s;
    }

    /** A Slurm session; when the cluster went away it is brought up again and the session retried once. */
    Session measureSlurm(int w, int repeat) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return measure("slurm", w, slurmSleep, slurmPerWorker, repeat, slurmEnv);
            } catch (IllegalStateException e) {
                System.err.println("bench/workers: the Slurm session failed: " + e.getMessage());
                if (attempt == 2) {
                    slurmNote += "W = " + w + " repeat " + repeat + " failed twice (" + firstLine(e.getMessage()) + "). ";
                    return null;
                }
                Map<String, String> again = slurmUp();
                if (again.isEmpty()) return null;
                slurmEnv = again;
                deleteTree(scratch.resolve("slurm-w" + w + "-s" + fmt0(slurmSleep) + "-r" + repeat));
            }
        }
    }

    void makeRepo(Path repo, double sleepSeconds, String executor) throws Exception {
        Files.createDirectories(repo);
        git(repo, "init", "-q", "-b", "main");
        git(repo, "config", "user.name", "Bench");
        git(repo, "config", "user.email", "bench@example.invalid");
        git(repo, "config", "commit.gpgsign", "false");
        Files.writeString(repo.resolve("params.txt"), "x = 4.0\n");
        Files.writeString(repo.resolve(".gitignore"), ".helix/\nhelix-run.out\ngit-trace.log\n");
        String agent = proposer.equals("tune") ? "  backend: tune\n" : "  backend: command\n  command: sh propose.sh\n";
        if (proposer.equals("command")) {
            // One process per proposal: a new x on the same line (the line count never changes).
            Files.writeString(repo.resolve("propose.sh"), """
                    #!/bin/sh
                    cat >/dev/null
                    x=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
                    printf 'x = %s\\n' "$x" > params.txt
                    printf '{"description": "x=%s"}\\n' "$x"
                    """);
        }
        String slurmOptions = executor.equals("slurm") ? "run:\n  slurm: {cpus: 1, mem: 64M}\n" : "";
        Files.writeString(repo.resolve("helix.yaml"), """
                name: workers-benchmark
                domain: benchmark
                description: A fixed-length sleep as the evaluation and a constant metric; measures Helix's own cost per experiment.
                scope:
                  editable: [params.txt]
                metrics:
                  primary: {name: score, optimize: maximize}
                evaluate:
                  command: 'echo "start: $(date +%%s.%%N)"; sleep %s; echo "end: $(date +%%s.%%N)"; echo "score: 1"'
                  timeout_seconds: %d
                agent:
                %ssearch:
                  seed: 1
                  parameters:
                    x: {file: params.txt, pattern: 'x = ([-0-9.eE+]+)', type: float, range: [0.001, 1000], log: true}
                %s""".formatted(fmt0(sleepSeconds), (int) Math.ceil(sleepSeconds) + 120, agent, slurmOptions));
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "the benchmark project");
    }

    Session analyse(String executor, int w, double sleepSeconds, int repeat, Path repo, String tag, double wall, double load,
                    int foreignMax, double cpu) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(repo.resolve(".helix/experiments.jsonl"))) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            if (n.path("tag").asText().equals(tag) && n.path("run").asInt() >= 1) rows.add(n);
        }
        int discards = (int) rows.stream().filter(n -> n.path("status").asText().equals("discard")).count();
        double first = rows.stream().mapToDouble(n -> instant(n, "started_at")).min().orElse(0);
        double last = rows.stream().mapToDouble(n -> instant(n, "finished_at")).max().orElse(0);
        List<Double> pre = new ArrayList<>(), eval = new ArrayList<>(), post = new ArrayList<>(), propose = new ArrayList<>();
        for (JsonNode n : rows) {
            double s = instant(n, "started_at"), f = instant(n, "finished_at");
            String log = Files.readString(repo.resolve(n.path("log").asText()));
            Map<String, Double> stamps = new HashMap<>();
            Matcher m = STAMP.matcher(log);
            while (m.find()) stamps.put(m.group(1), Double.parseDouble(m.group(2)));
            double es = stamps.getOrDefault("start", Double.NaN), ee = stamps.getOrDefault("end", Double.NaN);
            pre.add(es - s);
            eval.add(ee - es);
            post.add(f - ee);
            propose.add(n.path("agent").path("seconds").asDouble(Double.NaN));
        }
        // The gap: a worker's next experiment starts this long after its previous one was recorded.
        List<Double> gap = new ArrayList<>();
        Map<Integer, List<JsonNode>> byWorker = rows.stream().collect(Collectors.groupingBy(n -> n.path("worker").asInt()));
        for (List<JsonNode> mine : byWorker.values()) {
            mine.sort(Comparator.comparingDouble(n -> instant(n, "started_at")));
            for (int i = 1; i < mine.size(); i++) gap.add(instant(mine.get(i), "started_at") - instant(mine.get(i - 1), "finished_at"));
        }
        double window = last - first;
        return new Session(executor, w, sleepSeconds, repeat, rows.size(), discards, window, wall,
                rows.size() / window * 3600, pre, eval, post, gap, propose, load, foreignMax, cpu, repo);
    }

    static double instant(JsonNode n, String field) {
        Instant i = Instant.parse(n.path(field).asText());
        return i.getEpochSecond() + i.getNano() / 1e9;
    }

    // ---- where the time goes: every git call of one session, through a logging shim on PATH

    String profileGit(int w) throws Exception {
        Path repo = scratch.resolve("git-trace-w" + w);
        makeRepo(repo, sleep, "local");
        Path shim = scratch.resolve("git-shim");
        Files.createDirectories(shim);
        String realGit = which("git");
        Path log = repo.resolve("git-trace.log");
        Files.writeString(shim.resolve("git"), """
                #!/bin/sh
                s=$(date +%%s%%N)
                "%s" "$@"
                rc=$?
                echo "$s $(date +%%s%%N) $*" >> "%s"
                exit $rc
                """.formatted(realGit, log));
        shim.resolve("git").toFile().setExecutable(true);
        int per = perWorker;
        System.err.printf(Locale.ROOT, "bench/workers: git trace, W=%d, %d experiments...%n", w, per * w);
        int code = exec(repo, List.of(helix.toString(), "run", "--workers", Integer.toString(w), "--max-experiments",
                Integer.toString(per * w), "--tag", "trace"), Map.of("PATH", shim + ":" + System.getenv("PATH")),
                repo.resolve("helix-run.out"), Duration.ofMinutes(20));
        if (code != 0) return "the traced session failed (exit " + code + ")";
        // Only the calls made while experiments ran (between the first experiment's start and the last one's end).
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(repo.resolve(".helix/experiments.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (n.path("run").asInt() >= 1) rows.add(n);
        }
        double first = rows.stream().mapToDouble(n -> instant(n, "started_at")).min().orElse(0);
        double last = rows.stream().mapToDouble(n -> instant(n, "finished_at")).max().orElse(0);
        Map<String, double[]> bySub = new TreeMap<>();
        int calls = 0;
        double total = 0;
        for (String line : Files.readAllLines(log)) {
            String[] p = line.split(" ", 3);
            if (p.length < 3) continue;
            double s = Long.parseLong(p[0]) / 1e9, e = Long.parseLong(p[1]) / 1e9;
            if (s < first || e > last) continue;
            String args = p[2];
            String sub = subcommand(args);
            double[] acc = bySub.computeIfAbsent(sub, k -> new double[2]);
            acc[0]++;
            acc[1] += e - s;
            calls++;
            total += e - s;
        }
        int n = rows.size();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d experiments, %d git calls while they ran: **%.1f calls and %.2f s of git per experiment**"
                + " (each call's wall time, as seen through the shim, which adds two `date` processes).%n%n", n, calls,
                (double) calls / n, total / n));
        sb.append("| git command | calls per experiment | mean ms per call | s per experiment |\n|---|---|---|---|\n");
        bySub.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1])).forEach(e ->
                sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.0f | %.3f |%n", e.getKey(), e.getValue()[0] / n,
                        e.getValue()[1] / e.getValue()[0] * 1000, e.getValue()[1] / n)));
        return sb.toString();
    }

    /** "git -C dir -c a=b commit -q ..." -> "commit". */
    static String subcommand(String args) {
        String[] t = args.split(" ");
        for (int i = 0; i < t.length; i++) {
            if (t[i].equals("-C") || t[i].equals("-c")) { i++; continue; }
            if (t[i].startsWith("-")) continue;
            return t[i];
        }
        return "?";
    }

    // ---- Slurm

    /** scripts/slurm-up's environment (it brings the cluster up only when it does not answer); empty if it fails. */
    Map<String, String> slurmUp() throws Exception {
        // A cluster that answers is used as it is: slurm-up is only for one that is gone (it starts afresh,
        // stopping whatever is left in its directory, and others may be using the cluster).
        String conf = slurmEnv.getOrDefault("SLURM_CONF", System.getenv("SLURM_CONF"));
        if (conf != null && answers(conf)) return Map.of("SLURM_CONF", conf);
        Path outFile = scratch.resolve("slurm-up.out");
        int code = exec(home, List.of("bash", "-c", "scripts/slurm-up 2>" + scratch.resolve("slurm-up.err")), Map.of(), outFile,
                Duration.ofMinutes(5));
        String text = Files.readString(outFile);
        Matcher m = Pattern.compile("export SLURM_CONF=(\\S+)").matcher(text);
        if (code != 0 || !m.find()) {
            slurmNote += "scripts/slurm-up failed (exit " + code + "): "
                    + tail(Files.readString(scratch.resolve("slurm-up.err")), 3).replace('\n', ' ') + ". ";
            return Map.of();
        }
        return Map.of("SLURM_CONF", m.group(1));
    }

    boolean answers(String conf) {
        try {
            Path o = scratch.resolve("ping.out");
            return exec(scratch, List.of("scontrol", "ping"), Map.of("SLURM_CONF", conf), o, Duration.ofSeconds(10)) == 0
                    && Files.readString(o).contains("UP");
        } catch (Exception e) {
            return false;
        }
    }

    /** Counts, once a second, the cluster's jobs that are not this session's (others share the cluster). */
    final class ForeignJobs {
        final Path repo;
        final Map<String, String> env;
        final AtomicInteger max = new AtomicInteger();
        volatile boolean stop;
        Thread thread;

        ForeignJobs(Path repo, Map<String, String> env) {
            this.repo = repo;
            this.env = env;
        }

        void start() {
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (!stop) {
                    try {
                        Path o = Files.createTempFile(scratch, "squeue", ".out");
                        if (exec(scratch, List.of("squeue", "-h", "-o", "%Z"), env, o, Duration.ofSeconds(10)) == 0) {
                            int n = (int) Files.readAllLines(o).stream().filter(l -> !l.isBlank() && !l.startsWith(repo.toString())).count();
                            max.accumulateAndGet(n, Math::max);
                        }
                        Files.deleteIfExists(o);
                        Thread.sleep(1000);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            stop = true;
            thread.join(15000);
        }
    }

    // ---- the report

    String report(String started, List<Session> local, List<Session> onSlurm, Map<String, String> gitTrace, double seconds) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("# Parallel workers: throughput benchmark\n\n");
        md.append("Generated by `./bench/workers");
        md.append(String.format(Locale.ROOT, " --sleep %s --per-worker %d --repeats %d --proposer %s", fmt0(sleep), perWorker, repeats, proposer));
        if (slurm) md.append(String.format(Locale.ROOT, " --slurm-sleep %s --slurm-per-worker %d", fmt0(slurmSleep), slurmPerWorker));
        md.append("` (bench/WorkersBenchmark.java), started ").append(started).append(", took ")
                .append(String.format(Locale.ROOT, "%.0f s", seconds)).append(".\n\n");
        md.append("Machine: `").append(uname()).append("`, ").append(Runtime.getRuntime().availableProcessors())
                .append(" processors, Java ").append(System.getProperty("java.version")).append(" (")
                .append(System.getProperty("java.vm.name")).append("), git ").append(gitVersion())
                .append(". The machine is shared: the 1-minute load average when each session started is in the last column.\n\n");

        md.append(METHOD.formatted(fmt0(sleep), perWorker, repeats, proposerText()));

        md.append("## Local executor, ").append(fmt0(sleep)).append("-second evaluations\n\n");
        md.append(TABLE_HEAD);
        double oneRate = medianRate(local, "local", 1, sleep);
        for (int w : workers) md.append(row(local, "local", w, sleep, oneRate));
        md.append('\n');
        md.append(cpuFit(local.stream().filter(x -> x.sleep() == sleep).toList()));
        double localOne16 = medianRate(local, "local", workers.get(workers.size() - 1), sleep) / (workers.get(workers.size() - 1) * oneRate);
        md.append(String.format(Locale.ROOT, "Target (issue 6): efficiency >= 0.9 at W = %d: **%s** (%.2f).%n%n",
                workers.get(workers.size() - 1), localOne16 >= 0.9 ? "met" : "missed", localOne16));

        if (slurm) {
            md.append("## Slurm executor, ").append(fmt0(slurmSleep)).append("-second evaluations\n\n");
            if (onSlurm.isEmpty()) {
                md.append("Not measured: ").append(slurmNote).append("\n\n");
            } else {
                md.append(SLURM_TEXT.formatted(fmt0(slurmSleep), slurmPerWorker));
                md.append(TABLE_HEAD);
                double localOne = medianRate(local, "local", 1, slurmSleep);
                double slurmOne = medianRate(onSlurm, "slurm", 1, slurmSleep);
                md.append(row(local, "local", 1, slurmSleep, localOne));
                for (int w : slurmWorkers) md.append(row(onSlurm, "slurm", w, slurmSleep, slurmOne));
                md.append('\n');
                int wMax = slurmWorkers.get(slurmWorkers.size() - 1);
                double vsSlurm = medianRate(onSlurm, "slurm", wMax, slurmSleep) / (wMax * slurmOne);
                double vsLocal = medianRate(onSlurm, "slurm", wMax, slurmSleep) / (wMax * localOne);
                md.append(String.format(Locale.ROOT, "Target (issue 6): efficiency >= 0.8 on Slurm at W = %d: **%s** "
                        + "(%.2f against Slurm's one-worker rate; %.2f against the local executor's one-worker rate, "
                        + "which also charges Slurm's own cost per job).%n%n", wMax, vsSlurm >= 0.8 ? "met" : "missed", vsSlurm, vsLocal));
                int foreign = onSlurm.stream().mapToInt(Session::foreignJobsMax).max().orElse(0);
                md.append(foreign == 0 ? "No other jobs were seen on the cluster during the Slurm sessions (squeue once a second).\n\n"
                        : "Other users' jobs were on the cluster during the Slurm sessions (up to " + foreign
                        + " at once, squeue once a second): they share the two nodes.\n\n");
                if (!slurmNote.isEmpty()) md.append("Notes: ").append(slurmNote).append("\n\n");
            }
        }

        md.append("## Every session\n\n| executor | W | sleep | repeat | experiments | discards | ledger window s | session wall s | per hour | session CPU s | load |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<Session> all = new ArrayList<>(local);
        all.addAll(onSlurm);
        for (Session s : all) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s s | %d | %d | %d | %.1f | %.1f | %.0f | %.1f | %.2f |%n", s.executor(), s.workers(),
                    fmt0(s.sleep()), s.repeat(), s.experiments(), s.discards(), s.windowSeconds(), s.wallSeconds(), s.perHour(),
                    s.cpuSeconds(), s.load()));
        }
        md.append('\n');

        if (!gitTrace.isEmpty()) {
            md.append("## Git calls per experiment (profiling pass)\n\n");
            md.append("One more session per setting with a logging `git` shim first on PATH (its own numbers are not in the tables above; "
                    + "the shim's two extra processes per call make every call slower).\n\n");
            gitTrace.forEach((k, v) -> md.append("### ").append(k).append("\n\n").append(v).append('\n'));
        }
        // The analysis below the generated part is written by people: a new run keeps it (and it names the run it discusses).
        if (Files.isRegularFile(out)) {
            String old = Files.readString(out);
            int at = old.indexOf(LIMITS_MARKER);
            if (at >= 0) md.append(old.substring(at));
        }
        return md.toString();
    }

    /** CPU per experiment: a least-squares line through (experiments, session CPU seconds) of the local sessions. */
    String cpuFit(List<Session> sessions) {
        List<Session> ok = sessions.stream().filter(x -> Double.isFinite(x.cpuSeconds())).toList();
        if (ok.size() < 3) return "";
        double n = ok.size(), sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (Session x : ok) {
            sx += x.experiments();
            sy += x.cpuSeconds();
            sxx += (double) x.experiments() * x.experiments();
            sxy += x.experiments() * x.cpuSeconds();
        }
        double b = (n * sxy - sx * sy) / (n * sxx - sx * sx), a = (sy - b * sx) / n;
        int cores = Runtime.getRuntime().availableProcessors();
        return String.format(Locale.ROOT, "CPU (user + system, the session's JVM and every process it started, from /proc/self/stat "
                + "cutime + cstime around each session): a line through the local sessions gives **%.2f CPU s per experiment** "
                + "plus %.1f CPU s per session (JVM start, worktrees, baseline, ledger commit). On %d cores that alone caps the "
                + "rate at about %.0f experiments per hour (%d x 3600 / %.2f), if Helix had the machine to itself.%n%n",
                b, a, cores, cores * 3600 / b, cores, b);
    }

    String proposerText() {
        return proposer.equals("tune")
                ? "the built-in tuner (`agent.backend: tune`): it runs inside Helix's JVM and rewrites one number in "
                  + "`params.txt` in well under a millisecond of work, so nothing but Helix's own per-experiment cost "
                  + "(git, processes, ledger, locks) stands between two evaluations; a `command` proposer would add a "
                  + "process start per experiment that belongs to the proposer, not to Helix (`--proposer command` measures that)"
                : "`agent.backend: command` with a shell script that writes a random x into `params.txt` "
                  + "(one `sh` process, plus `od`, per proposal)";
    }

    static final String TABLE_HEAD = "| executor | W | experiments per hour (median) | efficiency | of ideal | cycle per worker s | "
            + "before eval s | eval s | after eval s | gap s | sessions (per hour) |\n|---|---|---|---|---|---|---|---|---|---|---|\n";

    String row(List<Session> sessions, String executor, int w, double sleepSeconds, double oneRate) {
        List<Session> mine = sessions.stream().filter(s -> s.executor().equals(executor) && s.workers() == w && s.sleep() == sleepSeconds).toList();
        if (mine.isEmpty()) return "| " + executor + " | " + w + " | not measured | | | | | | | | |\n";
        double rate = median(mine.stream().map(Session::perHour).toList());
        double ideal = w * 3600 / sleepSeconds;
        List<Double> pre = pooled(mine, Session::pre), eval = pooled(mine, Session::eval), post = pooled(mine, Session::post),
                gap = pooled(mine, Session::gap);
        return String.format(Locale.ROOT, "| %s | %d | %.0f | %.2f | %.2f | %.2f | %.3f | %.3f | %.3f | %s | %s |%n", executor, w, rate,
                rate / (w * oneRate), rate / ideal, w * 3600 / rate, median(pre), median(eval), median(post),
                gap.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f", median(gap)),
                mine.stream().map(s -> String.format(Locale.ROOT, "%.0f", s.perHour())).collect(Collectors.joining(", ")));
    }

    static List<Double> pooled(List<Session> sessions, java.util.function.Function<Session, List<Double>> f) {
        return sessions.stream().flatMap(s -> f.apply(s).stream()).filter(Double::isFinite).toList();
    }

    static double medianRate(List<Session> sessions, String executor, int w, double sleepSeconds) {
        return median(sessions.stream().filter(s -> s.executor().equals(executor) && s.workers() == w && s.sleep() == sleepSeconds)
                .map(Session::perHour).toList());
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> v = values.stream().sorted().toList();
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    static final String METHOD = """
            ## Method

            Each measurement is one real `helix run --workers W --max-experiments K*W --tag wW` session, started with
            the `./helix` launcher (a JVM of its own) in a fresh git repository in a temp dir, with K = %2$d experiments
            per worker. The evaluation is `sleep %1$s` between two `date` stamps, and prints the constant metric
            `score: 1` (maximized). The proposer is %4$s.

            A constant metric makes every experiment a discard: no keep moves the best, so no candidate goes stale and
            nothing is re-evaluated (with an improving metric, keeps would trigger rebases and re-evaluations of stale
            candidates, and the rate would measure the search, not Helix). Every experiment is one evaluation; the
            proposer only changes a number within its line, so the simplicity rule (equal metric, fewer lines) never
            keeps one either. The baseline's 3 evaluations (judge.mode auto) are not counted.

            **Experiments per hour** come from the ledger: the records after the baseline, divided by the time from
            the first one's `started_at` to the last one's `finished_at`. JVM start, worktree creation, the baseline
            and the final ledger commit are outside that window (the whole session's wall time is listed under
            *Every session*). Each setting runs %3$d times, the settings interleaved (repeat 1 of every W, then
            repeat 2, ...) so that changes in the shared machine's load hit them alike; the table gives the median.
            **Efficiency** = median experiments per hour / (W x the median one-worker rate), as issue 6 defines it;
            **of ideal** = experiments per hour / (W x 3600 / sleep), i.e. the share of the time the W slots spend
            in the evaluation itself.

            Where the time goes, per experiment (medians over all experiments of the setting): **before eval** =
            from `started_at` to the evaluation's first stamp (propose, scope guard, git commit, refs, diff stat,
            starting `sh`); **eval** = between the two stamps (the sleep); **after eval** = from the second stamp
            to `finished_at` (process exit, metric, judge, ledger append); **gap** = from a record's `finished_at`
            to the same worker's next `started_at` (resetting the worktree to the best, taking the next run number).
            **Cycle per worker** = W x 3600 / experiments per hour.

            """;

    static final String SLURM_TEXT = """
            Each evaluation is a Slurm job (`run.executor: slurm`, `run.slurm: {cpus: 1, mem: 64M}`, so two jobs fit on
            one node) on the two-node test cluster of `scripts/slurm-up`, %2$d experiments per worker; everything else
            as above. The local one-worker row with the same %1$s-second evaluation is the reference without Slurm.
            Slurm's efficiency is against Slurm's own one-worker rate.

            """;

    /** Where the hand-written analysis starts; everything from here on survives a new run. */
    static final String LIMITS_MARKER = "## What limits throughput";

    // ---- small things

    static int exec(Path dir, List<String> cmd, Map<String, String> env, Path out, Duration limit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " took longer than " + limit);
        }
        return p.exitValue();
    }

    static void git(Path repo, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("bench-git", ".out");
        try {
            if (exec(repo, cmd, Map.of(), out, Duration.ofSeconds(60)) != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + ": " + Files.readString(out));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static String which(String name) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        throw new IllegalStateException(name + " not on PATH");
    }

    static String capture(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return s;
        } catch (Exception e) {
            return "?";
        }
    }

    static String uname() {
        return capture(List.of("uname", "-a"));
    }

    static String gitVersion() {
        return capture(List.of("git", "--version")).replace("git version ", "");
    }

    /**
     * CPU seconds (user + system) of this JVM's finished children and all their waited-for
     * descendants (/proc/self/stat cutime + cstime): the delta around a session is the CPU the whole
     * session used (its JVM, git, sh, sleep...). NaN where /proc is missing.
     */
    static double childrenCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double tck = Double.parseDouble(capture(List.of("getconf", "CLK_TCK")));
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / tck;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    static String fmt0(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (var walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The measurement-isolation benchmark, run by {@code ./bench/isolation}: two workers on a CPU-bound
 * timing metric, with run.isolation none, exclusive and cpus side by side.
 *
 * <p>Each measurement is one real {@code helix run --workers 2} session (the ./helix launcher, a
 * JVM of its own) in a fresh git repository. The evaluation times a fixed CPU-bound loop and prints
 * the seconds it took (minimize). The tuner changes a parameter the evaluation ignores, so no change
 * has any effect: every keep is a false keep, and every sample measures the same work, so their
 * spread is the measurement's noise. The judge is strict with a threshold (judge.min_improvement),
 * as users set it against noise: a lucky run beyond the threshold is kept. Settings are interleaved
 * repeat by repeat (none, exclusive, cpus, none, ...), so changes in the shared machine's load hit
 * them alike.
 */
public class IsolationBenchmark {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SETTINGS = List.of("none", "exclusive", "cpus");

    int repeats = 3;
    int experiments = 12;
    long iterations = 1_000_000;
    String threshold = "3%";
    Path out = Path.of("docs/performance.md");
    final Path home = Path.of("").toAbsolutePath();

    record Session(String setting, int repeat, List<Double> samples, int keeps, int experiments, double seconds, String load) {
        double mean() {
            return samples.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        double sd() {
            double m = mean();
            double ss = samples.stream().mapToDouble(x -> (x - m) * (x - m)).sum();
            return samples.size() < 2 ? Double.NaN : Math.sqrt(ss / (samples.size() - 1));
        }
    }

    public static void main(String[] args) throws Exception {
        IsolationBenchmark b = new IsolationBenchmark();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repeats" -> b.repeats = Integer.parseInt(args[++i]);
                case "--experiments" -> b.experiments = Integer.parseInt(args[++i]);
                case "--iterations" -> b.iterations = Long.parseLong(args[++i]);
                case "--threshold" -> b.threshold = args[++i];
                case "--out" -> b.out = Path.of(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("""
                            ./bench/isolation [--repeats 3] [--experiments 12] [--iterations 1000000] [--threshold 3%] [--out docs/performance.md]
                            Runs helix run --workers 2 with run.isolation none, exclusive and cpus, interleaved, --repeats times each,
                            and writes (or replaces) the section "Measurement isolation" of --out.""");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--help lists them)");
            }
        }
        b.run();
    }

    void run() throws Exception {
        Path scratch = Files.createTempDirectory("helix-isolation-bench");
        List<Session> sessions = new ArrayList<>();
        for (int r = 1; r <= repeats; r++) {
            for (String setting : SETTINGS) {
                Session s = session(scratch.resolve(setting + r), setting, r);
                System.err.printf(Locale.ROOT, "%-9s repeat %d: %d samples, mean %.4f s, sd %.4f s, %d false keeps of %d, %.0f s%n",
                        setting, r, s.samples().size(), s.mean(), s.sd(), s.keeps(), s.experiments(), s.seconds());
                sessions.add(s);
            }
        }
        String section = report(sessions);
        System.out.println(section);
        write(section);
    }

    Session session(Path repo, String setting, int repeat) throws Exception {
        Files.createDirectories(repo);
        Files.writeString(repo.resolve("params.txt"), "x = 2.5\n");
        Files.writeString(repo.resolve("evaluate.sh"), """
                #!/bin/sh
                s=$(date +%s%N)
                awk -v n=ITER 'BEGIN { for (i = 0; i < n; i++) x += sqrt(i); }'
                e=$(date +%s%N)
                awk -v s="$s" -v e="$e" 'BEGIN { printf "seconds: %.6f\\n", (e - s) / 1e9 }'
                """.replace("ITER", Long.toString(iterations)));
        Files.writeString(repo.resolve("helix.yaml"), """
                name: isolation-bench
                domain: benchmark
                description: A timing metric no change affects; every keep is a false keep.
                scope:
                  editable: [params.txt]
                metrics:
                  primary: {name: seconds, optimize: minimize}
                evaluate:
                  command: sh evaluate.sh
                  timeout_seconds: 120
                judge:
                  mode: strict
                  min_improvement: "THRESHOLD"
                agent:
                  backend: tune
                search:
                  seed: SEED
                  parameters:
                    x: {file: params.txt, pattern: 'x = ([-0-9.eE+]+)', type: float, range: [0, 5]}
                run:
                  isolation: SETTING
                """.replace("THRESHOLD", threshold).replace("SEED", Integer.toString(repeat)).replace("SETTING", setting));
        Files.writeString(repo.resolve(".gitignore"), ".helix/\n");
        sh(repo, "git init -q && git add -A && git -c user.name=bench -c user.email=bench@localhost commit -qm project");
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(home.resolve("helix").toString(), "-C", repo.toString(), "--text", "run", "--tag", "b",
                "--workers", "2", "--max-experiments", Integer.toString(experiments))
                .redirectErrorStream(true).redirectOutput(repo.resolve("helix-output.log").toFile()).start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("helix run failed in " + repo + ": see helix-output.log there");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Double> samples = new ArrayList<>();
        int keeps = 0;
        int recorded = 0;
        for (String line : Files.readAllLines(repo.resolve(".helix/experiments.jsonl"))) {
            if (line.isBlank()) continue;
            JsonNode r = JSON.readTree(line);
            r.path("samples").forEach(v -> samples.add(v.asDouble()));
            if (r.get("run").asInt() > 0) recorded++;
            if (r.get("status").asText().equals("keep")) keeps++;
        }
        return new Session(setting, repeat, samples, keeps, recorded, seconds, load);
    }

    String report(List<Session> sessions) {
        StringBuilder md = new StringBuilder("## Measurement isolation\n\n");
        md.append(String.format(Locale.ROOT, "Measured by `bench/isolation --repeats %d --experiments %d --iterations %d --threshold %s` on %s: %s, %d cores (%s), %s.%n",
                repeats, experiments, iterations, threshold, LocalDate.now(), capture("uname -sr"), Runtime.getRuntime().availableProcessors(),
                capture("sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1"),
                "JDK " + System.getProperty("java.runtime.version")));
        md.append("""
                Each session is `helix run --workers 2 --max-experiments N` on a CPU-bound timing metric (an awk loop,
                timed, minimize) that no change affects: the tuner edits a parameter the evaluation ignores, so every
                sample measures the same work (their spread is the measurement's noise) and every keep is a false keep.
                The judge is strict with `min_improvement` at the threshold above, as users set it against noise.
                Settings interleaved repeat by repeat; the table gives medians over the repeats, and each session's
                figures follow it. The machine is shared (other builds run on its cores): the 1-minute load average at
                each session's start is given.

                | run.isolation | samples | mean s | sd s | sd % of mean | false keeps | wall s |
                |---|---:|---:|---:|---:|---:|---:|
                """);
        for (String setting : SETTINGS) {
            List<Session> of = sessions.stream().filter(s -> s.setting().equals(setting)).toList();
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.4f | %.4f | %.1f | %.0f of %.0f | %.0f |%n", setting,
                    median(of, s -> (double) s.samples().size()), median(of, Session::mean), median(of, Session::sd),
                    median(of, s -> s.sd() / s.mean() * 100), median(of, s -> (double) s.keeps()),
                    median(of, s -> (double) s.experiments()), median(of, Session::seconds)));
        }
        md.append("\nEach session:\n\n| run.isolation | repeat | samples | mean s | sd s | false keeps | wall s | load |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Session s : sessions) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.4f | %.4f | %d of %d | %.0f | %s |%n", s.setting(), s.repeat(),
                    s.samples().size(), s.mean(), s.sd(), s.keeps(), s.experiments(), s.seconds(), s.load()));
        }
        return md.toString();
    }

    static double median(List<Session> of, java.util.function.ToDoubleFunction<Session> f) {
        double[] v = of.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Replaces the section "## Measurement isolation" of the output file (up to the next "## "), or appends it. */
    void write(String section) throws IOException {
        String text = Files.exists(out) ? Files.readString(out) : "# Performance\n\n";
        int at = text.indexOf("## Measurement isolation");
        if (at < 0) {
            text = text.stripTrailing() + "\n\n" + section;
        } else {
            int next = text.indexOf("\n## ", at + 3);
            text = text.substring(0, at) + section + (next < 0 ? "" : "\n" + text.substring(next + 1));
        }
        Files.writeString(out, text, StandardCharsets.UTF_8);
        System.err.println("wrote " + out);
    }

    static void sh(Path dir, String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).directory(dir.toFile()).inheritIO().start();
        if (p.waitFor() != 0) throw new IllegalStateException(command + " failed in " + dir);
    }

    static String capture(String command) {
        try {
            Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}

package dev.helix.app.measure;

import dev.helix.adapters.git.GitDirSnapshot;
import dev.helix.adapters.process.MeasurementFileLock;
import dev.helix.app.Workspace;
import dev.helix.core.metric.Extraction;
import dev.helix.core.metric.MetricExtractor;
import dev.helix.core.metric.MetricFile;
import dev.helix.core.port.Executor;
import dev.helix.core.port.MeasurementLock;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One measurement outside a session's workers (a hold-out, {@code helix verify}, the doctor's
 * evaluation): a command run in a worktree under its timeout, repeated, optionally holding the
 * repository's measurement lock, its primary metric read where the spec says the evaluation's is
 * (the output, evaluate.json_file, or the metric file of evaluate.metric_source: file). Each
 * command says in its own words what a {@link Failed} means.
 *
 * @param executor where the command runs
 * @param spec the metric's name and source
 * @param command the shell command line
 * @param workdir the worktree it runs in
 * @param timeout each run's limit (HELIX_TIME_BUDGET says it to the command)
 * @param env variables added to Helix's environment
 * @param unset variables taken out of it (the secrets an evaluation must not see)
 * @param log where each run's output goes; the metric file lies beside it
 * @param lock held around all repeats of one {@link #measure}, when present
 */
public record MeasuredRun(Executor executor, Spec spec, String command, Path workdir, Duration timeout, Map<String, String> env,
                          Set<String> unset, Path log, Optional<MeasurementLock> lock) {

    public MeasuredRun {
        env = Map.copyOf(env);
        unset = Set.copyOf(unset);
    }

    /** A run of {@code command} in {@code workdir} logging to {@code log}: no extra variables, no lock. */
    public static MeasuredRun of(Executor executor, Spec spec, String command, Path workdir, Duration timeout, Path log) {
        return new MeasuredRun(executor, spec, command, workdir, timeout, Map.of(), Set.of(), log, Optional.empty());
    }

    /** The lock every measurement of {@code workspace}'s repository takes under run.isolation: exclusive. */
    public static MeasurementLock repositoryLock(Workspace workspace) {
        return MeasurementFileLock.forRepository(GitDirSnapshot.commonDir(workspace.repo()));
    }

    public MeasuredRun withEnv(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(more);
        return new MeasuredRun(executor, spec, command, workdir, timeout, all, unset, log, lock);
    }

    public MeasuredRun withUnset(Set<String> names) {
        return new MeasuredRun(executor, spec, command, workdir, timeout, env, names, log, lock);
    }

    /** This run holding {@code measurementLock} while it measures. */
    public MeasuredRun holding(MeasurementLock measurementLock) {
        return new MeasuredRun(executor, spec, command, workdir, timeout, env, unset, log, Optional.of(measurementLock));
    }

    /** One run: the process's result and the metrics read from where the spec says they are. */
    public record Sample(Executor.Result result, Extraction extraction, Optional<String> metricText) {
        /** The metric {@code name}, when it was read and is finite. */
        public Optional<Double> value(String name) {
            return Optional.ofNullable(extraction.metrics().get(name)).filter(Double::isFinite);
        }
    }

    /** What the repeats of one {@link #measure} came to. */
    public sealed interface Outcome permits Samples, Failed {}

    /** Every repeat gave the primary metric: its values in order, and the last run. */
    public record Samples(List<Double> values, Sample last) implements Outcome {}

    /** A repeat that gave no value ended the measurement; {@code sample} is empty when stopped before any run. */
    public record Failed(Failure failure, Optional<Sample> sample) implements Outcome {
        /** What the run's metric source lacked, e.g. "no line matched loss". */
        public List<String> problems() {
            return sample.map(s -> s.extraction().problems()).orElse(List.of());
        }

        public Executor.Result result() {
            return sample.orElseThrow().result();
        }
    }

    /** Why a measurement gave no value, first cause first. */
    public enum Failure { STOPPED, TIMED_OUT, EXITED, NO_METRIC, STALE_FILE }

    /**
     * Runs the command {@code repeats} times, holding the lock (if any) throughout; the first
     * repeat without a finite primary metric ends it. An interrupt while waiting for the lock is
     * a {@link Failure#STOPPED} without a sample, the thread's interrupt flag set again.
     */
    public Outcome measure(int repeats) {
        if (lock.isEmpty()) return repeat(repeats);
        MeasurementLock.Held held;
        try {
            held = lock.get().acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failed(Failure.STOPPED, Optional.empty());
        }
        try (held) {
            return repeat(repeats);
        }
    }

    private Outcome repeat(int repeats) {
        String primary = spec.metrics().primary().name();
        List<Double> values = new ArrayList<>();
        Sample last = null;
        for (int i = 0; i < repeats; i++) {
            Optional<Sample> sample = once();
            if (sample.isEmpty()) return new Failed(Failure.STALE_FILE, Optional.empty());
            last = sample.get();
            Executor.Result r = last.result();
            Optional<Failure> failure = r.interrupted() ? Optional.of(Failure.STOPPED) : r.timedOut() ? Optional.of(Failure.TIMED_OUT)
                    : r.exitCode() != 0 ? Optional.of(Failure.EXITED) : last.value(primary).isEmpty() ? Optional.of(Failure.NO_METRIC)
                    : Optional.empty();
            if (failure.isPresent()) return new Failed(failure.get(), Optional.of(last));
            values.add(last.value(primary).orElseThrow());
        }
        return new Samples(values, last);
    }

    /**
     * Runs the command once, without the lock: what an earlier run left in the metric file or
     * evaluate.json_file is removed first, so it cannot stand for this run's; empty when it
     * cannot be removed.
     */
    public Optional<Sample> once() {
        Path metricFile = MetricFile.beside(log);
        Optional<Path> jsonFile = spec.evaluate().jsonFile().map(workdir::resolve);
        try {
            Files.deleteIfExists(metricFile);
            if (jsonFile.isPresent()) Files.deleteIfExists(jsonFile.get());
        } catch (IOException e) {
            return Optional.empty();
        }
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("HELIX_TIME_BUDGET", Long.toString(timeout.toSeconds()));
        if (MetricFile.used(spec)) all.put(MetricFile.VARIABLE, metricFile.toString());
        Executor.Result r = executor.run(new Executor.Request(command, workdir, timeout, all, log, Optional.empty(), unset));
        Optional<String> text = MetricFile.used(spec) ? Workspace.readIfExists(metricFile) : jsonFile.flatMap(Workspace::readIfExists);
        Extraction extraction = MetricFile.used(spec) ? MetricFile.extract(spec, text) : MetricExtractor.extract(spec, r.output(), text);
        return Optional.of(new Sample(r, extraction, text));
    }
}

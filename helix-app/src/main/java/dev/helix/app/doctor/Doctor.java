package dev.helix.app.doctor;

import dev.helix.adapters.process.Programs;
import dev.helix.adapters.specio.Initializer;
import dev.helix.adapters.specio.SpecFiles;
import dev.helix.app.Workspace;
import dev.helix.app.run.SessionTags;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.port.Repository;
import dev.helix.core.port.Vcs;
import dev.helix.core.scope.Glob;
import dev.helix.core.spec.MetricNames;
import dev.helix.core.spec.Problem;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code helix doctor}: checks everything a session needs before it starts, each with a fix. Only
 * reads the user's working copy; the evaluation runs once in a throwaway worktree under
 * {@code .helix/doctor/} that is removed afterwards.
 */
public final class Doctor {

    /**
     * @param quick skip running the evaluation (and so the metric check)
     * @param env the environment a session would run in (API keys are looked up here)
     * @param today for the tag a session started today would get
     */
    public record Options(boolean quick, Map<String, String> env, LocalDate today) {
        public Options {
            env = Map.copyOf(env);
        }
    }

    static final long WARN_FREE_BYTES = 1L << 30;
    static final long FAIL_FREE_BYTES = 100L << 20;
    private static final Pattern PLACEHOLDER = Pattern.compile("^\\s*(?:- )?(<[^>\\n]{3,}>)\\s*$", Pattern.MULTILINE);

    /** Hears each check as it ends, and the slow one (the evaluation) as it starts: a person waits on them. */
    public interface Progress {
        void starting(String title);

        void finished(Check check);
    }

    private final Options options;
    private final Progress progress;
    private final List<Check> checks = new ArrayList<>() {
        @Override
        public boolean add(Check check) {
            progress.finished(check);
            return super.add(check);
        }
    };

    private Workspace workspace;
    private Repository vcs;
    private Path repo;
    private Spec spec;
    private Path specFile;
    private EvaluationCheck evaluation;
    private SessionChecks sessions;

    private Doctor(Options options, Progress progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Every check, in the order a person fixes them. */
    public static List<Check> run(Path dir, Options options) {
        return run(dir, options, new Progress() {
            @Override
            public void starting(String title) {
            }

            @Override
            public void finished(Check check) {
            }
        });
    }

    /** Every check, telling {@code progress} of each as it goes. */
    public static List<Check> run(Path dir, Options options, Progress progress) {
        return new Doctor(options, progress).all(dir);
    }

    /** Whether a session could start: nothing failed (warnings allowed). */
    public static boolean ok(List<Check> checks) {
        return checks.stream().noneMatch(c -> c.status() == Check.Status.FAIL);
    }

    private List<Check> all(Path dir) {
        checks.add(gitRepository(dir));
        boolean git = repo != null;
        if (git) sessions = new SessionChecks(workspace);
        checks.add(git ? specification() : skip("spec", "Spec found and valid"));
        checks.add(git ? cleanTree() : skip("clean_tree", "Clean working tree"));
        boolean valid = spec != null;
        checks.add(valid ? editable() : skip("editable_files", "Editable files exist"));
        checks.add(valid ? readonly() : skip("readonly_files", "Readonly files exist"));
        checks.add(git ? programMd() : skip("program_md", "program.md written"));
        checks.add(valid ? evaluationCommand() : skip("evaluate_command", "Evaluation command found"));
        if (valid) evaluation = new EvaluationCheck(vcs, repo, spec, specFile, options);
        if (valid && !options.quick()) progress.starting("the evaluation (runs it once)");
        checks.add(valid ? evaluation.evaluationRuns() : skip("evaluate_runs", "Evaluation runs within its timeout"));
        checks.add(valid ? evaluation.metricsParse() : skip("metrics_parse", "Metrics parse from the output"));
        if (valid && spec.evaluate().holdout().isPresent()) {
            if (!options.quick()) progress.starting("the hold-out (runs it once)");
            checks.add(HoldoutCheck.of(workspace, spec, options.quick()));
        }
        if (valid && spec.evaluate().checks().isPresent()) checks.add(evaluation.checksPass());
        checks.add(git ? sessions.branches() : skip("branches", "Session branches"));
        checks.add(git ? tag() : skip("tag", "The next tag and the ledger"));
        checks.add(git ? sessions.locks() : skip("lock", "No stale session lock"));
        checks.add(git ? Protection.check(workspace.ledger().read(), options.env(), Optional.ofNullable(spec)) : skip("protection", "Protection against the proposer"));
        if (valid) PowerCheck.check(workspace.ledger().read().experiments(), spec).ifPresent(checks::add);
        if (valid) checks.add(MachineCheck.isolation(workspace, spec, workspace.ledger().read().experiments()));
        if (valid) checks.add(MachineCheck.environment(workspace, spec, options));
        checks.add(git ? diskSpace() : skip("disk_space", "Disk space for logs"));
        checks.add(git ? BackendList.check(repo, options.env()) : skip("backends", "Backends found"));
        checks.add(valid ? sessions.backend(spec, specFile, options.env()) : skip("backend", "Agent backend available"));
        checks.add(valid ? CostCheck.of(spec) : skip("cost", "Where the cost comes from"));
        checks.add(valid ? slurm() : skip("slurm", "Slurm reachable"));
        return List.copyOf(checks);
    }

    private Check skip(String id, String title) {
        return Check.skip(id, title, "not checked: " + (repo == null ? "no git repository" : "no valid spec"));
    }

    private Check gitRepository(Path dir) {
        String title = "Git repository";
        Optional<Workspace> top;
        try {
            top = Workspace.find(dir);
        } catch (Vcs.VcsException e) {
            return Check.fail("git_repo", title, "git failed in " + dir + ": " + e.getMessage(), "install git, or run Helix in a readable directory");
        }
        if (top.isEmpty()) {
            return Check.fail("git_repo", title, "not a git repository: " + dir,
                    "run Helix in your project's repository (or: git init && git add -A && git commit -m start)");
        }
        vcs = top.get().git();
        Optional<String> head = vcs.resolve(top.get().repo(), "HEAD");
        if (head.isEmpty()) {
            return Check.fail("git_repo", title, top.get().repo() + " has no commits", "commit your code first: git add -A && git commit -m start");
        }
        workspace = top.get();
        repo = workspace.repo();
        return Check.pass("git_repo", title, repo + " at " + head.get().substring(0, 7));
    }

    private Check specification() {
        String title = "Spec found and valid";
        Optional<Path> found = SpecFiles.find(repo);
        if (found.isEmpty()) {
            return Check.fail("spec", title, "no helix.yaml (or autoresearch.toml, research.json or .toml, CLAUDE.md section) in " + repo,
                    "run 'helix init' to write one, then edit it");
        }
        specFile = found.get();
        try {
            spec = SpecFiles.load(specFile);
        } catch (SpecException e) {
            List<Problem> problems = e.problems();
            String first = problems.isEmpty() ? e.getMessage() : problems.get(0).located();
            String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "";
            // the fix of the problem shown, said once: in the fix, not also in the message
            String fix = problems.stream().limit(1).map(Problem::suggestion).filter(s -> s != null && !s.isBlank()).findFirst()
                    .orElse("fix the field named");
            return Check.fail("spec", title, first + more, fix + "; 'helix run' lists every problem");
        }
        Spec.MetricSpec primary = spec.metrics().primary();
        // a name whose words point both ways says which one was taken, so a wrong guess is caught before a session;
        // a direction written in the spec was no guess
        String why = primary.optimizeWritten() ? "" : MetricNames.direction(primary.name()).filter(d -> d == primary.optimize())
                .flatMap(d -> MetricNames.why(primary.name())).map(w -> "; " + w).orElse("");
        return Check.pass("spec", title, relative(specFile) + ": " + spec.name() + ", " + primary.name()
                + " (" + primary.optimize().word() + ")" + why);
    }

    private Check cleanTree() {
        String title = "Clean working tree";
        List<String> dirty = new ArrayList<>(vcs.modifiedTrackedFiles(repo));
        Optional<Check> editing = spec == null ? Optional.empty() : sessions.editInProgress(spec, dirty);
        if (editing.isPresent()) return editing.get();
        List<String> carried = new ArrayList<>();
        for (String f : List.of(specFile == null ? "helix.yaml" : relative(specFile), "program.md", ".gitignore")) {
            if (dirty.remove(f)) carried.add(f);
        }
        if (!dirty.isEmpty()) {
            return Check.fail("clean_tree", title, "uncommitted changes in " + list(dirty),
                    "commit or stash them: a session starts from HEAD and never touches your working copy");
        }
        if (!carried.isEmpty()) {
            return Check.warn("clean_tree", title, "uncommitted changes in " + list(carried) + " (a session carries them in)",
                    "commit them so the spec the session ran with is in your history: git commit " + String.join(" ", carried));
        }
        return Check.pass("clean_tree", title, "nothing uncommitted");
    }

    private Check editable() {
        String title = "Editable files exist";
        List<String> tracked = vcs.trackedFiles(repo);
        Set<String> matched = new LinkedHashSet<>();
        List<String> empty = new ArrayList<>();
        for (String glob : spec.scope().editable()) {
            List<String> m = tracked.stream().filter(f -> Glob.of(glob).matches(f)).toList();
            if (m.isEmpty()) empty.add(glob);
            matched.addAll(m);
        }
        List<String> missing = matched.stream().filter(f -> !Files.exists(repo.resolve(f))).toList();
        if (matched.isEmpty()) {
            return Check.fail("editable_files", title, spec.source() + ": scope.editable " + spec.scope().editable()
                    + " matches no committed file", "name files that exist at HEAD, relative to " + repo + ", and commit them");
        }
        if (!missing.isEmpty()) {
            return Check.fail("editable_files", title, "deleted in the working copy: " + list(missing),
                    "restore them (git checkout -- " + String.join(" ", missing) + ") or commit the deletion");
        }
        if (!empty.isEmpty()) {
            return Check.warn("editable_files", title, "scope.editable " + list(empty) + " matches no committed file",
                    "fix the path or commit the file (globs are relative to the repository root)");
        }
        return Check.pass("editable_files", title, matched.size() + " file" + (matched.size() == 1 ? "" : "s") + ": " + list(List.copyOf(matched)));
    }

    private Check readonly() {
        String title = "Readonly files exist";
        List<String> globs = spec.scope().readonly();
        if (globs.isEmpty()) {
            return Check.pass("readonly_files", title, "none declared (helix.yaml and the evaluator are always protected)");
        }
        List<String> files = files(repo);
        List<String> missing = globs.stream().filter(g -> files.stream().noneMatch(f -> Glob.of(g).matches(f))).toList();
        if (!missing.isEmpty()) {
            return Check.warn("readonly_files", title, "scope.readonly " + list(missing) + " matches no file",
                    "fix the path, or drop it from scope.readonly");
        }
        return Check.pass("readonly_files", title, list(globs));
    }

    private Check programMd() {
        String title = "program.md written";
        Path file = repo.resolve("program.md");
        if (!Files.isRegularFile(file)) {
            return Check.warn("program_md", title, "no program.md: an agent gets no goal, constraints or ideas",
                    "run 'helix init' (it writes a template and leaves helix.yaml alone), then fill it in");
        }
        String text = read(file);
        if (text.strip().equals(Initializer.programMd(spec).strip())) {
            return Check.warn("program_md", title, "program.md is still the template 'helix init' wrote",
                    "write the goal, the constraints and the ideas to try into program.md");
        }
        Matcher m = PLACEHOLDER.matcher(text);
        if (m.find()) {
            return Check.warn("program_md", title, "program.md still has a template placeholder: " + m.group(1),
                    "replace the <...> lines with your own text");
        }
        return Check.pass("program_md", title, text.lines().count() + " lines, edited from the template");
    }

    private Check evaluationCommand() {
        String title = "Evaluation command found";
        String command = spec.evaluate().command().strip();
        if (Programs.first(command).isEmpty()) return Check.pass("evaluate_command", title, command + " (a shell construct; not looked up)");
        Optional<String> missing = Programs.missing(command, repo, options.env());
        if (missing.isPresent()) {
            return Check.fail("evaluate_command", title, "evaluate.command: '" + missing.get() + "' is neither a file in the repository nor a command on PATH",
                    "install it or fix evaluate.command (it runs with sh -c in the session's worktree)");
        }
        return Check.pass("evaluate_command", title, command);
    }

    private Check tag() {
        String title = "The next tag and the ledger";
        LedgerStore store = workspace.ledger();
        LedgerStore.Contents ledger = store.read();
        Set<String> tags = new LinkedHashSet<>();
        ledger.experiments().stream().map(Experiment::tag).forEach(tags::add);
        // what 'helix run' without --tag will use: the spec's own tag (autoresearch.toml's branch, ...), else the day's
        Optional<String> own = spec == null ? Optional.<String>empty() : spec.run().tag();
        String base = SessionTags.base(own, options.today());
        String tag = SessionTags.free(workspace, base, store);
        String named = own.isPresent() ? "the spec's tag " + base : "today's tag " + base;
        String free = sessions.trying().map(t -> "helix try continues session " + t)
                .orElse(tag.equals(base) ? named + " is free" : named + " is taken; 'helix run' will use " + tag);
        String records = ledger.experiments().size() + " records in " + tags.size() + " session" + (tags.size() == 1 ? "" : "s");
        if (workspace.importProblem().isPresent()) {
            return Check.warn("tag", title, free + "; " + workspace.importProblem().get(), "fix the line; the next command imports the file whole");
        }
        if (!ledger.warnings().isEmpty()) {
            return Check.warn("tag", title, free + "; the ledger has " + ledger.warnings().size() + " unreadable line(s): "
                    + ledger.warnings().get(0), "the lines are skipped; look at .helix/experiments.jsonl if records are missing");
        }
        return Check.pass("tag", title, free + "; ledger: " + records);
    }

    private Check diskSpace() {
        String title = "Disk space for logs";
        Path where = Files.isDirectory(repo.resolve(".helix")) ? repo.resolve(".helix") : repo;
        long free;
        try {
            free = Files.getFileStore(where).getUsableSpace();
        } catch (IOException e) {
            return Check.warn("disk_space", title, "cannot tell the free space of " + where + ": " + e.getMessage(), "check it with: df -h " + where);
        }
        String amount = String.format(Locale.ROOT, "%.1f GiB free for %s", free / (double) (1L << 30), relative(where).isEmpty() ? "." : relative(where));
        if (free < FAIL_FREE_BYTES) {
            return Check.fail("disk_space", title, amount, "free some space: every experiment writes its log under .helix/runs");
        }
        if (free < WARN_FREE_BYTES) {
            return Check.warn("disk_space", title, amount + " (under 1 GiB)", "free some space: a long session writes a log per experiment");
        }
        return Check.pass("disk_space", title, amount);
    }

    private Check slurm() {
        String title = "Slurm reachable";
        String executor = spec.run().executor();
        if (!"slurm".equalsIgnoreCase(executor)) return Check.skip("slurm", title, "not applicable (run.executor: " + executor + ")");
        if (!Programs.onPath("sinfo", options.env())) {
            return Check.fail("slurm", title, "run.executor is slurm but sinfo is not on PATH",
                    "run Helix on a Slurm login node, or load Slurm (e.g. module load slurm)");
        }
        Optional<String> partitions = Probe.command(repo, Duration.ofSeconds(15), "sinfo", "--noheader", "--format=%P");
        if (partitions.isEmpty()) {
            return Check.fail("slurm", title, "sinfo did not answer within 15s", "check the cluster with: sinfo");
        }
        return Check.pass("slurm", title, "partitions: " + String.join(", ", partitions.get().lines().map(String::strip).filter(l -> !l.isEmpty()).toList()));
    }

    /** Tracked files, and files present in the working copy (readonly data need not be committed). */
    private List<String> files(Path root) {
        Set<String> all = new LinkedHashSet<>(vcs.trackedFiles(root));
        Probe.git(root, "ls-files", "--others", "--exclude-standard").ifPresent(out -> out.lines().filter(l -> !l.isBlank()).forEach(all::add));
        return List.copyOf(all);
    }

    private String relative(Path p) {
        return repo.relativize(p).toString().replace('\\', '/');
    }

    private static String list(List<String> items) {
        return items.size() <= 5 ? String.join(", ", items)
                : String.join(", ", items.subList(0, 5)) + " and " + (items.size() - 5) + " more";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static Optional<String> readIfExists(Path file) {
        return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
    }
}

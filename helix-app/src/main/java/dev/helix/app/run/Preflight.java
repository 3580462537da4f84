package dev.helix.app.run;

import dev.helix.adapters.Executors;
import dev.helix.adapters.agents.BackendCatalog;
import dev.helix.adapters.process.CallerEnvironment;
import dev.helix.adapters.process.CpuSets;
import dev.helix.adapters.process.Programs;
import dev.helix.adapters.specio.SpecFiles;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.cost.Pricing;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.scope.Glob;
import dev.helix.core.spec.Spec;
import dev.helix.core.tune.ParameterText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything checked before a session writes a single file: the repository, the spec with the
 * command line's overrides, the backend, a clean tree, the files the spec names, the tag. The
 * first blocking problem is a usage error with its fix.
 */
final class Preflight {
    private Preflight() {}

    static RunSession.Prepared prepare(Path cwd, RunSession.Options options) {
        Workspace workspace = Workspace.open(cwd,
                "run Helix inside your project's git repository (or: git init && git add -A && git commit -m start)");
        Path repo = workspace.repo();
        if (workspace.git().resolve(repo, "HEAD").isEmpty()) {
            throw AppException.usage("no_commits", "the repository " + repo + " has no commits",
                    "commit your code first: git add -A && git commit -m start");
        }
        Path specFile = workspace.specFile();
        Spec loaded = withOptions(SpecFiles.load(specFile), options);
        if (!options.tune().isEmpty()) {
            options.backend().filter(b -> !b.equals("tune")).ifPresent(b -> {
                throw AppException.usage("bad_option", "--tune runs the built-in tuner, and --backend " + b + " is another proposer",
                        "drop --backend, or drop --tune (agent.mix in helix.yaml has an agent and the tuner take turns)");
            });
            loaded = TuneOption.apply(loaded, options.tune(), repo);
        }
        Spec spec = loaded;
        String backend = options.tune().isEmpty() ? options.backend().orElse(spec.agent().backend()) : "tune";
        checkCaps(options, backend, spec);
        AgentBackend agent = backend(backend, spec, repo);

        String specPath = repo.relativize(specFile).toString();
        List<String> dirty = new ArrayList<>(workspace.git().modifiedTrackedFiles(repo));
        dirty.removeAll(List.of(specPath, "program.md", ".gitignore")); // what helix init writes
        if (!dirty.isEmpty()) {
            throw AppException.usage("dirty_tree", "the working tree has uncommitted changes: " + String.join(", ", dirty),
                    "commit or stash them: a session starts from HEAD and never touches your working copy");
        }
        List<String> tracked = workspace.git().trackedFiles(repo);
        if (tracked.stream().noneMatch(f -> Glob.any(spec.scope().editable(), f))) {
            throw AppException.usage("no_editable_files", spec.source() + ": scope.editable " + spec.scope().editable()
                    + " matches no committed file", "name files that exist at HEAD, relative to " + repo);
        }
        checkCommand(spec, repo);
        if (backend.equals("tune")) checkParameters(spec, repo);

        String tag = SessionTags.choose(workspace, options.tag(), options.resume(), spec.run().tag());
        if (options.resume()) checkKeptCost(workspace, tag, options, backend, spec);
        return new RunSession.Prepared(workspace, specFile, spec, tag, options.resume(), agent, options);
    }

    /** --max-experiments at least 0, --max-cost and --max-tokens positive, and a cost cap only where the cost can be known. */
    private static void checkCaps(RunSession.Options o, String backend, Spec spec) {
        if (o.maxExperiments().isPresent() && o.maxExperiments().getAsInt() < 0) {
            throw AppException.usage("bad_option", "--max-experiments must be 0 or more", "e.g. --max-experiments 50");
        }
        if (o.maxCost().isPresent() && !(o.maxCost().get() > 0)) {
            throw AppException.usage("bad_option", "--max-cost must be a positive amount of US dollars", "e.g. --max-cost 20");
        }
        if (o.maxTokens().isPresent() && o.maxTokens().getAsLong() <= 0) {
            throw AppException.usage("bad_option", "--max-tokens must be a positive number of tokens", "e.g. --max-tokens 2000000");
        }
        if (o.maxCost().isPresent() && Pricing.of(backend, spec.agent()) instanceof Pricing.Unknown u) {
            throw AppException.usage("cost_unknown", "--max-cost cannot hold with the " + backend
                    + " backend: it reports tokens but no cost, and " + u.why() + ", so the cap would never be reached",
                    PRICE_FIX + ", or cap the tokens instead: --max-tokens N");
        }
    }

    private static final String PRICE_FIX = "set the model's price in helix.yaml (agent: {price: {input_per_mtok: 3, output_per_mtok: 15}}, "
            + "US dollars per million tokens)";

    /**
     * A resume keeps the --max-cost its session started with (SessionLimits): checked against the
     * backend this run uses, which may not be the one the cap was accepted for.
     */
    private static void checkKeptCost(Workspace workspace, String tag, RunSession.Options o, String backend, Spec spec) {
        if (o.maxCost().isPresent()) return; // given now: checkCaps has judged it
        Path runDir = workspace.helixDir().resolve("runs").resolve(tag);
        Optional<Double> kept = SessionLimits.merged(runDir, o).options().maxCost();
        if (kept.isPresent() && Pricing.of(backend, spec.agent()) instanceof Pricing.Unknown u) {
            throw AppException.usage("cost_unknown", "--max-cost " + kept.get() + ", kept from the start of session '" + tag
                    + "', cannot hold with the " + backend + " backend this resume uses: it reports tokens but no cost, and "
                    + u.why() + ", so the cap would never be reached",
                    PRICE_FIX + ", or resume on the backend the session started with, or drop the cap by removing max_cost_usd from "
                            + workspace.relative(runDir.resolve(SessionLimits.FILE)));
        }
    }

    /** helix.yaml's run section with the command line's overrides, checked. */
    private static Spec withOptions(Spec spec, RunSession.Options o) {
        Spec.RunSpec run = spec.run();
        if (o.workers().isPresent()) {
            int w = o.workers().getAsInt();
            if (w < 1 || w > RunSession.MAX_WORKERS) {
                throw AppException.usage("bad_option", "--workers must be between 1 and " + RunSession.MAX_WORKERS + ", got " + w,
                        "e.g. --workers 4 (one per GPU or per few cores)");
            }
            run = run.withWorkers(w);
        }
        if (o.executor().isPresent()) {
            String given = o.executor().get();
            run = run.withExecutor(Executors.named(given).orElseThrow(() -> AppException.usage("bad_option",
                    "unknown executor '" + given + "' for --executor: choose " + String.join(" or ", Executors.NAMES),
                    "e.g. --executor slurm (run.slurm in helix.yaml sets the job options)")));
        }
        if (o.directions().isPresent()) {
            List<String> given = o.directions().get().stream().map(String::strip).toList();
            if (given.isEmpty() || given.stream().anyMatch(String::isEmpty)) {
                throw AppException.usage("bad_option", "--directions has an empty entry",
                        "give one direction per worker, comma-separated: a section title of program.md or a line of text");
            }
            run = run.withDirections(given);
        }
        if (run.directions().size() > run.workers()) {
            throw AppException.usage("bad_option", run.directions().size() + " directions for " + run.workers()
                    + (run.workers() == 1 ? " worker" : " workers") + ": some would never be explored",
                    "run as many workers (--workers " + run.directions().size() + ") or give fewer directions");
        }
        run = Pinning.slots(run, spec.source(), CpuSets.allowed());
        boolean pinned = run.slots().stream().anyMatch(s -> s.strip().startsWith("cpu:"));
        if (pinned && run.executor().equals("local") && !Programs.onPath("taskset", System.getenv())) {
            throw AppException.usage("taskset_missing", spec.source() + ": run.slots pins evaluations to CPUs, which needs taskset",
                    "install util-linux (apt-get install util-linux), or list GPU ids or no slots");
        }
        Spec out = spec.withRun(run);
        SessionSandbox.require(out, System.getenv());
        if (o.agentCommand().isPresent()) {
            String command = o.agentCommand().get().strip();
            if (command.isEmpty()) {
                throw AppException.usage("bad_option", "--agent-command is empty", "e.g. --agent-command \"python my_agent.py\"");
            }
            out = out.withAgent(out.agent().withCommand(command));
        }
        return out;
    }

    /** The named backend, ready to run here, or a usage error saying what to install or set. */
    private static AgentBackend backend(String name, Spec spec, Path repo) {
        BackendCatalog catalog = BackendCatalog.at(repo, CallerEnvironment.current());
        AgentBackend backend = catalog.find(name).orElseThrow(() -> unknown(name, catalog));
        List<AgentBackend.Unready> problems = backend.check(spec, CallerEnvironment.current());
        if (!problems.isEmpty()) {
            throw AppException.usage("backend_not_ready", "the " + name + " backend cannot run: "
                    + String.join("; ", problems.stream().map(AgentBackend.Unready::message).toList()),
                    String.join("; ", problems.stream().map(AgentBackend.Unready::suggestion).toList()));
        }
        return backend;
    }

    /** An unknown name; when a plugin could not be loaded, it may be the one that has it, so it is named. */
    private static AppException unknown(String name, BackendCatalog catalog) {
        String broken = catalog.broken().isEmpty() ? ""
                : "; " + String.join("; ", catalog.broken().stream().map(BackendCatalog.Broken::message).toList());
        return AppException.usage("unknown_backend", "unknown backend '" + name + "'" + broken,
                (broken.isEmpty() ? "" : "fix or remove the broken plugin, or ") + "choose one of: " + String.join(", ", catalog.names())
                        + " (plugin jars are loaded from .helix/plugins/, ~/.config/helix/plugins/ and " + BackendCatalog.PLUGINS_VARIABLE + ")");
    }

    /** The evaluation's program must exist: a file in the repository or a command on PATH. */
    private static void checkCommand(Spec spec, Path repo) {
        Programs.missing(spec.evaluate().command(), repo, System.getenv()).ifPresent(program -> {
            throw AppException.usage("command_not_found", spec.source() + ": evaluate.command: '" + program
                    + "' is neither a file in the repository nor a command on PATH",
                    "install it or fix evaluate.command (it runs with sh -c in the session's worktree)");
        });
    }

    /** Every tuned parameter must be found in its file at HEAD, or every experiment would be rejected. */
    private static void checkParameters(Spec spec, Path repo) {
        if (spec.search().parameters().isEmpty()) {
            throw AppException.usage("no_parameters", spec.source() + ": search.parameters is empty; the tune backend has nothing to tune",
                    "declare parameters (file, pattern with one capture group, type, range) or use another backend");
        }
        for (Spec.Parameter param : spec.search().parameters()) {
            String field = "search.parameters." + param.name();
            Optional<String> text = Workspace.readIfExists(repo.resolve(param.file()));
            if (text.isEmpty()) {
                throw AppException.usage("parameter_file_missing", spec.source() + ": " + field + ".file: "
                        + param.file() + " does not exist", "name a committed file relative to the repository root");
            }
            if (ParameterText.read(param, text.get()).isEmpty()) {
                throw AppException.usage("parameter_not_found", spec.source() + ": " + field + ".pattern '"
                        + param.pattern() + "' matches nothing in " + param.file(),
                        "make the pattern's capture group match the value as written in the file");
            }
            if (!Glob.any(spec.scope().editable(), param.file())) {
                throw AppException.usage("parameter_not_editable", spec.source() + ": " + field + ".file: "
                        + param.file() + " is not in scope.editable", "add it to scope.editable");
            }
        }
    }
}

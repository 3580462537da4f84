package dev.helix.cli;

import dev.helix.app.demo.DemoRepository;
import dev.helix.app.demo.Gallery;
import dev.helix.app.run.RunSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code helix demo [NAME]}: a shipped example in a new git repository, run offline. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = {
    "Run a shipped example offline, end to end.",
    "%nCopies the example (by default a small neural network trained in plain Java) into a new git repository "
        + "and runs a session on it: nothing to download. helix demo --list names the gallery."})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "The example to run (default mlp); see --list.")
    String name;

    @Option(names = "--list", description = "List the examples, one line each, and exit.")
    boolean list;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to create the demo repository (must not exist or be empty; default: a new temporary directory).")
    Path dir;

    @Option(names = "--max-experiments", paramLabel = "N", description = "Experiments after the baseline (default: the example's, 24 for mlp).")
    Integer maxExperiments;

    /** One line of --list. */
    record Listed(String name, String summary) {}

    @Override
    public Integer call() throws IOException {
        Output out = main.output();
        if (list) {
            for (Gallery.Example e : Gallery.EXAMPLES) out.text(String.format("%-11s %s", e.name(), e.summary()));
            out.success(Gallery.EXAMPLES.stream().map(e -> new Listed(e.name(), e.summary())).toList(),
                    List.of("helix demo NAME runs one offline"));
            return 0;
        }
        Gallery.Example example = name == null ? Gallery.DEFAULT : Gallery.named(name);
        int experiments = maxExperiments == null ? example.demoExperiments() : maxExperiments;
        Path target = dir == null ? Files.createTempDirectory("helix-demo-") : main.workingDirectory().resolve(dir).normalize();
        DemoRepository.create(target, example);
        out.progress().println("Demo repository: " + target + "  (a copy of " + example.resource() + ", committed)");
        out.progress().println((example == Gallery.DEFAULT ? "Tuning it with the built-in tuner, " : "Running a session on it, ") + experiments + " experiments after the baseline...");
        out.progress().flush();
        RunSession runner = new RunSession();
        RunSession.Prepared prepared = runner.prepare(target, new RunSession.Options(Optional.of("demo"),
                example.demoBackend(), OptionalInt.of(experiments), Optional.empty(), Optional.empty(), false));
        int code = RunCommand.execute(out, runner, prepared);
        out.text("Look around:  cd " + target + " && git log --oneline helix/demo && cat .helix/experiments.jsonl");
        return code;
    }
}

package dev.helix.cli;

import dev.helix.app.demo.DemoRepository;
import dev.helix.app.run.RunSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix demo}: the built-in example in a new git repository, tuned offline. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = {
    "Tune the built-in example offline, end to end.",
    "%nCopies the example (a small neural network trained in plain Java) into a new git repository and "
        + "tunes it with the built-in tuner: the whole loop in about a minute, nothing to download."})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to create the demo repository (must not exist or be empty; default: a new temporary directory).")
    Path dir;

    @Option(names = "--max-experiments", paramLabel = "N", defaultValue = "24", description = "Experiments after the baseline (default 24).")
    int maxExperiments;

    @Override
    public Integer call() throws IOException {
        Path target = dir == null ? Files.createTempDirectory("helix-demo-") : main.workingDirectory().resolve(dir).normalize();
        DemoRepository.create(target);
        Output out = main.output();
        out.progress().println("Demo repository: " + target + "  (a copy of " + DemoRepository.EXAMPLE + ", committed)");
        out.progress().println("Tuning it with the built-in tuner, " + maxExperiments + " experiments after the baseline...");
        out.progress().flush();
        RunSession runner = new RunSession();
        RunSession.Prepared prepared = runner.prepare(target, new RunSession.Options(Optional.of("demo"),
                Optional.of("tune"), OptionalInt.of(maxExperiments), Optional.empty(), Optional.empty(), false));
        int code = RunCommand.execute(out, runner, prepared);
        out.text("Look around:  cd " + target + " && git log --oneline helix/demo && cat .helix/experiments.jsonl");
        return code;
    }
}

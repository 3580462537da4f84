package dev.helix.cli;

import dev.helix.adapters.specio.Initializer;
import dev.helix.app.AppException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code helix init}: writes helix.yaml and program.md for a project, never overwriting a file. */
@Command(name = "init", mixinStandardHelpOptions = true, description = {
    "Write helix.yaml and program.md for a project.",
    "%nPre-filled from what the project in DIR (default: here) looks like; adds .helix/ to .gitignore. "
        + "Never overwrites a file. --from converts autoresearch.toml, research.json or CLAUDE.md."})
final class InitCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The project directory (default: the current one).")
    Path dir;

    @Option(names = "--domain", paramLabel = "D", description = "The domain, e.g. AI/ML, performance.")
    String domain;

    @Option(names = "--description", paramLabel = "T", description = "One sentence: what to optimize for what.")
    String description;

    @Option(names = "--from", paramLabel = "FILE", description = "Convert autoresearch.toml, research.json or CLAUDE.md into helix.yaml.")
    Path from;

    @Override
    public Integer call() {
        Path target = dir == null ? main.workingDirectory() : main.workingDirectory().resolve(dir).normalize();
        if (!java.nio.file.Files.isDirectory(target)) {
            throw AppException.usage("no_directory", "no such directory: " + target, "create it first, or name an existing one");
        }
        Optional<Path> source = Optional.ofNullable(from).map(f -> main.workingDirectory().resolve(f).normalize());
        Initializer.InitResult result = Initializer.init(target, Optional.ofNullable(domain), Optional.ofNullable(description), source);
        Output out = main.output();
        result.written().forEach(p -> out.text("wrote   " + target.relativize(p)));
        result.skipped().forEach(p -> out.text("skipped " + target.relativize(p) + " (exists; left as it is)"));
        result.notes().forEach(n -> out.text("note:   " + n));
        out.text("");
        out.text("Next: edit helix.yaml (the evaluation command and how its metric is printed) and program.md");
        out.text("(goal, ideas), commit them, then: helix run --max-experiments 20 (Helix drives an agent),");
        out.text("or, as an agent driving yourself: edit, then helix try -m \"<what you changed>\" (see helix guide)");
        out.success(new InitView(target.toString(), result.written().stream().map(Path::toString).toList(),
                result.skipped().stream().map(Path::toString).toList(), result.notes()), List.of("edit helix.yaml and program.md, commit, then: helix run",
                        "or, as an agent driving yourself: edit the editable files, then helix try -m \"<what you changed>\" (helix guide)"));
        return ExitCodes.OK;
    }
}

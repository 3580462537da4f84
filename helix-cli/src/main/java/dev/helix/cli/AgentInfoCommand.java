package dev.helix.cli;

import dev.helix.adapters.agents.BackendCatalog;
import dev.helix.adapters.process.CallerEnvironment;
import dev.helix.app.doctor.CostCheck;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code helix agent-info}: the commands, flags, exit codes and JSON shapes, for an agent that drives Helix. */
@Command(name = "agent-info", mixinStandardHelpOptions = true,
        description = "Print every command with its flags, the exit codes, the JSON shapes and the backends found, for agents (JSON with --json).")
final class AgentInfoCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // the caller's directory and environment: a resident Helix answers for whoever called it
        AgentInfo info = AgentInfo.of(spec.root(), BackendCatalog.at(main.workingDirectory(), CallerEnvironment.current()),
                CostCheck.ofProject(main.workingDirectory()));
        Output out = main.output();
        out.text(info.text().stripTrailing());
        out.success(info.json(), List.of("the method: helix guide"));
        return ExitCodes.OK;
    }
}

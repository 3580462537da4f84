package dev.helix.cli;

import dev.helix.core.guide.Skill;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code helix guide}: the methodology of the experiment loop, the same text the installed skill holds. */
@Command(name = "guide", mixinStandardHelpOptions = true,
        description = "Print the methodology: how to run the experiment loop with helix try (what 'helix install' teaches agents).")
final class GuideCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        Output out = main.output();
        out.text(Skill.body().stripTrailing());
        out.success(new GuideView(Skill.body()), List.of("teach it to an agent: helix install claude"));
        return ExitCodes.OK;
    }
}

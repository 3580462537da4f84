package dev.helix.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code helix __tags}: the ledger's session tags, one a line, for a completion script to offer after
 * {@code --tag}. Hidden (not in the help, agent-info, man pages or completions): only scripts call it, and
 * it reads the ledger's index alone, so a TAB stays quick.
 */
@Command(name = TagsCommand.NAME, hidden = true, description = "The ledger's session tags, one a line (for completion scripts).")
final class TagsCommand implements Callable<Integer> {
    static final String NAME = "__tags";

    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        Output out = main.dataOutput();
        var tags = SessionRecords.open(main.workingDirectory()).ledger().tags();
        if (out.json()) {
            out.success(tags, java.util.List.of());
        } else {
            tags.forEach(out.data()::println);
            out.data().flush();
        }
        return ExitCodes.OK;
    }
}

package dev.helix.cli;

import dev.helix.app.AppException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code helix completion SHELL}: a completion script for bash, zsh or fish, made from the command model. */
@Command(name = "completion", mixinStandardHelpOptions = true, description = {
    "Print a completion script for bash, zsh or fish: subcommands and their options.",
    "%nbash: helix completion bash > ~/.local/share/bash-completion/completions/helix%n"
        + "zsh:  helix completion zsh > \"${fpath[1]}/_helix\"  (or: source <(helix completion zsh))%n"
        + "fish: helix completion fish > ~/.config/fish/completions/helix.fish"})
final class CompletionCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash, zsh or fish.")
    String shell;

    @Override
    public Integer call() {
        main.output().text(script(shell, Main.tree()));
        return ExitCodes.OK;
    }

    /** The script for {@code shell}; a usage error for a shell Helix has none for. */
    static String script(String shell, CommandLine tree) {
        return switch (shell) {
            // picocli's script serves zsh too, through zsh's bash completion layer (bashcompinit).
            case "bash" -> AutoComplete.bash("helix", tree).stripTrailing();
            case "zsh" -> ("#compdef helix\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
                    + AutoComplete.bash("helix", tree)).stripTrailing();
            case "fish" -> FishCompletion.of(tree);
            default -> throw AppException.usage("bad_shell", "no completion for shell '" + shell + "'",
                    "choose one of " + String.join(", ", List.of("bash", "zsh", "fish")));
        };
    }
}

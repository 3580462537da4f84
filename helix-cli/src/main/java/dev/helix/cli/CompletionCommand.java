package dev.helix.cli;

import dev.helix.app.AppException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** Picocli's branch for a {@code --tag} value, which offers nothing. */
    private static final Pattern TAG_CASE = Pattern.compile("(\\n([ \\t]+)(?:[-\\w]+\\|)*--tag(?:\\|[-\\w]+)*\\)\\n)\\s+return\\n");

    /**
     * The bash script offering the ledger's session tags after {@code --tag}: asked of {@code helix __tags}
     * only when TAB is pressed there (it reads the ledger's index, not its records), in the directory
     * {@code -C} names if the line has one.
     */
    static String withTags(String script) {
        return TAG_CASE.matcher(script).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + "  "
                + "local dir=.; local i; for ((i = 1; i < COMP_CWORD; i++)); do [[ ${COMP_WORDS[i]} == -C ]] && dir=${COMP_WORDS[i+1]}; done\n"
                + m.group(2) + "  local IFS=$'\\n'\n"
                + m.group(2) + "  COMPREPLY=( $( compgen -W \"$(helix -C \"$dir\" __tags 2>/dev/null)\" -- \"${curr_word}\" ) )\n"
                + m.group(2) + "  return\n"));
    }

    /** The script for {@code shell}; a usage error for a shell Helix has none for. */
    static String script(String shell, CommandLine tree) {
        return switch (shell) {
            // picocli's script serves zsh too, through zsh's bash completion layer (bashcompinit).
            case "bash" -> withTags(AutoComplete.bash("helix", tree)).stripTrailing();
            case "zsh" -> ("#compdef helix\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
                    + withTags(AutoComplete.bash("helix", tree))).stripTrailing();
            case "fish" -> FishCompletion.of(tree);
            default -> throw AppException.usage("bad_shell", "no completion for shell '" + shell + "'",
                    "choose one of " + String.join(", ", List.of("bash", "zsh", "fish")));
        };
    }
}

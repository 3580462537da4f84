package dev.helix.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** A fish completion script from the command model: subcommands, then each one's options. */
final class FishCompletion {
    private FishCompletion() {
    }

    static String of(CommandLine tree) {
        List<String> lines = new ArrayList<>();
        lines.add("# fish completion for helix (made by: helix completion fish)");
        lines.add("complete -c helix -f");
        options(tree.getCommandSpec(), "__fish_use_subcommand", lines);
        for (Map.Entry<String, CommandLine> e : tree.getSubcommands().entrySet()) {
            lines.add("complete -c helix -n __fish_use_subcommand -a " + e.getKey() + " -d " + quote(first(e.getValue().getCommandSpec())));
        }
        for (Map.Entry<String, CommandLine> e : tree.getSubcommands().entrySet()) {
            options(e.getValue().getCommandSpec(), "'__fish_seen_subcommand_from " + e.getKey() + "'", lines);
        }
        return String.join("\n", lines);
    }

    private static void options(CommandSpec spec, String condition, List<String> lines) {
        for (OptionSpec o : spec.options()) {
            StringBuilder b = new StringBuilder("complete -c helix -n ").append(condition);
            for (String name : o.names()) {
                if (name.startsWith("--")) b.append(" -l ").append(name.substring(2));
                else if (name.length() == 2) b.append(" -s ").append(name.substring(1));
            }
            if (o.arity().max() > 0) b.append(" -r");
            if (o.description().length > 0) b.append(" -d ").append(quote(o.description()[0]));
            lines.add(b.toString());
        }
    }

    private static String first(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        return d.length == 0 ? "" : d[0];
    }

    private static String quote(String s) {
        String plain = s.replace("%n", " ").replace("%%", "%");
        return "'" + plain.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}

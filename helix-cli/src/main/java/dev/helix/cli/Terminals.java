package dev.helix.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/** How the command line meets a terminal: colour only where one wants it, help as wide as it is, options as people type them. */
final class Terminals {
    private Terminals() {
    }

    /**
     * Whether this process talks to a terminal. JDK 22 to 24 give a Console even to a process whose
     * output is piped (JDK 21 and 25 give none): there Console.isTerminal (JDK 22+) decides, so a
     * program reading Helix's output gets JSON on every JDK, not text on some.
     */
    static boolean attached(java.io.Console console) {
        if (console == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException jdk21) {
            return true; // JDK 21 gives a Console only to a terminal
        }
    }

    /** Colour (ANSI escapes) only on a terminal, and not when NO_COLOR is set (no-color.org) or TERM is dumb. */
    static boolean colour(boolean terminal, Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        return terminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
    }

    /**
     * The command tree as people see it: help in {@code ansi}, fit to the terminal's width, options shown
     * as {@code -C DIR} (both {@code -C DIR} and {@code --tag=T} are accepted), and {@code --version}
     * on {@code helix} alone, where it means something.
     */
    static CommandLine shape(CommandLine cli, Ansi ansi) {
        cli.getSubcommands().values().forEach(sub -> {
            OptionSpec version = sub.getCommandSpec().findOption("--version");
            if (version != null) sub.getCommandSpec().remove(version);
        });
        cli.setColorScheme(Help.defaultColorScheme(ansi));
        cli.setUsageHelpAutoWidth(true);
        cli.setHelpFactory((spec, scheme) -> new Help(spec, scheme) {
            @Override
            public Help.IParamLabelRenderer parameterLabelRenderer() {
                return spaced(super.parameterLabelRenderer());
            }
        });
        return cli;
    }

    /**
     * The terminal's width in columns: {@code COLUMNS} when the shell exports it, else what picocli finds for
     * the help (it asks the terminal), the same width the help is fit to.
     */
    static int width(Map<String, String> env, CommandLine.Model.CommandSpec spec) {
        try {
            int columns = Integer.parseInt(env.getOrDefault("COLUMNS", "").strip());
            if (columns > 0) return columns;
        } catch (NumberFormatException notSet) {
            // fall through to the terminal itself
        }
        return spec.usageMessage().width();
    }

    /** A label renderer that separates an option from its value with a space, as a person types it. */
    private static Help.IParamLabelRenderer spaced(Help.IParamLabelRenderer labels) {
        return new Help.IParamLabelRenderer() {
            @Override
            public Ansi.Text renderParameterLabel(ArgSpec arg, Ansi ansi, List<Ansi.IStyle> styles) {
                Ansi.Text text = labels.renderParameterLabel(arg, ansi, styles);
                String sep = labels.separator();
                return text.plainString().startsWith(sep) ? ansi.new Text(" ").concat(text.substring(sep.length())) : text;
            }

            @Override
            public String separator() {
                return " ";
            }
        };
    }
}

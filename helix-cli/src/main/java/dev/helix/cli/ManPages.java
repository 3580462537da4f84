package dev.helix.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The manual: a roff page per command (helix.1, helix-run.1, ...) made from the command model, so that
 * it says what {@code --help} says. The release build runs it: {@code java -cp helix.jar dev.helix.cli.ManPages MANDIR [COMPLETIONSDIR]},
 * which writes the completion scripts as well.
 */
public final class ManPages {
    private ManPages() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        CommandLine tree = Main.tree();
        String version = Version.build().getProperty("version", "");
        Files.writeString(dir.resolve("helix.1"), page("helix", tree.getCommandSpec(), version, tree.getSubcommands()));
        for (Map.Entry<String, CommandLine> e : tree.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            Files.writeString(dir.resolve("helix-" + e.getKey() + ".1"), page("helix-" + e.getKey(), e.getValue().getCommandSpec(), version, Map.of()));
        }
        // The completion scripts too, when asked: one JVM for the whole of a release's generated parts.
        if (args.length > 1) {
            Path completions = Files.createDirectories(Path.of(args[1]));
            for (String shell : java.util.List.of("bash", "zsh", "fish")) {
                Files.writeString(completions.resolve("helix." + shell), CompletionCommand.script(shell, Main.tree()) + "\n");
            }
        }
    }

    /** One page: name, synopsis, description, arguments, options, and the subcommands on helix's own page. */
    static String page(String name, CommandSpec spec, String version, Map<String, CommandLine> subcommands) {
        List<String> l = new ArrayList<>();
        l.add(".TH " + name.toUpperCase(java.util.Locale.ROOT) + " 1 \"\" \"helix " + version + "\" \"Helix Manual\"");
        String[] description = spec.usageMessage().description();
        l.add(".SH NAME");
        l.add(roff(name) + " \\- " + roff(text(description.length == 0 ? "" : description[0]).lines().findFirst().orElse("")));
        l.add(".SH SYNOPSIS");
        l.add(".B " + roff(spec.qualifiedName()));
        l.add(roff(spec.positionalParameters().isEmpty() ? "[OPTIONS]" : "[OPTIONS] " + String.join(" ",
                spec.positionalParameters().stream().map(PositionalParamSpec::paramLabel).toList())));
        l.add(".SH DESCRIPTION");
        for (String d : description) {
            for (String para : text(d).split("\n")) {
                if (!para.isBlank()) {
                    l.add(".PP");
                    l.add(roff(para));
                }
            }
        }
        if (!spec.positionalParameters().isEmpty()) {
            l.add(".SH ARGUMENTS");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                l.add(".TP");
                l.add(".B " + roff(p.paramLabel()));
                l.add(roff(text(String.join(" ", p.description()))));
            }
        }
        l.add(".SH OPTIONS");
        for (OptionSpec o : spec.options()) {
            l.add(".TP");
            l.add(".B " + roff(String.join(", ", o.names()) + (o.arity().max() > 0 ? " " + o.paramLabel() : "")));
            l.add(roff(text(String.join(" ", o.description()))));
        }
        if (!subcommands.isEmpty()) {
            l.add(".SH COMMANDS");
            subcommands.forEach((sub, cli) -> {
                String[] d = cli.getCommandSpec().usageMessage().description();
                l.add(".TP");
                l.add(".B " + roff("helix " + sub));
                l.add(roff(text(d.length == 0 ? "" : d[0]).lines().findFirst().orElse("")) + " See \\fBhelix\\-" + roff(sub) + "\\fR(1).");
            });
        }
        for (String f : spec.usageMessage().footer()) {
            if (!f.isBlank()) {
                l.add(".PP");
                l.add(roff(text(f)));
            }
        }
        if (!name.equals("helix")) {
            l.add(".SH SEE ALSO");
            l.add("\\fBhelix\\fR(1)");
        }
        return String.join("\n", l) + "\n";
    }

    /** A picocli description as plain text: its format escapes resolved. */
    private static String text(String s) {
        return s.replace("%n", "\n").replace("%%", "%");
    }

    /** Text made safe for roff: backslashes, hyphens, and a line that would start with a control character. */
    static String roff(String s) {
        String r = s.replace("\\", "\\e").replace("-", "\\-");
        return r.startsWith(".") || r.startsWith("'") ? "\\&" + r : r;
    }
}

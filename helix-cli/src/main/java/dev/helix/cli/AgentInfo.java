package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.helix.adapters.agents.BackendCatalog;
import dev.helix.app.doctor.CostCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * What an agent needs to call Helix: every command with its flags, the exit codes and the JSON
 * shapes. Read from picocli's model of the command line, so it cannot drift from the commands.
 */
record AgentInfo(List<Flag> globals, List<Entry> commands, Map<String, String> exitCodes, Map<String, String> shapes,
                 BackendCatalog backends, Optional<String> projectCost) {

    /** One option or positional parameter. */
    record Flag(String name, String param, boolean required, String description) {
        String usage() {
            String shortest = name.split(", ")[0]; // the table lists every name; the synopsis one
            String s = param.isEmpty() ? shortest : name.isEmpty() ? param : shortest + " " + param;
            return required ? s : "[" + s + "]";
        }
    }

    /** One command. */
    record Entry(String name, String summary, List<Flag> flags) {
        String synopsis() {
            StringBuilder s = new StringBuilder("helix ").append(name);
            flags.forEach(f -> s.append(' ').append(f.usage()));
            return s.toString();
        }
    }

    static final Map<String, String> EXIT_CODES = exitCodeTable();

    /** The JSON every command answers with, and the verdict of the agent-facing commands. */
    static final Map<String, String> SHAPES = shapeTable();

    static AgentInfo of(CommandSpec root, BackendCatalog backends, Optional<String> projectCost) {
        List<Flag> globals = new ArrayList<>();
        for (OptionSpec o : root.options()) {
            if (o.scopeType() == picocli.CommandLine.ScopeType.INHERIT && !o.usageHelp() && !o.versionHelp() && !o.hidden()) {
                globals.add(flag(o));
            }
        }
        List<Entry> commands = new ArrayList<>();
        root.subcommands().forEach((name, sub) -> {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.usageMessage().hidden() || !spec.name().equals(name) || name.equals("help")) return;
            List<Flag> flags = new ArrayList<>();
            for (PositionalParamSpec p : spec.positionalParameters()) {
                if (!p.hidden()) flags.add(new Flag("", p.paramLabel() + (p.isMultiValue() ? "..." : ""), p.required(), text(p)));
            }
            for (OptionSpec o : spec.options()) {
                if (o.hidden() || o.usageHelp() || o.versionHelp() || o.inherited()) continue;
                flags.add(flag(o));
            }
            String[] description = spec.usageMessage().description();
            commands.add(new Entry(name, description.length == 0 ? "" : clean(description[0]), flags));
        });
        return new AgentInfo(globals, commands, EXIT_CODES, SHAPES, backends, projectCost);
    }

    String text() {
        StringBuilder s = new StringBuilder();
        s.append("Helix for agents: the commands, their flags, the exit codes, the JSON shapes and the backends found.\n");
        s.append("Generated from the command line itself; 'helix agent-info --json' gives the same as JSON.\n");
        s.append("The method (read, hypothesize, edit, helix try, read the verdict, repeat): 'helix guide'.\n");
        s.append("At the end of a session: 'helix finalize' confirms the gain, weighs each kept change and writes helix/TAG-final.\n\n");
        s.append("Output\n  Text on a terminal; otherwise (or with --json) one JSON envelope:\n");
        shapes.forEach((name, shape) -> s.append("  ").append(name).append(":\n    ").append(shape).append('\n'));
        s.append("\nExit codes\n");
        exitCodes.forEach((code, meaning) -> s.append(String.format(Locale.ROOT, "  %-4s %s\n", code, meaning)));
        s.append("\nGlobal options (every command)\n");
        globals.forEach(f -> s.append(line(f)));
        s.append("\nCommands\n");
        for (Entry c : commands) {
            s.append("  ").append(c.synopsis()).append('\n');
            s.append("      ").append(c.summary()).append('\n');
            c.flags().forEach(f -> s.append("    ").append(line(f)));
        }
        s.append("\nBackends (agent.backend, --backend) and where each came from\n");
        backends.entries().forEach(e -> s.append(String.format(Locale.ROOT, "  %-26s %s; cost %s\n", e.name(), e.origin(),
                CostCheck.ofBackend(e.name()))));
        projectCost.ifPresent(c -> s.append("  this project's helix.yaml: ").append(c).append('\n'));
        if (!backends.broken().isEmpty()) {
            s.append("\nPlugins not loaded (the other backends work without them)\n");
            backends.broken().forEach(b -> s.append("  ").append(b.message()).append('\n'));
        }
        return s.toString();
    }

    /** The same as JSON: every command with its synopsis and flags, the exit codes and the shapes. */
    View json() {
        return new View(globals.stream().map(FlagView::of).toList(), commands.stream().map(c -> new CommandView(c.name(),
                c.synopsis(), c.summary(), c.flags().stream().map(FlagView::of).toList())).toList(), exitCodes, shapes,
                backends.entries().stream().map(e -> new BackendView(e.name(), e.origin(), CostCheck.ofBackend(e.name()))).toList(),
                backends.broken().stream().map(b -> new BrokenView(b.jar().toString(), b.problem())).toList(), projectCost.orElse(null));
    }

    /** What agents read: {@code helix agent-info --json}'s data. */
    record View(@JsonProperty("global_options") List<FlagView> globalOptions, List<CommandView> commands,
                @JsonProperty("exit_codes") Map<String, String> exitCodes, Map<String, String> shapes,
                List<BackendView> backends, @JsonProperty("plugins_not_loaded") List<BrokenView> pluginsNotLoaded,
                @JsonProperty("project_cost") @JsonInclude(JsonInclude.Include.NON_NULL) String projectCost) {}

    /** A backend, where it came from ("built-in", "class path" or the plugin jar's path) and where its cost comes from. */
    record BackendView(String name, String origin, String cost) {}

    /** A plugin jar (or a provider in it) that did not load, and why. */
    record BrokenView(String jar, String problem) {}

    /** One command as agents read it. */
    record CommandView(String name, String synopsis, String description, List<FlagView> flags) {}

    /** One flag as agents read it: a positional parameter is named by its label, and has no separate param. */
    record FlagView(String name, boolean positional, @JsonInclude(JsonInclude.Include.NON_NULL) String param,
                    boolean required, String description) {
        static FlagView of(Flag f) {
            return new FlagView(f.name().isEmpty() ? f.param() : f.name(), f.name().isEmpty(),
                    !f.param().isEmpty() && !f.name().isEmpty() ? f.param() : null, f.required(), f.description());
        }
    }

    private static String line(Flag f) {
        String left = f.name().isEmpty() ? f.param() : f.param().isEmpty() ? f.name() : f.name() + " " + f.param();
        return String.format(Locale.ROOT, "  %-26s %s\n", left, f.description());
    }

    private static Flag flag(OptionSpec o) {
        String names = String.join(", ", o.names());
        String param = o.typeInfo().isBoolean() ? "" : o.paramLabel();
        return new Flag(names, param, o.required(), text(o));
    }

    private static String text(ArgSpec a) {
        return clean(String.join(" ", a.description()));
    }

    private static String clean(String s) {
        return s.replace("%n", " ").replaceAll("\\s+", " ").strip();
    }

    private static Map<String, String> exitCodeTable() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Integer.toString(ExitCodes.OK), "success");
        m.put(Integer.toString(ExitCodes.FAILURE), "runtime failure: a retry may help");
        m.put(Integer.toString(ExitCodes.USAGE), "usage or configuration error: fix it (see error.suggestion), don't retry");
        m.put(Integer.toString(ExitCodes.INTERRUPTED), "interrupted (Ctrl-C): stop");
        return m;
    }

    private static Map<String, String> shapeTable() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("success", "{\"status\":\"success\",\"data\":{...},\"hints\":[\"...\"]}");
        m.put("error", "{\"status\":\"error\",\"error\":{\"code\":\"...\",\"message\":\"...\",\"suggestion\":\"...\"}}");
        m.put("verdict (data of helix try)", "{\"tag\":\"nov23\",\"run\":7,\"status\":\"keep|discard|crash|rejected\","
                + "\"metric\":0.412,\"delta\":-0.013,\"delta_pct\":-3.1,\"best\":0.412,\"baseline\":0.52,"
                + "\"delta_vs_baseline\":-0.108,\"reason\":\"...\",\"kept\":true,\"commit\":\"...\",\"log\":\"...\","
                + "\"log_tail\":\"... (after a crash)\",\"record\":{...the ledger record...},\"left_alone\":[\"notes.txt\"],"
                + "\"briefing\":\"## The machine ... (first try only)\"} "
                + "with hints in the envelope; delta is against the best before this experiment, negative when the metric fell; "
                + "left_alone names untracked files outside scope.editable that changed: never committed, never removed; "
                + "briefing, on a session's first try: the machine, and the earlier sessions' baseline and best to beat");
        m.put("record (data of helix record)", "the ledger record: {\"run\":8,\"status\":\"discard\",\"primary\":0.43,"
                + "\"delta\":0.018,\"description\":\"...\",...,\"better_than_best\":\"... (only for a discard that beats the best)\"} "
                + "with the same hints in the envelope as helix try gives");
        m.put("status before the first experiment (data of helix status)", "{\"running\":false,\"experiments\":0,...} "
                + "exit 0, with the hint \"no experiments yet; run `helix try -m ...` after your first edit\"; helix log: []");
        m.put("patch (data of helix show N --patch --json)", "{\"tag\":\"nov23\",\"run\":9,\"parent\":\"<commit>\","
                + "\"commit\":\"<commit>\",\"patch\":\"diff --git ...\"}; without --json the patch alone, for git apply");
        m.put("verify (data of helix verify)", "deterministic metric: {\"run\":7,\"reproduces\":true,\"recorded\":0.41,"
                + "\"mean\":0.41,\"ci_low\":0.41,\"ci_high\":0.41,\"samples\":[...],\"reason\":\"...\"}; noisy metric: "
                + "{\"run\":7,\"reproduces\":true,\"parent\":\"<commit>\",\"recorded_effect\":-0.013,\"effect\":-0.011,"
                + "\"ci_low\":-0.016,\"ci_high\":-0.006,\"p_value\":0.001,\"recorded_inside\":true,\"blocks\":7,"
                + "\"samples\":[...],\"parent_samples\":[...],\"reason\":\"...\"}; with --all-kept: "
                + "{\"checks\":[...one of those per keep...],\"reproduced\":3,\"total\":4}");
        m.put("finalize (data of helix finalize)", "{\"tag\":\"nov23\",\"metric\":\"score\",\"baseline\":10,\"best\":32,"
                + "\"best_run\":4,\"gain\":{\"value\":22,\"ci_low\":21,\"ci_high\":23,\"confidence\":0.95,\"blocks\":3},"
                + "\"confirmed\":true,\"confirmation\":\"...\",\"final_gain\":{...} (only when changes were dropped),"
                + "\"final_crash\":\"...\" (only when that tree did not evaluate),"
                + "\"changes\":[{\"run\":1,\"description\":\"...\",\"commit\":\"<commit>\",\"contribution\":{...} (absent when it "
                + "did not revert cleanly),\"cost_usd\":0.12,"
                + "\"fate\":\"needed|crashes_without|checks_fail_without|dropped|marginal|unclear|kept_on_request|needed_by_later\","
                + "\"kept\":true,\"why\":\"...\"}],\"branch\":\"helix/nov23-final\",\"base\":\"<commit>\",\"commits\":[...],"
                + "\"squashed\":false,\"written\":true,\"cost_usd\":1.5,\"summary\":\".helix/runs/nov23/final.md\"}; "
                + "gains are signed so that positive is better; run it at the end of a session; beside the summary, final.json holds "
                + "{\"confirmed\":true,\"changes\":4,\"measured\":3,\"dropped\":1,\"marginal\":0,\"kept_anyway\":0,\"unclear\":1,"
                + "\"written\":true,\"branch\":\"helix/nov23-final\"}");
        m.put("doctor (data of helix doctor)", "{\"ok\":true,\"checks\":[{\"id\":\"clean_tree\",\"title\":\"...\","
                + "\"status\":\"pass|warn|fail|skip\",\"message\":\"...\",\"fix\":\"...\"}]}");
        return m;
    }
}

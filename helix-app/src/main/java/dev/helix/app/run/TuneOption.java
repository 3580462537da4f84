package dev.helix.app.run;

import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.scope.Glob;
import dev.helix.core.spec.Spec;
import dev.helix.core.tune.ParameterText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code helix run --tune [FILE:]NAME=LOW..HIGH[:log]} (or {@code NAME=a|b|c}): the tuner's
 * parameters given on the command line, for a project whose spec cannot declare them (an
 * autoresearch.toml, a research.json): each one is the value assigned to NAME in FILE
 * ({@code NAME = 0.01}, {@code NAME: 16}, quoted or not), FILE being the one editable file when it
 * is not given. They replace search.parameters, and the built-in tuner proposes.
 */
final class TuneOption {
    /** A number as a program writes one: 3, -0.5, 1e-4, 2_000, .5 */
    private static final String NUMBER = "[-+]?(?:[0-9][0-9_]*(?:\\.[0-9_]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?";
    private static final String WORD = "[^\"'\\s,;#)]+";
    private static final Pattern WHOLE = Pattern.compile("[-+]?[0-9][0-9_]*");

    private TuneOption() {}

    /** {@code spec} with the parameters {@code given} as its search.parameters, each checked against the file at {@code repo}. */
    static Spec apply(Spec spec, List<String> given, Path repo) {
        List<Spec.Parameter> parameters = new ArrayList<>();
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String option : given) {
            Spec.Parameter p = parse(option, spec);
            if (!names.add(p.name())) {
                String other = parameters.stream().filter(q -> q.name().equals(p.name())).findFirst().orElseThrow().file();
                throw bad(option, p.name() + " is given twice" + (other.equals(p.file()) ? "" : " (in " + other + " and " + p.file() + ")"),
                        "give each parameter once: a name is tuned in one file per session");
            }
            check(option, p, spec, repo);
            parameters.add(p);
        }
        Spec.SearchSpec search = new Spec.SearchSpec(parameters, spec.search().seed(), spec.search().initialRandom());
        return new Spec(spec.name(), spec.version(), spec.domain(), spec.description(), spec.author(), spec.scope(),
                spec.metrics(), spec.evaluate(), spec.judge(), spec.agent(), search, spec.run(), spec.requirements(), spec.source());
    }

    static Spec.Parameter parse(String option, Spec spec) {
        int eq = option.indexOf('=');
        if (eq <= 0 || eq == option.length() - 1) {
            throw bad(option, "expected [FILE:]NAME=LOW..HIGH or [FILE:]NAME=a|b|c", "e.g. --tune LR=1e-4..1e-2:log or --tune train.py:BATCH=16..128");
        }
        String left = option.substring(0, eq).strip();
        String right = option.substring(eq + 1).strip();
        int colon = left.lastIndexOf(':');
        String name = left.substring(colon + 1).strip();
        String file = colon < 0 ? onlyEditable(option, spec) : left.substring(0, colon).strip();
        if (!name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
            throw bad(option, "'" + name + "' is not a name as a program assigns it", "use the name as written in the file, e.g. LR or batch_size");
        }
        // NAME = v, NAME: v (YAML), "NAME": v (JSON), NAME: float = v (a Python annotation); the value quoted or not
        String key = "(?:\"" + Pattern.quote(name) + "\"|'" + Pattern.quote(name) + "'|" + Pattern.quote(name) + ")";
        String assigned = "^[ \\t]*" + key + "[ \\t]*(?::[ \\t]*[A-Za-z_][\\w.\\[\\]]*[ \\t]*)?[:=][ \\t]*[\"']?";
        if (right.contains("|")) {
            List<String> values = Arrays.stream(right.split("\\|", -1)).map(String::strip).toList();
            if (values.size() < 2 || values.stream().anyMatch(v -> !v.matches(WORD))) {
                throw bad(option, "the values '" + right + "' are not two or more plain words", "e.g. --tune ACT=relu|gelu|silu");
            }
            return new Spec.Parameter(name, file, assigned + "(" + WORD + ")", Spec.ParamType.CATEGORICAL, 0, 0, false, values);
        }
        boolean log = right.endsWith(":log");
        String range = log ? right.substring(0, right.length() - 4) : right;
        String[] bounds = range.split("\\.\\.", -1);
        if (bounds.length != 2 || !bounds[0].strip().matches(NUMBER) || !bounds[1].strip().matches(NUMBER)) {
            throw bad(option, "'" + right + "' is not a range LOW..HIGH[:log] or values a|b|c", "e.g. --tune LR=0.0001..0.01:log");
        }
        double low = number(bounds[0]);
        double high = number(bounds[1]);
        if (!(low < high)) throw bad(option, "the range's low end must be below its high end", "e.g. --tune BATCH=16..128");
        if (log && !(low > 0)) throw bad(option, "a log scale needs a range above 0", "drop :log, or start the range above 0");
        boolean whole = WHOLE.matcher(bounds[0].strip()).matches() && WHOLE.matcher(bounds[1].strip()).matches();
        return new Spec.Parameter(name, file, assigned + "(" + NUMBER + ")", whole ? Spec.ParamType.INT : Spec.ParamType.FLOAT,
                low, high, log, List.of());
    }

    /** The file, the name's assignment in it, and the file in scope.editable: what every experiment will rewrite. */
    private static void check(String option, Spec.Parameter p, Spec spec, Path repo) {
        Optional<String> text = Workspace.readIfExists(repo.resolve(p.file()));
        if (text.isEmpty()) throw bad(option, p.file() + " does not exist", "name a committed file relative to the repository root: --tune FILE:" + p.name() + "=...");
        if (ParameterText.read(p, text.get()).isEmpty()) {
            throw bad(option, p.file() + " has no line assigning " + p.name() + " (like '" + p.name() + " = ...' or '" + p.name() + ": ...')",
                    "use the name as the file writes it, or declare the parameter with a pattern of its own in helix.yaml's search.parameters");
        }
        List<Integer> lines = assignments(p, text.get());
        if (lines.size() > 1) {
            // the tuner rewrites the first one only; a later one would silently override what it set
            throw bad(option, p.file() + " assigns " + p.name() + " on lines " + lines.stream().map(String::valueOf)
                            .collect(java.util.stream.Collectors.joining(", ")) + ": which one to tune is unclear",
                    "leave one assignment of " + p.name() + " in " + p.file() + ", or declare the parameter in helix.yaml's "
                            + "search.parameters with a pattern that matches only the one you mean"
                            + (spec.source().endsWith("helix.yaml") ? "" : " (helix init --from " + spec.source() + " writes a helix.yaml)"));
        }
        if (!Glob.any(spec.scope().editable(), p.file())) {
            throw bad(option, p.file() + " is not editable (" + spec.source() + " makes " + spec.scope().editable() + " editable)",
                    "tune a value in an editable file");
        }
    }

    /** The line numbers (from 1) of every assignment of {@code p} in {@code text}. */
    private static List<Integer> assignments(Spec.Parameter p, String text) {
        List<Integer> lines = new ArrayList<>();
        var m = Pattern.compile(p.pattern(), Pattern.MULTILINE).matcher(text);
        while (m.find()) lines.add((int) text.substring(0, m.start(1)).chars().filter(c -> c == '\n').count() + 1);
        return lines;
    }

    private static String onlyEditable(String option, Spec spec) {
        List<String> editable = spec.scope().editable();
        if (editable.size() == 1 && !editable.get(0).matches(".*[*?\\[{].*")) return editable.get(0);
        throw bad(option, "which file? " + spec.source() + " makes " + editable + " editable",
                "name it: --tune FILE:" + option.substring(0, option.indexOf('=')).strip() + option.substring(option.indexOf('=')));
    }

    private static double number(String text) {
        return Double.parseDouble(text.strip().replace("_", ""));
    }

    private static AppException bad(String option, String what, String fix) {
        return AppException.usage("bad_tune", "--tune " + option + ": " + what, fix);
    }
}

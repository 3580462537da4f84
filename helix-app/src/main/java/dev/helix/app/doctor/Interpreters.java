package dev.helix.app.doctor;

import dev.helix.adapters.process.Programs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For an evaluation that failed on a Python import: which interpreter on this machine can import
 * the missing module, so the fix is naming it in evaluate.command rather than installing blindly.
 */
final class Interpreters {

    private static final Pattern MISSING = Pattern.compile(
            "(?:ModuleNotFoundError: No module named|ImportError: No module named) '?([A-Za-z_][\\w.]*)'?");
    private static final List<String> NAMES = List.of("python3", "python", "python3.13", "python3.12", "python3.11",
            "python3.10", "python3.9");

    private Interpreters() {}

    /** The module an output says could not be imported (its top-level package), if it says so. */
    static Optional<String> missingModule(String output) {
        Matcher m = MISSING.matcher(output);
        String last = null;
        while (m.find()) last = m.group(1);
        return Optional.ofNullable(last).map(n -> n.contains(".") ? n.substring(0, n.indexOf('.')) : n);
    }

    /** A sentence naming the interpreters on PATH (and in a .venv of the repository) that can import {@code module}. */
    static String advice(String module, Path repo, Map<String, String> env) {
        Set<Path> candidates = new LinkedHashSet<>();
        for (String venv : List.of(".venv/bin/python", "venv/bin/python")) {
            Path p = repo.resolve(venv);
            if (p.toFile().canExecute()) candidates.add(p);
        }
        for (String name : NAMES) Programs.locate(name, env).ifPresent(candidates::add);
        List<String> able = new ArrayList<>();
        for (Path p : candidates) {
            if (imports(p, module)) able.add(p.toString());
        }
        if (able.isEmpty()) {
            return "no Python on PATH" + (candidates.isEmpty() ? "" : " (" + candidates.size() + " tried)")
                    + " can import " + module + ": install it into the interpreter evaluate.command uses (e.g. uv add " + module
                    + " or pip install " + module + ")";
        }
        return String.join(", ", able) + (able.size() == 1 ? " can" : " can each") + " import " + module
                + ": start evaluate.command with it (e.g. " + able.get(0) + " train.py)";
    }

    private static boolean imports(Path python, String module) {
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import " + module).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            // a heavy import (torch) takes seconds; a hung one must not hold up the doctor
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

package dev.helix.core.spec;

import dev.helix.core.json.Json;
import dev.helix.core.json.JsonException;
import dev.helix.core.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Guesses, from the names at a repository's root and a few small files, what kind of project it is
 * and a first helix.yaml for it. A guess: for most project types the command does not print a
 * metric yet, and the notes say what the person has to change.
 */
public final class ProjectDetector {

    /**
     * A first guess at a spec for a project.
     *
     * @param type ml, node, maven, gradle, cargo, go, python, flutter, make, cmake, meson (C and C++) or generic
     * @param pattern the regex for the primary metric (output format pattern)
     * @param notes what the person should check or change, one sentence each
     */
    public record Detection(
            String type,
            List<String> editable,
            List<String> readonly,
            String command,
            Optional<String> setup,
            String metricName,
            Direction direction,
            String pattern,
            int timeoutSeconds,
            String domain,
            String description,
            List<String> notes) {
        public Detection {
            editable = List.copyOf(editable);
            readonly = List.copyOf(readonly);
            notes = List.copyOf(notes);
        }
    }


    private ProjectDetector() {}

    /**
     * @param rootNames names of the files and directories directly at the repository root
     * @param readFile the text of a root file by name, empty when absent or unreadable
     */
    public static Detection detect(Set<String> rootNames, Function<String, Optional<String>> readFile) {
        if (rootNames.contains("train.py")) return ml(rootNames);
        if (rootNames.contains("pubspec.yaml")) return flutter(rootNames);
        if (rootNames.contains("Cargo.toml")) return cargo(rootNames);
        if (rootNames.contains("go.mod")) return go();
        if (rootNames.contains("pom.xml")) return maven(rootNames);
        if (rootNames.contains("build.gradle") || rootNames.contains("build.gradle.kts")) return gradle(rootNames);
        if (rootNames.contains("package.json")) return node(rootNames, readFile.apply("package.json"));
        if (rootNames.contains("pyproject.toml") || rootNames.contains("setup.py") || rootNames.contains("requirements.txt")) {
            return python(rootNames, readFile.apply("pyproject.toml"));
        }
        return NativeProject.detect(rootNames, readFile).orElseGet(() -> generic(rootNames));
    }

    /**
     * autoresearch-like: train.py is the experiment, prepare.py the fixed data and evaluation; a
     * nanoGPT-like tree keeps its data preparation in data/&lt;set&gt;/prepare.py and what one
     * usually edits in config/*.py, and may have an evaluate.py.
     */
    private static Detection ml(Set<String> root) {
        boolean uv = root.contains("uv.lock") || root.contains("pyproject.toml");
        String run = uv ? "uv run " : "python ";
        boolean prepare = root.contains("prepare.py");
        List<String> dataPrepares = root.stream().filter(n -> n.matches("data/[^/]+/prepare\\.py")).sorted().toList();
        List<String> configs = root.stream().filter(n -> n.matches("config/[^/]+\\.py")).sorted().toList();
        String evaluator = root.contains("evaluate.py") ? "evaluate.py" : root.contains("eval.py") ? "eval.py" : null;
        List<String> notes = new ArrayList<>();
        List<String> editable = new ArrayList<>(List.of("train.py"));
        if (root.contains("model.py") && !configs.isEmpty()) editable.add("model.py");
        if (!configs.isEmpty()) editable.add("config/*.py");
        List<String> readonly = new ArrayList<>();
        if (prepare) readonly.add("prepare.py");
        readonly.addAll(dataPrepares);
        if (evaluator != null) readonly.add(evaluator);
        Optional<String> setup = prepare ? Optional.of(run + "prepare.py")
                : dataPrepares.isEmpty() ? Optional.empty() : Optional.of(run + dataPrepares.get(0));
        if (!prepare && dataPrepares.size() > 1) {
            notes.add("Several datasets are prepared under data/ (" + String.join(", ", dataPrepares) + "): evaluate.setup prepares "
                    + dataPrepares.get(0) + "; point it at the one you train on.");
        }
        String train = configs.stream().filter(c -> c.startsWith("config/train")).findFirst().map(c -> "train.py " + c).orElse("train.py");
        String command = evaluator != null ? run + train + " && " + run + evaluator : run + train;
        boolean nano = !prepare && (!dataPrepares.isEmpty() || !configs.isEmpty());
        String metric = nano ? "val_loss" : "val_bpb";
        String pattern = nano ? "val loss ([\\d.]+)" : "^val_bpb:\\s*([\\d.]+)";
        notes.add(nano ? "train.py is taken to print lines like `step 250: train loss 1.9, val loss 2.0` (the last val loss is the metric); "
                + "change metrics.primary and evaluate.patterns.primary if it reports something else."
                : "train.py must print a line `val_bpb: <value>`; change metrics.primary and evaluate.patterns.primary if it reports something else.");
        if (!prepare && dataPrepares.isEmpty() && evaluator == null) {
            notes.add("No prepare.py: make sure the evaluation cannot be changed by editing train.py, or list the evaluator under scope.readonly.");
        }
        return new Detection("ml", editable, readonly, command, setup, metric, Direction.MINIMIZE, pattern, 600, "AI/ML",
                nano ? "Lower the validation loss of train.py within a fixed training budget."
                        : "Lower the validation bits per byte of train.py within a fixed training budget.", notes);
    }

    private static Detection node(Set<String> root, Optional<String> packageJson) {
        String pm = root.contains("pnpm-lock.yaml") ? "pnpm" : root.contains("yarn.lock") ? "yarn" : "npm";
        List<String> notes = new ArrayList<>();
        String script = null;
        boolean hasTest = false;
        // An empty package.json holds no scripts; it is not malformed.
        if (packageJson.isPresent() && !packageJson.get().isBlank()) {
            try {
                JsonValue manifest = Json.parse(packageJson.get());
                java.util.function.Predicate<String> scripts = name -> manifest.get("scripts").flatMap(s -> s.get(name)).isPresent();
                if (scripts.test("bench")) script = "bench";
                else if (scripts.test("benchmark")) script = "benchmark";
                hasTest = scripts.test("test");
            } catch (JsonException e) {
                notes.add("package.json could not be parsed (" + e.getMessage() + "); the command is a guess.");
            }
        }
        String command = script != null ? (pm.equals("yarn") ? "yarn " + script : pm + " run " + script) : pm + " test";
        if (script == null && !hasTest) notes.add("package.json has no test or bench script; set evaluate.command to what measures the code.");
        notes.add("`" + command + "` must print a line `time_ms: <value>`; adjust metrics.primary and evaluate.patterns to what it prints.");
        String dir = root.contains("src") ? "src/" : root.contains("lib") ? "lib/" : "";
        if (dir.isEmpty()) notes.add("No src/ directory: scope.editable lists root-level sources only; widen it if the code lives elsewhere.");
        List<String> editable = List.of(dir + (dir.isEmpty() ? "*.js" : "**/*.js"), dir + (dir.isEmpty() ? "*.ts" : "**/*.ts"));
        List<String> readonly = new ArrayList<>(List.of("package.json"));
        for (String lock : List.of("package-lock.json", "pnpm-lock.yaml", "yarn.lock")) if (root.contains(lock)) readonly.add(lock);
        tests(root, readonly, "test", "tests", "__tests__");
        return new Detection("node", editable, readonly, command, Optional.empty(), "time_ms", Direction.MINIMIZE,
                SpecReader.defaultPattern("time_ms"), 300, "software",
                "Make the code faster (lower time_ms) while " + command + " still passes.", notes);
    }

    private static Detection maven(Set<String> root) {
        List<String> readonly = new ArrayList<>(List.of("pom.xml", "src/test/**"));
        return new Detection("maven", List.of("src/main/java/**/*.java"), readonly, "mvn -q -B test", Optional.empty(),
                "time_ms", Direction.MINIMIZE, SpecReader.defaultPattern("time_ms"), 600, "software",
                "Make the Java code faster (lower time_ms) while the tests still pass.",
                List.of("`mvn -q -B test` does not print a metric: make it (or a benchmark you add) print `time_ms: <value>`, or change evaluate.command."));
    }

    private static Detection gradle(Set<String> root) {
        boolean kts = root.contains("build.gradle.kts");
        String gradle = root.contains("gradlew") ? "./gradlew" : "gradle";
        List<String> editable = kts ? List.of("src/main/java/**/*.java", "src/main/kotlin/**/*.kt") : List.of("src/main/java/**/*.java");
        List<String> readonly = new ArrayList<>();
        for (String f : List.of("build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts")) {
            if (root.contains(f)) readonly.add(f);
        }
        readonly.add("src/test/**");
        String command = gradle + " test -q";
        return new Detection("gradle", editable, readonly, command, Optional.empty(), "time_ms", Direction.MINIMIZE,
                SpecReader.defaultPattern("time_ms"), 600, "software",
                "Make the code faster (lower time_ms) while the tests still pass.",
                List.of("`" + command + "` does not print a metric: make it (or a benchmark task) print `time_ms: <value>`, or change evaluate.command."));
    }

    private static Detection cargo(Set<String> root) {
        boolean benches = root.contains("benches");
        String command = benches ? "cargo bench" : "cargo test --release";
        List<String> readonly = new ArrayList<>(List.of("Cargo.toml"));
        if (root.contains("Cargo.lock")) readonly.add("Cargo.lock");
        tests(root, readonly, "tests", "benches");
        return new Detection("cargo", List.of("src/**/*.rs"), readonly, command, Optional.empty(), "time_ms",
                Direction.MINIMIZE, SpecReader.defaultPattern("time_ms"), 600, "software",
                "Make the Rust code faster (lower time_ms) while " + command + " still passes.",
                List.of("`" + command + "` does not print `time_ms: <value>` by itself: print it from a benchmark, or change metrics.primary and evaluate.patterns."));
    }

    /** Go benchmarks print "BenchmarkX-8  1000  1234 ns/op", which the pattern reads directly. */
    private static Detection go() {
        return new Detection("go", List.of("**/*.go"), List.of("go.mod", "go.sum", "**/*_test.go"),
                "go test -bench=. ./...", Optional.empty(), "ns_per_op", Direction.MINIMIZE,
                "^Benchmark\\S*\\s+\\d+\\s+([\\d.]+) ns/op", 600, "software",
                "Make the Go code faster (fewer ns/op) while the tests still pass.",
                List.of("The pattern reads the ns/op of a benchmark line; with several benchmarks, narrow the command with -bench=<name>.",
                        "Test files (*_test.go) are readonly, so the benchmark cannot be changed to look faster."));
    }

    private static Detection python(Set<String> root, Optional<String> pyproject) {
        List<String> notes = new ArrayList<>();
        List<String> editable;
        String pkg = pyproject.flatMap(ProjectDetector::projectName)
                .map(n -> n.toLowerCase(Locale.ROOT).replaceAll("[-.]+", "_")).orElse(null);
        if (root.contains("src")) {
            editable = List.of("src/**/*.py");
        } else if (pkg != null && root.contains(pkg)) {
            editable = List.of(pkg + "/**/*.py");
        } else {
            editable = List.of("*.py");
            notes.add("Could not find the package directory: scope.editable lists root-level *.py files only.");
        }
        String runner = root.contains("uv.lock") ? "uv run pytest -q" : root.contains("poetry.lock") ? "poetry run pytest -q" : "python -m pytest -q";
        List<String> readonly = new ArrayList<>();
        for (String f : List.of("pyproject.toml", "setup.py", "uv.lock", "poetry.lock", "requirements.txt")) {
            if (root.contains(f)) readonly.add(f);
        }
        tests(root, readonly, "tests", "test");
        notes.add("`" + runner + "` does not print a metric: make it (or a benchmark script) print `time_ms: <value>`, or change evaluate.command.");
        return new Detection("python", editable, readonly, runner, Optional.empty(), "time_ms", Direction.MINIMIZE,
                SpecReader.defaultPattern("time_ms"), 300, "software",
                "Make the Python code faster (lower time_ms) while the tests still pass.", notes);
    }

    private static Detection flutter(Set<String> root) {
        List<String> readonly = new ArrayList<>(List.of("pubspec.yaml"));
        if (root.contains("pubspec.lock")) readonly.add("pubspec.lock");
        readonly.add("test/**");
        return new Detection("flutter", List.of("lib/**/*.dart"), readonly, "flutter test", Optional.empty(), "time_ms",
                Direction.MINIMIZE, SpecReader.defaultPattern("time_ms"), 600, "software",
                "Make the Dart code faster (lower time_ms) while flutter test still passes.",
                List.of("`flutter test` does not print a metric: print `time_ms: <value>` from a benchmark test, or change evaluate.command."));
    }

    private static Detection generic(Set<String> root) {
        List<String> notes = new ArrayList<>();
        List<String> readonly = new ArrayList<>();
        String command = null;
        for (String f : List.of("evaluate.py", "eval.py", "bench.py", "benchmark.py")) {
            if (command == null && root.contains(f)) { command = "python " + f; readonly.add(f); }
        }
        for (String f : List.of("evaluate.sh", "eval.sh", "bench.sh", "benchmark.sh")) {
            if (command == null && root.contains(f)) { command = "./" + f; readonly.add(f); }
        }
        if (command == null && root.contains("Makefile")) {
            command = "make test";
            readonly.add("Makefile");
        }
        if (command == null) {
            command = "./evaluate.sh";
            notes.add("No evaluator found: write ./evaluate.sh (or set evaluate.command) so it prints `score: <value>`.");
        } else {
            notes.add("`" + command + "` must print a line `score: <value>`; adjust metrics.primary and evaluate.patterns to what it prints.");
        }
        List<String> editable = root.contains("src") ? List.of("src/**") : List.of("**/*");
        if (!root.contains("src")) notes.add("scope.editable allows every file except the readonly ones: narrow it to the files worth changing.");
        return new Detection("generic", editable, readonly, command, Optional.empty(), "score", Direction.MAXIMIZE,
                SpecReader.defaultPattern("score"), 300, "general", "Raise the score printed by " + command + ".", notes);
    }

    private static void tests(Set<String> root, List<String> readonly, String... dirs) {
        for (String d : dirs) if (root.contains(d)) readonly.add(d + "/**");
    }

    private static final Pattern SECTION = Pattern.compile("^\\s*\\[([^\\]]+)]\\s*$");
    private static final Pattern NAME = Pattern.compile("^\\s*name\\s*=\\s*[\"']([^\"']+)[\"']");

    /** The name in [project] or [tool.poetry] of a pyproject.toml, read line by line (no TOML parser in the core). */
    static Optional<String> projectName(String pyproject) {
        String section = "";
        for (String line : pyproject.split("\\R")) {
            Matcher s = SECTION.matcher(line);
            if (s.matches()) {
                section = s.group(1).trim();
                continue;
            }
            Matcher n = NAME.matcher(line);
            if (n.find() && (section.equals("project") || section.equals("tool.poetry"))) return Optional.of(n.group(1));
        }
        return Optional.empty();
    }
}

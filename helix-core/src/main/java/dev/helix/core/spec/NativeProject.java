package dev.helix.core.spec;

import dev.helix.core.spec.ProjectDetector.Detection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A C or C++ project (Makefile, CMake or meson) as {@code helix init} proposes it: the evaluation is
 * a benchmark or test target the build file really declares, never a guessed {@code make test}.
 */
final class NativeProject {
    private static final List<String> SOURCES = List.of("**/*.c", "**/*.h", "**/*.cc", "**/*.cpp", "**/*.hpp");
    /** Targets worth running, best first: a benchmark measures, a test at least exercises the code. */
    private static final List<String> MAKE_TARGETS = List.of("bench", "benchmark", "benchmarks", "check", "test", "tests");
    private static final Pattern MAKE_TARGET = Pattern.compile("(?m)^([A-Za-z0-9_.-]+)\\s*:(?!=)");
    private static final Pattern CMAKE_EXECUTABLE = Pattern.compile("(?i)add_executable\\s*\\(\\s*([A-Za-z0-9_.-]+)");

    private NativeProject() {}

    /** The project when its root has a C/C++ build file, else empty. */
    static Optional<Detection> detect(Set<String> root, Function<String, Optional<String>> readFile) {
        if (root.contains("CMakeLists.txt")) return Optional.of(cmake(root, readFile.apply("CMakeLists.txt").orElse("")));
        if (root.contains("meson.build")) return Optional.of(meson(root, readFile.apply("meson.build").orElse("")));
        for (String makefile : List.of("GNUmakefile", "Makefile", "makefile")) {
            if (root.contains(makefile) && looksNative(root)) return Optional.of(make(root, makefile, readFile.apply(makefile).orElse("")));
        }
        return Optional.empty();
    }

    /** C or C++ sources at the root or the folders such projects keep them in. */
    private static boolean looksNative(Set<String> root) {
        return root.stream().anyMatch(n -> n.matches(".*\\.(c|h|cc|cpp|hpp)$"))
                || root.contains("lib") || root.contains("src") || root.contains("include") || root.contains("programs");
    }

    private static Detection make(Set<String> root, String makefile, String text) {
        List<String> targets = new ArrayList<>();
        Matcher m = MAKE_TARGET.matcher(text);
        while (m.find()) targets.add(m.group(1));
        Optional<String> target = MAKE_TARGETS.stream().filter(targets::contains).findFirst();
        String command = "make -j" + target.map(t -> " " + t).orElse("");
        List<String> notes = new ArrayList<>();
        notes.add(target.map(t -> "`make " + t + "` is the " + makefile + "'s own target; ").orElse(
                makefile + " has no bench, check or test target: `make` only builds; ") + "make the evaluation print `time_ms: <value>` "
                + "(e.g. a benchmark run after the build), or change metrics.primary and evaluate.patterns.");
        return native_("make", root, List.of(makefile), command, Optional.empty(), notes);
    }

    private static Detection cmake(Set<String> root, String text) {
        List<String> executables = new ArrayList<>();
        Matcher m = CMAKE_EXECUTABLE.matcher(text);
        while (m.find()) executables.add(m.group(1));
        Optional<String> bench = executables.stream().filter(e -> e.toLowerCase(java.util.Locale.ROOT).contains("bench")).findFirst();
        boolean tests = text.toLowerCase(java.util.Locale.ROOT).contains("add_test");
        String build = "cmake --build build -j";
        String command = bench.map(b -> build + " --target " + b + " && ./build/" + b)
                .orElse(tests ? build + " && ctest --test-dir build --output-on-failure" : build);
        List<String> notes = new ArrayList<>();
        notes.add(bench.map(b -> "Runs the benchmark executable CMakeLists.txt declares (" + b + "); ")
                .orElse(tests ? "Runs the tests CMakeLists.txt declares (ctest); " : "CMakeLists.txt declares no benchmark or test: the command only builds; ")
                + "it must print `time_ms: <value>`, or change metrics.primary and evaluate.patterns.");
        return native_("cmake", root, List.of("CMakeLists.txt"), command,
                Optional.of("cmake -S . -B build -DCMAKE_BUILD_TYPE=Release"), notes);
    }

    private static Detection meson(Set<String> root, String text) {
        boolean benchmark = text.contains("benchmark(");
        boolean tests = text.contains("test(");
        String command = "meson compile -C build" + (benchmark ? " && meson test -C build --benchmark" : tests ? " && meson test -C build" : "");
        List<String> notes = new ArrayList<>();
        notes.add((benchmark ? "Runs the benchmarks meson.build declares; " : tests ? "Runs the tests meson.build declares; "
                : "meson.build declares no benchmark or test: the command only builds; ")
                + "it must print `time_ms: <value>`, or change metrics.primary and evaluate.patterns.");
        return native_("meson", root, List.of("meson.build"), command, Optional.of("meson setup build --buildtype=release"), notes);
    }

    private static Detection native_(String type, Set<String> root, List<String> buildFiles, String command, Optional<String> setup,
                                     List<String> notes) {
        List<String> readonly = new ArrayList<>(buildFiles);
        for (String d : List.of("tests", "test", "bench", "benchmarks")) if (root.contains(d)) readonly.add(d + "/**");
        return new Detection(type, SOURCES, readonly, command, setup, "time_ms", Direction.MINIMIZE,
                SpecReader.defaultPattern("time_ms"), 600, "software",
                "Make the C/C++ code faster (lower time_ms) while " + command + " still succeeds.", notes);
    }
}

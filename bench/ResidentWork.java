import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Helix's own work for one command in a warm JVM, the floor under a resident call: runs the command
 * in-process RUNS times after a warm-up: as a cold call does (reading everything), on a caller's
 * environment reusing what is unchanged but building the command tree anew, and as a resident Helix
 * does (the same, and the command tree kept between calls), and prints the three medians in
 * milliseconds (one decimal), "FRESH REUSED TREES".
 * Usage: java -cp helix.jar bench/ResidentWork.java DIR RUNS ARGS...
 */
public class ResidentWork {
    public static void main(String[] a) {
        Path dir = Path.of(a[0]);
        int runs = Integer.parseInt(a[1]);
        String[] args = Arrays.copyOfRange(a, 2, a.length);
        System.out.println(median(dir, args, runs, Mode.FRESH) + " " + median(dir, args, runs, Mode.REUSED) + " "
                + median(dir, args, runs, Mode.TREES));
    }

    private static String median(Path dir, String[] args, int runs, Mode mode) {
        for (int i = 0; i < 30; i++) once(dir, args, mode);
        long[] us = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            once(dir, args, mode);
            us[i] = (System.nanoTime() - start) / 1_000;
        }
        Arrays.sort(us);
        return String.format(java.util.Locale.ROOT, "%.1f", us[(runs - 1) / 2] / 1000.0);
    }

    enum Mode { FRESH, REUSED, TREES }

    private static final dev.helix.cli.ReusedCommands TREES = new dev.helix.cli.ReusedCommands();

    private static void once(Path dir, String[] args, Mode mode) {
        PrintWriter out = new PrintWriter(new StringWriter());
        PrintWriter err = new PrintWriter(new StringWriter());
        java.util.function.Supplier<Integer> call = mode == Mode.TREES
                ? () -> TREES.run(args, out, err, dir)
                : () -> dev.helix.cli.Main.run(args, out, err, false, dir);
        int code = mode == Mode.FRESH ? call.get() : dev.helix.adapters.process.CallerEnvironment.with(System.getenv(), call);
        if (code != 0) throw new IllegalStateException("exit " + code);
    }
}

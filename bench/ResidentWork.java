import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Helix's own work for one command in a warm JVM, the floor under a resident call: runs the command
 * in-process RUNS times after a warm-up, once as a cold call does (reading everything) and once as a
 * resident Helix does (on a caller's environment, reusing what is unchanged), and prints both medians
 * in milliseconds (one decimal), "FRESH REUSED".
 * Usage: java -cp helix.jar bench/ResidentWork.java DIR RUNS ARGS...
 */
public class ResidentWork {
    public static void main(String[] a) {
        Path dir = Path.of(a[0]);
        int runs = Integer.parseInt(a[1]);
        String[] args = Arrays.copyOfRange(a, 2, a.length);
        System.out.println(median(dir, args, runs, false) + " " + median(dir, args, runs, true));
    }

    private static String median(Path dir, String[] args, int runs, boolean resident) {
        for (int i = 0; i < 30; i++) once(dir, args, resident);
        long[] us = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            once(dir, args, resident);
            us[i] = (System.nanoTime() - start) / 1_000;
        }
        Arrays.sort(us);
        return String.format(java.util.Locale.ROOT, "%.1f", us[(runs - 1) / 2] / 1000.0);
    }

    private static void once(Path dir, String[] args, boolean resident) {
        java.util.function.Supplier<Integer> call = () -> dev.helix.cli.Main.run(args, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), false, dir);
        int code = resident ? dev.helix.adapters.process.CallerEnvironment.with(System.getenv(), call) : call.get();
        if (code != 0) throw new IllegalStateException("exit " + code);
    }
}

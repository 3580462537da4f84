import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Helix's own work for one command in a warm JVM, the floor under a resident call: runs the command
 * in-process RUNS times after a warm-up and prints the median in milliseconds.
 * Usage: java -cp helix.jar bench/ResidentWork.java DIR RUNS ARGS...
 */
public class ResidentWork {
    public static void main(String[] a) {
        Path dir = Path.of(a[0]);
        int runs = Integer.parseInt(a[1]);
        String[] args = Arrays.copyOfRange(a, 2, a.length);
        for (int i = 0; i < 30; i++) once(dir, args);
        long[] ms = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            once(dir, args);
            ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(ms);
        System.out.println(ms[(runs - 1) / 2]);
    }

    private static void once(Path dir, String[] args) {
        int code = dev.helix.cli.Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false, dir);
        if (code != 0) throw new IllegalStateException("exit " + code);
    }
}

package dev.helix.adapters.process;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits that finish even when the caller is interrupted: killing or cancelling an evaluation must
 * complete after a second Ctrl-C too. Each carries on and sets the interrupt flag again when done.
 */
public final class Waits {
    private Waits() {}

    public static void sleep(long millis) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    public static void join(Thread thread, Duration limit) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + limit.toNanos();
        long left;
        while (thread.isAlive() && (left = deadline - System.nanoTime()) > 0) {
            try {
                thread.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Waits up to {@code limit} for the process to end; whether it has. */
    public static boolean join(Process process, Duration limit) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + limit.toNanos();
        long left;
        while (process.isAlive() && (left = deadline - System.nanoTime()) > 0) {
            try {
                process.waitFor(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        return !process.isAlive();
    }
}

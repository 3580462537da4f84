package dev.helix.cli;

import dev.helix.app.Workspace;
import dev.helix.app.ui.DashboardServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix ui}: the live web dashboard of the repository's sessions, until interrupted. */
@Command(name = "ui", mixinStandardHelpOptions = true,
        customSynopsis = "Usage: helix ui [--port P] [--bind ADDR] [--token] [--open] [-C DIR] [--json | --text]",
        description = {
    "Serve a live web dashboard of this repository's sessions: the metric of every experiment with the best so far, "
        + "the workers now, counts, spend and stop reason; click a point for its description, verdict, samples, "
        + "diff and log; pin one to compare two diffs side by side. New experiments appear without a reload.",
    "%nListens on 127.0.0.1 unless --bind says otherwise; on any other address the URL carries a random token "
        + "that every request needs. Runs until interrupted (Ctrl-C, exit 130)."})
final class UiCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8377", description = "The port (default 8377; 0: any free port).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "The address to listen on (default 127.0.0.1; e.g. 0.0.0.0 to be reached from other machines, with a token).")
    String bind;

    @Option(names = "--token", description = "Require the URL's random token on 127.0.0.1 too (on a machine shared with other users).")
    boolean token;

    @Option(names = "--open", description = "Open the page in the default browser.")
    boolean open;

    @Override
    public Integer call() {
        Workspace workspace = Workspace.open(main.workingDirectory(), "run this inside the repository where you ran 'helix run'");
        Output out = main.output();
        CountDownLatch stopped = new CountDownLatch(1);
        try (DashboardServer server = DashboardServer.start(workspace, bind, port, token)) {
            String url = server.url().toString();
            out.progress().println("Helix dashboard of " + workspace.repo() + " at " + url + "  (Ctrl-C stops it)");
            out.progress().flush();
            // For a script or an agent: the envelope at once, while the dashboard serves on.
            out.success(new Serving(url, workspace.repo().toString(), server.port()), List.of("stop it with Ctrl-C (SIGINT) or SIGTERM"));
            if (open) browse(url, out);
            stopped.await(); // until interrupted: the server answers on its own threads
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.INTERRUPTED;
        }
    }

    /** Where the dashboard serves, as the JSON envelope's data. */
    record Serving(String url, String repository, int port) {}

    /** Starts the desktop's browser on {@code url}; says so when there is none, the server runs anyway. */
    private static void browse(String url, Output out) {
        String opener = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac") ? "open" : "xdg-open";
        try {
            new ProcessBuilder(List.of(opener, url)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            out.progress().println("cannot open a browser (" + opener + ": " + e.getMessage() + "); open " + url + " yourself");
        }
    }
}

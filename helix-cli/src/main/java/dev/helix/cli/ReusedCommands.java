package dev.helix.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The command trees a resident Helix keeps between calls: picocli reads a command's annotations once,
 * not at every call (about a third of a warm {@code helix log}'s work).
 *
 * <p>What a call sets does not reach the next one: picocli gives every option and parameter its initial
 * value again before it parses (defaults applied anew), the commands hold nothing but their options, and
 * the root {@link Main} is pointed at each call's streams, directory and command before it runs. One call
 * at a time: the trees are not shared between threads.
 */
public final class ReusedCommands {
    private final Map<String, CommandLine> trees = new HashMap<>();

    /** Runs a command as {@link Main#run(String[], PrintWriter, PrintWriter, boolean, Path)} does for a caller that is no terminal. */
    public synchronized int run(String[] args, PrintWriter out, PrintWriter err, Path cwd) {
        Optional<String> name = Main.commandName(args);
        CommandLine cli = trees.computeIfAbsent(Main.treeKey(name), key -> Main.reusableTree(name));
        Main main = cli.getCommand();
        main.bind(out, err, false, cwd, name, System.getenv());
        return main.execute(cli, args);
    }
}

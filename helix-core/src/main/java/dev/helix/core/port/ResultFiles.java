package dev.helix.core.port;

import java.nio.file.Path;
import java.util.Optional;

/** Reads files the evaluation leaves behind ({@code evaluate.json_file}, the metric file), and clears the metric file before it. */
public interface ResultFiles {
    /** The file's text, or empty when it does not exist. */
    Optional<String> read(Path file);

    /** Removes the file if it is there, so that what is read afterwards is what the evaluation wrote. */
    void remove(Path file);
}

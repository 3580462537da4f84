package dev.helix.core.port;

import java.nio.file.Path;
import java.util.Optional;

/** Reads files the evaluation leaves behind (e.g. {@code evaluate.json_file}). */
@FunctionalInterface
public interface ResultFiles {
    /** The file's text, or empty when it does not exist. */
    Optional<String> read(Path file);
}

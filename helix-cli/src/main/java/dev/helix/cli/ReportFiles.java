package dev.helix.cli;

import dev.helix.app.AppException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Choosing a document format from --format or the output file's extension, and writing the file. */
final class ReportFiles {
    private ReportFiles() {}

    /** {@code --format} if given, else the extension of {@code output} if it is a known format, else the default. */
    static String format(String option, Path output, List<String> formats, String fallback) {
        if (option != null) {
            String f = option.strip().toLowerCase(Locale.ROOT);
            if (f.equals("markdown")) f = "md";
            if (!formats.contains(f)) {
                throw AppException.usage("bad_format", "unknown format '" + option + "'", "use one of: " + String.join(", ", formats));
            }
            return f;
        }
        if (output != null) {
            String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
            String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
            if (ext.equals("htm")) ext = "html";
            if (ext.equals("markdown")) ext = "md";
            if (formats.contains(ext)) return ext;
        }
        return fallback;
    }

    static void write(Path file, String text) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw AppException.runtime("write_failed", "cannot write " + file + ": " + e.getMessage(),
                    "check that the directory exists and is writable, or choose another -o");
        }
    }
}

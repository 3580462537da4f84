package dev.helix.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** What {@code helix --version} says: Helix's version and commit, as the build stamped them, and the Java that runs it. */
final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        Properties build = build();
        String commit = build.getProperty("commit", "").strip();
        return new String[] {
            "helix " + build.getProperty("version", "unknown"),
            "commit " + (commit.isEmpty() ? "unknown" : commit),
            "java " + System.getProperty("java.runtime.version", System.getProperty("java.version")) + " ("
                + System.getProperty("java.vendor", "unknown vendor") + ", " + System.getProperty("java.home") + ")"};
    }

    /** The properties the build wrote (version from the POM, commit from git); empty when run from classes that were not packaged. */
    static Properties build() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/dev/helix/cli/build.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}

package dev.helix.app.run;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * A session's limits (--max-experiments, --max-time, --max-cost, --max-tokens) as its start set them, kept in
 * .helix/runs/&lt;tag&gt;/limits.properties: a resume keeps each one its command line does not
 * override, so a session killed and resumed still ends where it was meant to.
 */
final class SessionLimits {
    static final String FILE = "limits.properties";

    private SessionLimits() {}

    /** What one run of the session goes by, and the words saying which limits apply and why. */
    record Applied(RunSession.Options options, String said) {}

    /**
     * For a new session: writes the given limits. For a resume: fills in the ones the command line
     * leaves out from those written, writes the result, and says which apply.
     */
    static Applied apply(Path runDir, RunSession.Options given) {
        Applied applied = merged(runDir, given);
        write(runDir.resolve(FILE), applied.options());
        return applied;
    }

    /** The limits a run of the session goes by, as {@link #apply} finds them, without writing anything. */
    static Applied merged(Path runDir, RunSession.Options given) {
        Path file = runDir.resolve(FILE);
        RunSession.Options o = given;
        List<String> said = new ArrayList<>();
        if (given.resume()) {
            // a session killed before it wrote its limits has none to keep: the command line's still apply, and are said
            Properties kept = Files.exists(file) ? read(file) : new Properties();
            OptionalInt n = given.maxExperiments();
            if (n.isEmpty() && kept.containsKey("max_experiments")) n = OptionalInt.of(Integer.parseInt(kept.getProperty("max_experiments")));
            Optional<Duration> t = given.maxTime().or(() -> Optional.ofNullable(kept.getProperty("max_time_seconds"))
                    .map(s -> Duration.ofSeconds(Long.parseLong(s))));
            java.util.OptionalLong k = given.maxTokens();
            if (k.isEmpty() && kept.containsKey("max_tokens")) k = java.util.OptionalLong.of(Long.parseLong(kept.getProperty("max_tokens")));
            Optional<Double> c = given.maxCost().or(() -> Optional.ofNullable(kept.getProperty("max_cost_usd")).map(Double::valueOf));
            n.ifPresent(v -> said.add("--max-experiments " + v + (given.maxExperiments().isPresent() ? " (given now)" : " (kept)")));
            t.ifPresent(v -> said.add("--max-time " + written(v) + " from now" + (given.maxTime().isPresent() ? " (given now)" : " (kept)")));
            c.ifPresent(v -> said.add("--max-cost " + v + " USD for the whole session" + (given.maxCost().isPresent() ? " (given now)" : " (kept)")));
            k.ifPresent(v -> said.add("--max-tokens " + v + (given.maxTokens().isPresent() ? " (given now)" : " (kept)")));
            o = new RunSession.Options(given.tag(), given.backend(), n, t, c, true, given.workers(), given.directions(), given.executor(),
                    given.agentCommand(), k, given.tune());
        }
        String words = !given.resume() ? "" : said.isEmpty() ? "resumed without limits: it runs until Ctrl-C or the proposer stops it"
                : "resumed with " + String.join(", ", said);
        return new Applied(o, words);
    }

    /**
     * A duration as a user writes one for --max-time, in its largest whole units (2d, 1h30m, 90s): the
     * limits file keeps seconds, and "172800s" is not what anyone typed.
     */
    static String written(Duration d) {
        long s = d.toSeconds();
        if (s == 0) return d.toMillis() + "ms";
        StringBuilder b = new StringBuilder();
        long[] sizes = {86_400, 3_600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (s >= sizes[i]) {
                b.append(s / sizes[i]).append(units[i]);
                s %= sizes[i];
            }
        }
        return b.toString();
    }

    private static Properties read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static void write(Path file, RunSession.Options o) {
        Properties p = new Properties();
        o.maxExperiments().ifPresent(n -> p.setProperty("max_experiments", Integer.toString(n)));
        o.maxTime().ifPresent(t -> p.setProperty("max_time_seconds", Long.toString(t.toSeconds())));
        o.maxCost().ifPresent(c -> p.setProperty("max_cost_usd", Double.toString(c)));
        o.maxTokens().ifPresent(k -> p.setProperty("max_tokens", Long.toString(k)));
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "the limits helix run --resume keeps unless its command line overrides them");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

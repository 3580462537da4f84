package dev.helix.adapters.agents;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.port.Clock;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.Spec.Parameter;
import dev.helix.core.spec.Spec.SearchSpec;
import dev.helix.core.tune.ParameterText;
import dev.helix.core.tune.Tuner;
import dev.helix.core.tune.Tuner.Suggestion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code tune} backend: reads every parameter of {@code search.parameters} from the worktree,
 * asks the {@link Tuner} for new values and writes them back in place. Only the matched value
 * spans change; every other byte of the files stays as it was.
 */
public final class TuneProposer implements Proposer {

    static final String BACKEND = "tune";

    private final Clock clock;

    public TuneProposer() {
        this(Clock.SYSTEM);
    }

    public TuneProposer(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
    }

    /** A tuner has nothing to fix a crash with: it moves on to the next sample. */
    @Override
    public boolean fixesCrashes() {
        return false;
    }

    /** Its change is a set of parameter values: on a newer best they are the same values. */
    @Override
    public boolean changesStandAlone() {
        return true;
    }

    @Override
    public Proposal propose(Request request) {
        long started = clock.nanos();
        SearchSpec search = request.spec().search();
        if (search == null || search.parameters().isEmpty()) {
            return new Proposal.Failure("the tune backend has no parameters to tune: add search.parameters to "
                    + request.spec().source() + ", e.g. lr: {file: train.py, pattern: 'LR = ([0-9.eE+-]+)', "
                    + "type: float, range: [1e-4, 1e-1], log: true}", usage(started));
        }
        try {
            Tuner tuner = new Tuner(search, request.spec().metrics().primary().optimize());
            Path root = request.worktree().toAbsolutePath().normalize();

            // keyed by resolved path: "train.py" and "./train.py" are one file, read and written once
            Map<Path, Source> files = new LinkedHashMap<>();
            Map<String, String> current = new LinkedHashMap<>();
            for (Parameter p : search.parameters()) {
                Source source = files.get(Source.path(root, p));
                if (source == null) {
                    Optional<Source> read = Source.read(root, p);
                    if (read.isEmpty()) {
                        return new Proposal.Failure("parameter " + p.name() + ": file " + p.file()
                                + " not found in the worktree (pattern '" + p.pattern() + "')", usage(started));
                    }
                    source = read.get();
                    files.put(source.path, source);
                }
                Optional<String> value = ParameterText.read(p, source.text);
                if (value.isEmpty()) return new Proposal.Failure(ParameterText.notFound(p), usage(started));
                current.put(p.name(), value.get());
            }

            Optional<String> bestCommit = Optional.ofNullable(request.best()).map(e -> e.commit());
            Suggestion s = tuner.suggest(request.experiment(), current, bestCommit, request.history());
            if (!s.fresh()) {
                return new Proposal.Exhausted("every configuration of search.parameters has been tried ("
                        + s.values().size() + " parameters)", usage(started));
            }

            for (Parameter p : search.parameters()) {
                String value = s.values().get(p.name());
                if (value.equals(current.get(p.name()))) continue;
                Source source = files.get(Source.path(root, p));
                source.text = ParameterText.write(p, source.text, value);
            }
            // two patterns may overlap or one value may create a match for another: verify, don't assume
            for (Parameter p : search.parameters()) {
                Optional<String> back = ParameterText.read(p, files.get(Source.path(root, p)).text);
                if (!back.equals(Optional.of(s.values().get(p.name())))) {
                    return new Proposal.Failure("parameter " + p.name() + ": pattern '" + p.pattern() + "' in " + p.file()
                            + " does not read back the value written (patterns overlap?)", usage(started));
                }
            }
            for (Source source : files.values()) source.writeIfChanged();

            return new Proposal.Change(s.description(), Optional.of(s.strategy()), usage(started), s.values());
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new Proposal.Failure(e.getMessage(), usage(started));
        } catch (IOException e) {
            return new Proposal.Failure("tune: " + e, usage(started));
        }
    }

    /** Every parameter's value in the worktree; empty when one cannot be read (the first proposal then says why). */
    @Override
    public Map<String, String> parameters(Spec spec, Path worktree) {
        SearchSpec search = spec.search();
        if (search == null || search.parameters().isEmpty()) return Map.of();
        Path root = worktree.toAbsolutePath().normalize();
        Map<Path, Source> files = new LinkedHashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (Parameter p : search.parameters()) {
                Source source = files.get(Source.path(root, p));
                if (source == null) {
                    Optional<Source> read = Source.read(root, p);
                    if (read.isEmpty()) return Map.of();
                    source = read.get();
                    files.put(source.path, source);
                }
                Optional<String> value = ParameterText.read(p, source.text);
                if (value.isEmpty()) return Map.of();
                values.put(p.name(), value.get());
            }
        } catch (IOException | IllegalArgumentException e) {
            return Map.of();
        }
        return values;
    }

    private AgentUsage usage(long started) {
        return AgentUsage.of(BACKEND, (clock.nanos() - started) / 1e9);
    }

    /** A file's text, decoded so that writing it back reproduces the original bytes exactly. */
    private static final class Source {
        final Path path;
        final Charset charset;
        final String original;
        String text;

        private Source(Path path, Charset charset, String text) {
            this.path = path;
            this.charset = charset;
            this.original = text;
            this.text = text;
        }

        static Path path(Path root, Parameter p) {
            return root.resolve(p.file()).normalize();
        }

        static Optional<Source> read(Path root, Parameter p) throws IOException {
            Path path = path(root, p);
            if (!path.startsWith(root)) {
                throw new IllegalArgumentException("parameter " + p.name() + ": file " + p.file() + " is outside the worktree");
            }
            if (!Files.isRegularFile(path)) return Optional.empty();
            if (!path.toRealPath().startsWith(root.toRealPath())) {
                throw new IllegalArgumentException("parameter " + p.name() + ": file " + p.file()
                        + " links outside the worktree");
            }
            byte[] bytes = Files.readAllBytes(path);
            try {
                String text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
                return Optional.of(new Source(path, StandardCharsets.UTF_8, text));
            } catch (CharacterCodingException e) {
                // not UTF-8: Latin-1 maps every byte to one char and back
                return Optional.of(new Source(path, StandardCharsets.ISO_8859_1, new String(bytes, StandardCharsets.ISO_8859_1)));
            }
        }

        void writeIfChanged() throws IOException {
            if (!text.equals(original)) Files.write(path, text.getBytes(charset));
        }
    }
}

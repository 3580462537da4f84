package dev.helix.cli.resident;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One call to a resident Helix, as the launcher sends it: NUL-terminated fields
 * {@code helix-resident-1, token, build id, operation (run, status, stop), working directory, argument
 * count, arguments..., NAME=value... (the caller's whole environment), an empty field}.
 */
record ResidentRequest(String token, String build, String operation, Path cwd, List<String> args, Map<String, String> env) {
    static final String MAGIC = "helix-resident-1";

    /** The largest request read: a command line and an environment, never more than a few hundred KB. */
    private static final int MAX_BYTES = 4 << 20;

    /** Reads one request; an {@link IOException} says the bytes were not one. */
    static ResidentRequest read(InputStream in) throws IOException {
        Fields fields = new Fields(in);
        if (!MAGIC.equals(fields.next())) throw new IOException("not a Helix request");
        String token = fields.next();
        String build = fields.next();
        String operation = fields.next();
        Path cwd = Path.of(fields.next());
        if (!cwd.isAbsolute()) throw new IOException("the working directory is not absolute");
        List<String> args = new ArrayList<>();
        for (int n = fields.count(); n > 0; n--) args.add(fields.next());
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair = fields.next(); !pair.isEmpty(); pair = fields.next()) {
            int eq = pair.indexOf('=');
            if (eq > 0) env.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return new ResidentRequest(token, build, operation, cwd, List.copyOf(args), env);
    }

    /** The NUL-terminated fields of a request, read one at a time. */
    private static final class Fields {
        private final InputStream in;
        private int total;

        Fields(InputStream in) {
            this.in = in;
        }

        String next() throws IOException {
            ByteArrayOutputStream field = new ByteArrayOutputStream();
            for (int b = in.read(); b != 0; b = in.read()) {
                if (b < 0) throw new IOException("the request ended early");
                if (++total > MAX_BYTES) throw new IOException("the request is too long");
                field.write(b);
            }
            return field.toString(StandardCharsets.UTF_8);
        }

        int count() throws IOException {
            try {
                int n = Integer.parseInt(next());
                if (n < 0 || n > 100_000) throw new IOException("a count out of range");
                return n;
            } catch (NumberFormatException e) {
                throw new IOException("a count that is not a number", e);
            }
        }
    }
}

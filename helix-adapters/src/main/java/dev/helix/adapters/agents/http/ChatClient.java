package dev.helix.adapters.agents.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.helix.core.port.Proposer.Fault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Sends one conversation to a model and returns its answer: streamed (server-sent events) or whole,
 * with retries on 429, 5xx and connection errors (exponential backoff with jitter, honouring
 * Retry-After), and every wait bounded by a deadline, so a server that stops talking cannot hang a
 * session. The body is read line by line as it arrives and the reading thread only ever waits with
 * a timeout; on timeout or interrupt the exchange is cancelled.
 */
final class ChatClient {

    /** How hard to try. */
    record Retries(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter, Duration requestTimeout) {
        /** 4 attempts, 1 s doubling to 30 s, Retry-After up to 60 s, each request up to 10 min (within agent.timeout_seconds). */
        static final Retries DEFAULT = new Retries(4, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofMinutes(10));
    }

    /** The request failed for good; the message is safe to show once redacted. */
    static final class Failed extends Exception {
        /** What kind of failure, where the client can tell; empty for a reply it could not use. */
        final Optional<Fault.Kind> kind;
        /** The HTTP status that refused the request; 0 when none did. */
        final int status;

        Failed(String message) {
            this(message, Optional.empty(), 0);
        }

        Failed(String message, Optional<Fault.Kind> kind, int status) {
            super(message);
            this.kind = kind;
            this.status = status;
        }
    }

    /** One attempt failed in a way another attempt may not. */
    private static final class Retryable extends Exception {
        final Optional<Duration> retryAfter;
        final Fault.Kind kind;

        Retryable(String message, Optional<Duration> retryAfter) {
            this(message, retryAfter, Fault.Kind.SERVER);
        }

        Retryable(String message, Optional<Duration> retryAfter, Fault.Kind kind) {
            super(message);
            this.retryAfter = retryAfter;
            this.kind = kind;
        }
    }

    private static final int MAX_REPLY_CHARS = 8 << 20;
    private static final int MAX_ERROR_CHARS = 64 << 10;

    private final HttpClient http;
    private final Dialect dialect;
    private final Retries retries;
    private final Consumer<String> log;

    ChatClient(HttpClient http, Dialect dialect, Retries retries, Consumer<String> log) {
        this.http = http;
        this.dialect = dialect;
        this.retries = retries;
        this.log = log;
    }

    /** One per proposer: HTTP/1.1 (what local servers speak best), no redirects (a key must not follow one). */
    static HttpClient newHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * @param deadline System.nanoTime() by which the answer must be complete
     * @param attempts counts every request sent (retries included)
     */
    Dialect.Answer send(URI endpoint, Optional<String> key, String model, int maxTokens, List<Dialect.Message> messages,
                        boolean stream, long deadline) throws Failed, InterruptedException {
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(dialect.body(model, maxTokens, messages, stream));
        } catch (JsonProcessingException e) {
            throw new Failed("could not encode the request: " + e.getMessage());
        }
        String last = "";
        Fault.Kind lastKind = null;
        for (int attempt = 1; ; attempt++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new Failed("no reply within agent.timeout_seconds" + (last.isEmpty() ? "" : "; last error: " + last),
                        Optional.of(lastKind == null ? Fault.Kind.TIMEOUT : lastKind), 0);
            }
            try {
                return once(endpoint, key, body, stream, deadline);
            } catch (Retryable r) {
                last = r.getMessage();
                lastKind = r.kind;
                if (attempt >= retries.maxAttempts()) {
                    throw new Failed(last + " (gave up after " + attempt + " attempts)", Optional.of(r.kind), 0);
                }
                Duration wait = backoff(attempt, r.retryAfter);
                long leftAfter = deadline - System.nanoTime();
                if (wait.toNanos() >= leftAfter) {
                    throw new Failed(last + " (no time left for another attempt within agent.timeout_seconds)", Optional.of(r.kind), 0);
                }
                log.accept("--- " + java.time.Instant.now() + " attempt " + attempt + " failed: " + last + "; retrying in " + wait.toMillis() + " ms ---\n");
                Thread.sleep(wait.toMillis());
            }
        }
    }

    /** Exponential with jitter (half to all of the step); a Retry-After from the server wins, capped. */
    Duration backoff(int attempt, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            Duration r = retryAfter.get();
            return r.compareTo(retries.maxRetryAfter()) > 0 ? retries.maxRetryAfter() : r.isNegative() ? Duration.ZERO : r;
        }
        long step = retries.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        step = Math.min(step, retries.maxBackoff().toMillis());
        long jittered = step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
        return Duration.ofMillis(jittered);
    }

    private Dialect.Answer once(URI endpoint, Optional<String> key, byte[] body, boolean stream, long deadline)
            throws Retryable, Failed, InterruptedException {
        long requestDeadline = Math.min(deadline, System.nanoTime() + nanos(retries.requestTimeout()));
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofNanos(Math.max(1_000_000, requestDeadline - System.nanoTime())))
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .header("User-Agent", "helix")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        dialect.headers(builder, key);

        Lines lines = new Lines();
        CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
        CompletableFuture<HttpResponse<Void>> exchange = http.sendAsync(builder.build(), info -> {
            head.complete(info);
            return HttpResponse.BodySubscribers.fromLineSubscriber(lines);
        });
        exchange.whenComplete((r, e) -> {
            if (e != null) {
                head.completeExceptionally(e);
                lines.queue.add(new Item(null, e));
            }
        });
        try {
            HttpResponse.ResponseInfo info;
            try {
                info = head.get(Math.max(0, requestDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw timeout(requestDeadline, deadline, "the server did not answer");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                // The request's own timeout is the same deadline as the wait above, and on a busy
                // machine either may fire first: both must mean the same, or the reason would
                // depend on which thread woke first.
                if (cause instanceof HttpTimeoutException) throw timeout(requestDeadline, deadline, "the server did not answer");
                throw new Retryable("could not reach " + endpoint + ": " + describe(cause), Optional.empty(),
                        cause instanceof java.net.ConnectException || cause instanceof java.nio.channels.UnresolvedAddressException
                                ? Fault.Kind.UNREACHABLE : Fault.Kind.SERVER);
            }
            int status = info.statusCode();
            if (status < 200 || status >= 300) {
                String text = readAll(lines, requestDeadline, deadline, MAX_ERROR_CHARS, true);
                String message = "HTTP " + status + " from " + endpoint + ": " + Dialect.errorMessage(text);
                if (status == 429 || status >= 500) throw new Retryable(message, retryAfter(info.headers()));
                throw new Failed(message, kindOf(status), status);
            }
            String type = info.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            try {
                if (stream && !type.contains("application/json")) return readStream(lines, requestDeadline, deadline);
                return dialect.whole(Json.parse(readAll(lines, requestDeadline, deadline, MAX_REPLY_CHARS, false), "the reply"));
            } catch (Dialect.Malformed e) {
                throw new Failed("malformed reply: " + e.getMessage());
            } catch (Dialect.StreamError e) {
                if (e.retryable) throw new Retryable(e.getMessage(), Optional.empty());
                throw new Failed(e.getMessage());
            }
        } finally {
            lines.cancel();
            if (!exchange.isDone()) exchange.cancel(true);
        }
    }

    private Dialect.Answer readStream(Lines lines, long requestDeadline, long deadline)
            throws Retryable, Failed, InterruptedException, Dialect.Malformed, Dialect.StreamError {
        Dialect.Stream stream = dialect.stream();
        String event = null;
        StringBuilder data = null;
        while (true) {
            Item item = next(lines, requestDeadline, deadline, "the stream stopped");
            if (item.error != null) {
                throw new Retryable("the stream broke: " + describe(item.error), Optional.empty());
            }
            String line = item.line;
            if (line == null || line.isEmpty()) { // end of stream, or end of an event
                if (data != null) stream.accept(event, data.toString());
                event = null;
                data = null;
                if (line == null) break;
                if (stream.complete()) break;
                continue;
            }
            if (line.startsWith(":")) continue; // a comment, e.g. OpenRouter's keep-alive
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            switch (field) {
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // id, retry: not used
                }
            }
        }
        if (!stream.complete()) {
            throw new Dialect.Malformed("the stream ended without " + stream.end()
                    + (stream.answer().text().isEmpty() ? "" : " after " + stream.answer().text().length() + " characters"));
        }
        return stream.answer();
    }

    private String readAll(Lines lines, long requestDeadline, long deadline, int cap, boolean lenient)
            throws Retryable, Failed, InterruptedException {
        StringBuilder b = new StringBuilder();
        while (true) {
            Item item;
            try {
                item = next(lines, requestDeadline, deadline, "the reply stopped");
            } catch (Retryable | Failed e) {
                if (lenient) return b.toString();
                throw e;
            }
            if (item.error != null) {
                if (lenient) return b.toString();
                throw new Retryable("the reply broke: " + describe(item.error), Optional.empty());
            }
            if (item.line == null) return b.toString();
            if (b.length() + item.line.length() > cap) {
                if (lenient) return b.toString();
                throw new Failed("malformed reply: longer than " + cap + " characters");
            }
            b.append(item.line).append('\n');
        }
    }

    private Item next(Lines lines, long requestDeadline, long deadline, String what)
            throws Retryable, Failed, InterruptedException {
        Item item = lines.queue.poll(Math.max(0, requestDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (item == null) throw timeout(requestDeadline, deadline, what);
        return item;
    }

    private Retryable timeout(long requestDeadline, long deadline, String what) throws Failed {
        if (requestDeadline < deadline) {
            return new Retryable(what + " within " + retries.requestTimeout().toSeconds() + " s", Optional.empty(), Fault.Kind.TIMEOUT);
        }
        throw new Failed(what + ": no complete reply within agent.timeout_seconds", Optional.of(Fault.Kind.TIMEOUT), 0);
    }

    /** 401/403: the key; 402: the quota; 404: the model or the endpoint. Other refusals are the request's own. */
    static Optional<Fault.Kind> kindOf(int status) {
        return switch (status) {
            case 401, 403 -> Optional.of(Fault.Kind.AUTH);
            case 402 -> Optional.of(Fault.Kind.QUOTA);
            case 404 -> Optional.of(Fault.Kind.NOT_FOUND);
            default -> Optional.empty();
        };
    }

    private static String describe(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && (c instanceof ExecutionException || c instanceof java.util.concurrent.CompletionException)) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** Retry-After in seconds or as an HTTP date, or OpenAI's retry-after-ms. */
    static Optional<Duration> retryAfter(HttpHeaders headers) {
        Optional<String> ms = headers.firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                return Optional.of(Duration.ofMillis((long) Double.parseDouble(ms.get().strip())));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        Optional<String> value = headers.firstValue("retry-after");
        if (value.isEmpty()) return Optional.empty();
        String v = value.get().strip();
        try {
            return Optional.of(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException ignored) {
                return Optional.empty();
            }
        }
    }

    private static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** A line of the body, its end (line null), or an error. */
    private record Item(String line, Throwable error) {}

    /** Receives the body's lines as they arrive. */
    private static final class Lines implements Flow.Subscriber<String> {
        final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;
        private long chars;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (cancelled) s.cancel();
            else s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            chars += line.length() + 1;
            if (chars > MAX_REPLY_CHARS + MAX_ERROR_CHARS) {
                cancel();
                queue.add(new Item(null, new IOException("the reply is larger than " + MAX_REPLY_CHARS + " characters")));
                return;
            }
            queue.add(new Item(line, null));
        }

        @Override
        public void onError(Throwable t) {
            queue.add(new Item(null, t));
        }

        @Override
        public void onComplete() {
            queue.add(new Item(null, null));
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) s.cancel();
        }
    }
}

package dev.helix.adapters.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A model server for tests: listens on 127.0.0.1 only, on a free port, records every request, and
 * answers as the test scripts it (JSON, server-sent events, errors, or silence). Stops on close.
 */
public final class ScriptedServer implements AutoCloseable {

    /** Answers one request. */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange exchange) throws IOException;
    }

    /** A request as received. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().get(0);
            }
            return null;
        }
    }

    /** One request and the means to answer it. */
    public static final class Exchange {
        private final HttpExchange http;
        public final Request request;

        Exchange(HttpExchange http, Request request) {
            this.http = http;
            this.request = request;
        }

        public void json(int status, String body) throws IOException {
            send(status, "application/json", body);
        }

        public void send(int status, String contentType, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            http.getResponseHeaders().set("Content-Type", contentType);
            http.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = http.getResponseBody()) {
                out.write(bytes);
            }
        }

        public void header(String name, String value) {
            http.getResponseHeaders().set(name, value);
        }

        /** Starts a server-sent-events stream; write events, then close it. */
        public Sse sse() throws IOException {
            http.getResponseHeaders().set("Content-Type", "text/event-stream");
            http.getResponseHeaders().set("Cache-Control", "no-cache");
            http.sendResponseHeaders(200, 0);
            return new Sse(http.getResponseBody());
        }
    }

    /** A stream of server-sent events. */
    public static final class Sse implements AutoCloseable {
        private final OutputStream out;

        Sse(OutputStream out) {
            this.out = out;
        }

        /** One event; {@code event} may be null for data-only events (as OpenAI sends them). */
        public Sse event(String event, String data) throws IOException {
            StringBuilder b = new StringBuilder();
            if (event != null) b.append("event: ").append(event).append('\n');
            for (String line : data.split("\n", -1)) b.append("data: ").append(line).append('\n');
            b.append('\n');
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return this;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private ScriptedServer(HttpServer server) {
        this.server = server;
    }

    /** Starts a server on 127.0.0.1 at a free port. */
    public static ScriptedServer start(Handler handler) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ScriptedServer server = new ScriptedServer(http);
        http.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body);
                server.requests.add(request);
                handler.handle(new Exchange(exchange, request));
            } catch (IOException | RuntimeException e) {
                // the client went away, or the script failed: the test's assertions will say which
            }
        });
        http.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "scripted-server");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        return server;
    }

    /** e.g. http://127.0.0.1:40123 (no trailing slash). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Every request received so far, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

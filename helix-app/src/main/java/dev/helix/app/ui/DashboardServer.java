package dev.helix.app.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code helix ui}: the web dashboard of a repository's sessions, served by the JDK's own HTTP server.
 *
 * <p>One page (HTML, JS and CSS from the jar, nothing fetched elsewhere) and three JSON endpoints
 * the page polls: {@code /api/sessions}, {@code /api/session?tag=T[&version=V]} (unchanged when V is
 * still current) and {@code /api/experiment?tag=T&run=N}. On a loopback address only requests
 * naming this host and port are answered (a page elsewhere cannot rebind its name to it); on any
 * other address the page and the endpoints also need the random token the URL carries.
 */
public final class DashboardServer implements AutoCloseable {
    private static final Map<String, String> ASSETS = Map.of("/", "index.html", "/index.html", "index.html",
            "/app.js", "app.js", "/app.css", "app.css");
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final HttpServer server;
    private final ExecutorService threads;
    private final DashboardData data;
    private final String token;
    private final boolean loopback;

    private DashboardServer(HttpServer server, ExecutorService threads, DashboardData data, String token, boolean loopback) {
        this.server = server;
        this.threads = threads;
        this.data = data;
        this.token = token;
        this.loopback = loopback;
    }

    /**
     * Serves {@code workspace} on {@code bind}:{@code port} (0: any free port), with a token when the
     * address is not a loopback one or {@code token} asks for it; a usage error when the address is unusable.
     */
    public static DashboardServer start(Workspace workspace, String bind, int port, boolean token) {
        if (port < 0 || port > 65535) {
            throw AppException.usage("bad_option", "--port must be between 0 and 65535, not " + port, "e.g. helix ui --port 8377");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw AppException.usage("bad_option", "--bind '" + bind + "' is not an address of this machine",
                    "give an IP address, e.g. --bind 127.0.0.1 (the default) or --bind 0.0.0.0 for every interface");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 16);
        } catch (IOException e) {
            throw AppException.usage("port_unavailable", "cannot listen on " + bind + ":" + port + ": " + e.getMessage(),
                    "choose another --port, or 0 for any free one");
        }
        boolean loopback = address.isLoopbackAddress();
        String secret = loopback && !token ? "" : HexFormat.of().formatHex(random());
        ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "helix-ui");
            t.setDaemon(true);
            return t;
        });
        DashboardServer dashboard = new DashboardServer(server, threads, new DashboardData(workspace), secret, loopback);
        server.createContext("/", dashboard::handle);
        server.setExecutor(threads);
        server.start();
        return dashboard;
    }

    private static byte[] random() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** The page's address, with its token when it needs one. */
    public URI url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? localName() : a.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + a.getPort() + "/" + (token.isEmpty() ? "" : "?token=" + token));
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static String localName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private void handle(HttpExchange x) throws IOException {
        try {
            String method = x.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                send(x, 405, "text/plain", "only GET\n");
                return;
            }
            if (loopback && !localHost(x.getRequestHeaders().getFirst("Host"))) {
                send(x, 403, "text/plain", "this dashboard answers requests to 127.0.0.1 or localhost only\n");
                return;
            }
            String path = x.getRequestURI().getPath();
            Map<String, String> query = query(x.getRequestURI().getRawQuery());
            Optional<String> asset = Optional.ofNullable(ASSETS.get(path));
            // The JS and CSS hold no data; the page and the data need the token.
            boolean needsToken = !path.equals("/app.js") && !path.equals("/app.css");
            if (needsToken && !token.isEmpty() && !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                    query.getOrDefault("token", "").getBytes(StandardCharsets.UTF_8))) {
                send(x, 403, "text/plain", "open the address helix ui printed, with its ?token=...\n");
                return;
            }
            if (asset.isPresent()) {
                sendAsset(x, asset.get());
                return;
            }
            String answer = switch (path) {
                case "/api/sessions" -> data.sessions().toString();
                case "/api/session" -> session(query);
                case "/api/experiment" -> data.experiment(required(query, "tag"), number(required(query, "run"))).toString();
                default -> null;
            };
            if (answer == null) {
                send(x, 404, "text/plain", "not found\n");
            } else {
                send(x, 200, "application/json", answer);
            }
        } catch (AppException e) {
            send(x, e.kind() == AppException.Kind.USAGE ? 404 : 500, "application/json", error(e.getMessage()));
        } catch (RuntimeException e) {
            send(x, 500, "application/json", error(String.valueOf(e.getMessage())));
        } finally {
            x.close(); // after the catch: an error is answered before the exchange ends
        }
    }

    private String session(Map<String, String> query) {
        String tag = required(query, "tag");
        String known = query.getOrDefault("version", "");
        if (!known.isEmpty() && known.equals(data.version(tag))) {
            return DashboardData.JSON.createObjectNode().put("version", known).put("unchanged", true).toString();
        }
        return data.session(tag);
    }

    private boolean localHost(String host) {
        if (host == null) return false;
        String name = host.toLowerCase(Locale.ROOT);
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf(']')) name = name.substring(0, colon);
        return name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]") || name.startsWith("127.");
    }

    private static String required(Map<String, String> query, String name) {
        String v = query.get(name);
        if (v == null || v.isBlank()) throw AppException.usage("bad_request", "missing ?" + name + "=", "");
        return v;
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw AppException.usage("bad_request", "'" + s + "' is not a run number", "");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) return out;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String error(String message) {
        return DashboardData.JSON.createObjectNode().put("error", message).toString();
    }

    private static void sendAsset(HttpExchange x, String name) throws IOException {
        try (InputStream in = DashboardServer.class.getResourceAsStream(name)) {
            if (in == null) throw new UncheckedIOException(new IOException("missing from the jar: " + name));
            String type = name.endsWith(".html") ? "text/html" : name.endsWith(".js") ? "text/javascript" : "text/css";
            send(x, 200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange x, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var h = x.getResponseHeaders();
        h.set("Content-Type", type + "; charset=utf-8");
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", CSP);
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Stops serving: requests in flight get a moment to finish. */
    @Override
    public void close() {
        server.stop(1);
        threads.shutdownNow();
    }
}

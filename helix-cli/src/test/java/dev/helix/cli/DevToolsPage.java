package dev.helix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A page in real headless Chromium, driven over the DevTools protocol (a WebSocket on 127.0.0.1):
 * evaluate JavaScript in it, wait for a condition, take a screenshot. Every wait is bounded; close
 * kills Chromium and its children.
 */
final class DevToolsPage implements AutoCloseable {
    private static final Duration CALL = Duration.ofSeconds(30);

    private final Process chromium;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private DevToolsPage(Process chromium, WebSocket socket) {
        this.chromium = chromium;
        this.socket = socket;
    }

    /** Chromium {@code binary} (a fresh profile and HOME under {@code home}) showing {@code url} in a window of the size given. */
    static DevToolsPage open(Path binary, Path home, String url, int width, int height) throws Exception {
        Path profile = Files.createTempDirectory(Files.createDirectories(home), "devtools-profile");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--window-size=" + width + "," + height, "--user-data-dir=" + profile, url));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve("chromium-devtools.log").toFile());
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        pb.environment().put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.isRegularFile(portFile) && Files.readString(portFile).contains("\n"))) {
                if (!p.isAlive()) throw new AssertionError("chromium exited with " + p.exitValue() + ": " + Files.readString(home.resolve("chromium-devtools.log")));
                if (System.nanoTime() > deadline) throw new AssertionError("chromium did not open its DevTools port within 60s");
                Thread.sleep(50);
            }
            int port = Integer.parseInt(Files.readString(portFile).lines().findFirst().orElseThrow().strip());
            HttpClient http = HttpClient.newBuilder().connectTimeout(CALL).build();
            String wsUrl = null;
            while (wsUrl == null) {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(CALL).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (JsonNode t : Output.JSON.readTree(list)) {
                    if (t.path("type").asText().equals("page")) wsUrl = t.path("webSocketDebuggerUrl").asText();
                }
                if (wsUrl == null) {
                    if (System.nanoTime() > deadline) throw new AssertionError("chromium shows no page: " + list);
                    Thread.sleep(50);
                }
            }
            DevToolsPage[] self = new DevToolsPage[1];
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(CALL).buildAsync(URI.create(wsUrl), new WebSocket.Listener() {
                final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        self[0].received(text.toString());
                        text.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                }
            }).get(CALL.toSeconds(), TimeUnit.SECONDS);
            self[0] = new DevToolsPage(p, ws);
            // The viewport exactly the size asked (a headless window's own frame would take some of it).
            self[0].call("Emulation.setDeviceMetricsOverride", Output.JSON.createObjectNode().put("width", width)
                    .put("height", height).put("deviceScaleFactor", 1).put("mobile", false));
            return self[0];
        } catch (Exception | AssertionError e) {
            kill(p);
            throw e;
        }
    }

    private void received(String message) {
        try {
            JsonNode m = Output.JSON.readTree(message);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                if (f != null) f.complete(m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Calls DevTools {@code method}; its result, or an AssertionError with the protocol's error. */
    JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = Output.JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        socket.sendText(message.toString(), true).get(CALL.toSeconds(), TimeUnit.SECONDS);
        JsonNode m = answer.get(CALL.toSeconds(), TimeUnit.SECONDS);
        if (m.has("error")) throw new AssertionError(method + ": " + m.get("error"));
        return m.get("result");
    }

    /** The value of JavaScript {@code expression} in the page (a promise awaited), as JSON. */
    JsonNode eval(String expression) throws Exception {
        ObjectNode params = Output.JSON.createObjectNode().put("expression", expression).put("returnByValue", true)
                .put("awaitPromise", true);
        JsonNode result = call("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) throw new AssertionError("in the page: " + expression + ": " + result.get("exceptionDetails"));
        return result.path("result").path("value");
    }

    /** Waits up to {@code timeout} until {@code expression}'s value satisfies {@code until}; returns that value. */
    JsonNode await(String expression, Predicate<JsonNode> until, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = null;
        while (System.nanoTime() < deadline) {
            try {
                JsonNode value = eval(expression);
                if (until.test(value)) return value;
                last = value;
            } catch (AssertionError e) {
                last = e.getMessage(); // e.g. asked while the page reloads: ask again
            }
            Thread.sleep(100);
        }
        throw new AssertionError("after " + timeout.toSeconds() + "s, " + expression + " is still " + last);
    }

    /** The page as PNG, the size of the window. */
    byte[] screenshot() throws Exception {
        JsonNode r = call("Page.captureScreenshot", Output.JSON.createObjectNode().put("format", "png"));
        return Base64.getDecoder().decode(r.get("data").asText());
    }

    @Override
    public void close() {
        socket.abort();
        kill(chromium);
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code helix ui} as a real process on 127.0.0.1, its endpoints asked over HTTP about the ledger of a real session. */
class UiCommandTest {
    static final String SECRET = "sk-ui-test-0123456789abcdef";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    static Path tmp;

    static TestRepo repo;
    static Process ui;
    static URI url;
    static String token;

    @BeforeAll
    static void serveARealSession() throws Exception {
        repo = ReportCommandTest.session(tmp.resolve("repo"));
        // Written here, where the variable is not set, so the ledger holds it in the clear.
        TestRepo.Run record = repo.helix("record", "--tag", "t1", "--metric", "9", "--status", "discard", "-m", "used key " + SECRET);
        assertThat(record.code()).as(record.toString()).isZero();
        TestRepo.Run fork = repo.helix("fork", "wide");
        assertThat(fork.code()).as(fork.toString()).isZero();

        Path output = tmp.resolve("ui.log");
        ProcessBuilder pb = repo.helixProcess(output, "ui", "--port", "0", "--token");
        pb.environment().put("HELIX_UI_TEST_API_KEY", SECRET);
        ui = pb.start();
        Pattern address = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/)\\?token=([0-9a-f]+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Matcher m = address.matcher("");
        while (!(Files.exists(output) && (m = address.matcher(Files.readString(output))).find())) {
            if (!ui.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("helix ui printed no address: " + (Files.exists(output) ? Files.readString(output) : ""));
            }
            Thread.sleep(50);
        }
        url = URI.create(m.group(1));
        token = m.group(2);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (ui != null) {
            ui.destroy();
            if (!ui.waitFor(20, TimeUnit.SECONDS)) ui.destroyForcibly();
        }
    }

    static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(String pathAndQuery) throws Exception {
        HttpResponse<String> r = get(pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?") + "token=" + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return Output.JSON.readTree(r.body());
    }

    static int run(String status) {
        return repo.ledger().stream().filter(r -> r.get("status").asText().equals(status)).findFirst().orElseThrow().get("run").asInt();
    }

    @Test
    void theSessionsAreTheLedgersTagsAndTheForksBranches() throws Exception {
        JsonNode sessions = json("api/sessions");
        assertThat(sessions.get("latest").asText()).isEqualTo("t1");
        List<String> tags = new ArrayList<>();
        sessions.get("sessions").forEach(s -> tags.add(s.get("tag").asText()));
        assertThat(tags).containsExactly("t1", "t1-wide");
        assertThat(sessions.get("sessions").get(1).get("fork_of").asText()).isEqualTo("t1");
        assertThat(sessions.get("sessions").get(0).get("running").asBoolean()).isFalse();
    }

    @Test
    void aSessionHasAPointPerRecordInLedgerOrderWithTheBestSoFarAndItsCounts() throws Exception {
        JsonNode s = json("api/session?tag=t1");
        List<JsonNode> ledger = repo.ledger();
        JsonNode points = s.get("points");
        assertThat(points.size()).isEqualTo(ledger.size());
        for (int i = 0; i < ledger.size(); i++) {
            assertThat(points.get(i).get("run").asInt()).isEqualTo(ledger.get(i).get("run").asInt());
            assertThat(points.get(i).get("status").asText()).isEqualTo(ledger.get(i).get("status").asText());
        }
        double best = Double.MAX_VALUE;
        for (JsonNode p : points) {
            assertThat(p.get("best").asDouble()).as("best so far of a minimised metric never rises").isLessThanOrEqualTo(best);
            best = p.get("best").asDouble();
        }
        assertThat(s.get("metric").get("name").asText()).isEqualTo("loss");
        assertThat(s.get("metric").get("optimize").asText()).isEqualTo("minimize");
        assertThat(s.get("baseline").asDouble()).isEqualTo(ledger.get(0).get("primary").asDouble());
        assertThat(s.get("counts").get("kept").asLong()).isEqualTo(ledger.stream().filter(r -> r.get("status").asText().equals("keep")).count());
        assertThat(s.get("stop_reason").asText()).isEqualTo("reached --max-experiments");
        assertThat(s.get("tokens").asLong()).as("the tuner uses no tokens").isZero();
        assertThat(s.has("cost_per_kept_usd")).as("nothing reported a cost").isFalse();
        assertThat(s.get("running").asBoolean()).isFalse();
        assertThat(s.get("workers").size()).isZero();

        JsonNode again = json("api/session?tag=t1&version=" + java.net.URLEncoder.encode(s.get("version").asText(), StandardCharsets.UTF_8));
        assertThat(again.get("unchanged").asBoolean()).as("nothing changed since").isTrue();
        assertThat(again.has("points")).isFalse();
    }

    @Test
    void anExperimentHasItsRecordItsDiffAndItsLogTail() throws Exception {
        JsonNode keep = json("api/experiment?tag=t1&run=" + run("keep"));
        assertThat(keep.get("record").get("status").asText()).isEqualTo("keep");
        assertThat(keep.get("diff").asText()).contains("diff --git a/params.txt b/params.txt").containsPattern("\\n\\+x = ");
        assertThat(keep.get("log_tail").toString()).contains("loss:");

        JsonNode crash = json("api/experiment?tag=t1&run=" + run("crash"));
        assertThat(crash.get("record").get("reason").asText()).isNotEmpty();
        assertThat(crash.get("log_tail").toString()).contains("error: x in the forbidden band");
    }

    @Test
    void secretsAreRedactedAsReportsRedactThem() throws Exception {
        int leaked = repo.ledger().stream().filter(r -> r.get("description").asText().contains(SECRET)).findFirst().orElseThrow()
                .get("run").asInt();
        JsonNode e = json("api/experiment?tag=t1&run=" + leaked);
        assertThat(e.get("record").get("description").asText()).isEqualTo("used key [REDACTED:HELIX_UI_TEST_API_KEY]");
        assertThat(json("api/session?tag=t1").toString()).doesNotContain(SECRET).contains("[REDACTED:HELIX_UI_TEST_API_KEY]");
    }

    @Test
    void withATokenThePageAndTheDataNeedItButTheCodeDoesNot() throws Exception {
        assertThat(get("api/sessions").statusCode()).isEqualTo(403);
        assertThat(get("api/sessions?token=" + "0".repeat(token.length())).statusCode()).isEqualTo(403);
        assertThat(get("?token=bad").statusCode()).isEqualTo(403);
        HttpResponse<String> page = get("?token=" + token);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'")
                .doesNotContain("unsafe-inline");
        assertThat(page.body()).contains("<script src=\"app.js\"").doesNotContain("http://").doesNotContain("https://");
        HttpResponse<String> js = get("app.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.body().replace("http://www.w3.org/2000/svg", "")).as("nothing fetched from elsewhere")
                .doesNotContain("http://").doesNotContain("https://").doesNotContain("innerHTML");
        assertThat(get("app.css").body()).doesNotContain("http").doesNotContain("@import");
    }

    @Test
    void aRequestNamingAnotherHostIsRefused() throws Exception {
        // What a page elsewhere sends after rebinding its own name to 127.0.0.1.
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), url.getPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/sessions?token=" + token + " HTTP/1.1\r\nHost: attacker.example:" + url.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 403");
        }
    }

    @Test
    void whatIsNotThereIsANotFoundWithTheReason() throws Exception {
        HttpResponse<String> r = get("api/experiment?tag=t1&run=999&token=" + token);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Output.JSON.readTree(r.body()).get("error").asText()).isEqualTo("session t1 has no experiment #999");
        assertThat(get("api/session?tag=nope&token=" + token).statusCode()).isEqualTo(404);
        assertThat(get("nothing-here?token=" + token).statusCode()).isEqualTo(404);
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(url.resolve("api/sessions?token=" + token))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void asJsonItAnswersWithTheAddressAtOnceAndServesOn() throws Exception {
        Path output = tmp.resolve("ui-json.log");
        ProcessBuilder pb = repo.helixProcess(output, "ui", "--port", "0");
        pb.command().set(pb.command().indexOf("--text"), "--json");
        pb.redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Files.readString(output).isEmpty()) {
                if (!p.isAlive() || System.nanoTime() > deadline) throw new AssertionError("no envelope: " + Files.readString(output));
                Thread.sleep(50);
            }
            while (!Files.readString(output).endsWith("\n") && System.nanoTime() < deadline) Thread.sleep(20);
            JsonNode envelope = Output.JSON.readTree(Files.readString(output));
            assertThat(envelope.get("status").asText()).isEqualTo("success");
            String address = envelope.get("data").get("url").asText();
            assertThat(address).matches("http://127\\.0\\.0\\.1:\\d+/").endsWith(":" + envelope.get("data").get("port").asInt() + "/");
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(address + "api/sessions")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("no token on 127.0.0.1 unless asked").isEqualTo(200);
            assertThat(p.isAlive()).isTrue();
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    @Test
    void aPortInUseOrOutOfRangeIsAUsageError() throws Exception {
        TestRepo.Run range = repo.helix("ui", "--port", "70000");
        assertThat(range.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(range.json().get("error").get("message").asText()).contains("--port must be between 0 and 65535");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TestRepo.Run busy = repo.helix("ui", "--port", Integer.toString(taken.getLocalPort()));
            assertThat(busy.code()).isEqualTo(ExitCodes.USAGE);
            assertThat(busy.json().get("error").get("message").asText()).startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}

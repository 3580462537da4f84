package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.app.Workspace;
import dev.helix.app.ui.DashboardServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard of {@code helix ui} in real headless Chromium, on the ledger of a real session that grows while it is shown. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiBrowserTest {
    static final String HOSTILE = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int WIDTH = 1200;
    static final int HEIGHT = 900;

    @TempDir
    static Path tmp;

    static TestRepo repo;
    static DashboardServer server;
    static DevToolsPage page;

    @BeforeAll
    static void showARealSession() throws Exception {
        Chromium chromium = Chromium.require(Files.createDirectories(tmp.resolve("chromium-home")));
        repo = ReportCommandTest.session(tmp.resolve("repo"));
        TestRepo.Run hostile = repo.helix("record", "--tag", "t1", "--metric", "9", "--status", "discard", "-m", HOSTILE);
        assertThat(hostile.code()).as(hostile.toString()).isZero();
        server = DashboardServer.start(Workspace.open(repo.dir, ""), "127.0.0.1", 0, false);
        page = DevToolsPage.open(chromium.binary(), tmp.resolve("chromium-home"), server.url().toString(), WIDTH, HEIGHT);
    }

    @AfterAll
    static void stop() {
        if (page != null) page.close();
        if (server != null) server.close();
    }

    static JsonNode points() throws Exception {
        return page.await("document.querySelectorAll('#chart circle.point').length", v -> v.asInt() == repo.ledger().size(), WAIT);
    }

    @Test
    @Order(1)
    void theChartHasAPointPerExperimentColouredByStatusWithTheBestSoFarAndTheBaseline() throws Exception {
        assertThat(points().asInt()).isEqualTo(repo.ledger().size());
        long crashes = repo.ledger().stream().filter(r -> r.get("status").asText().equals("crash")).count();
        assertThat(crashes).as("the session has crashes to colour").isPositive();
        assertThat(page.eval("document.querySelectorAll('#chart circle.point.crash').length").asLong()).isEqualTo(crashes);
        assertThat(page.eval("document.querySelectorAll('#chart circle.point.baseline').length").asInt()).isEqualTo(1);
        assertThat(page.eval("document.querySelectorAll('#chart path.best').length").asInt()).isEqualTo(1);
        assertThat(page.eval("document.querySelectorAll('#chart line.baseline-line').length").asInt()).isEqualTo(1);
        assertThat(page.eval("document.getElementById('session').value").asText()).isEqualTo("t1");
        assertThat(page.eval("document.getElementById('summary').textContent").asText()).contains("experiments").contains("kept");
        assertThat(page.eval("document.getElementById('stop').textContent").asText()).isEqualTo("Stopped: reached --max-experiments");
    }

    @Test
    @Order(2)
    void clickingAPointShowsThatExperimentWithItsDiffAndLog() throws Exception {
        points();
        int kept = repo.ledger().stream().filter(r -> r.get("status").asText().equals("keep")).findFirst().orElseThrow().get("run").asInt();
        click(kept);
        JsonNode diff = page.await("(document.getElementById('diff') || {}).textContent || ''", v -> !v.asText().isEmpty(), WAIT);
        assertThat(diff.asText()).contains("params.txt").containsPattern("\\+x = [0-9.]+");
        assertThat(page.eval("document.querySelectorAll('#diff .add').length").asInt()).isPositive();
        String detail = page.eval("document.getElementById('detail').textContent").asText();
        assertThat(detail).contains("#" + kept).contains("keep").contains("improved").contains("samples");
        assertThat(page.eval("document.getElementById('log').textContent").asText()).contains("loss:");
    }

    @Test
    @Order(3)
    void aDescriptionWrittenByTheProposerIsShownAsTextNeverRunAsMarkup() throws Exception {
        points();
        int run = repo.ledger().stream().filter(r -> r.get("description").asText().equals(HOSTILE)).findFirst().orElseThrow().get("run").asInt();
        click(run);
        page.await("document.getElementById('detail').textContent.includes('#" + run + "')", JsonNode::asBoolean, WAIT);
        assertThat(page.eval("document.getElementById('detail').textContent").asText()).contains(HOSTILE);
        assertThat(page.eval("document.querySelectorAll('img, main script').length").asInt()).isZero();
        assertThat(page.eval("document.title").asText()).isEqualTo("Helix · t1");
    }

    @Test
    @Order(4)
    void twoPinnedExperimentsShowTheirDiffsSideBySide() throws Exception {
        points();
        var kept = repo.ledger().stream().filter(r -> r.get("status").asText().equals("keep")).map(r -> r.get("run").asInt()).toList();
        assertThat(kept).hasSizeGreaterThanOrEqualTo(2);
        click(kept.get(0));
        page.await("document.getElementById('detail').textContent.includes('#" + kept.get(0) + " ')", JsonNode::asBoolean, WAIT);
        page.eval("document.getElementById('pin').click()");
        click(kept.get(1));
        JsonNode sides = page.await("[...document.querySelectorAll('#compare:not([hidden]) pre.diff')].map(p => p.textContent)",
                v -> v.size() == 2, WAIT);
        assertThat(sides.get(0).asText()).contains("params.txt");
        assertThat(sides.get(1).asText()).contains("params.txt");
        assertThat(sides.get(0).asText()).isNotEqualTo(sides.get(1).asText());
    }

    @Test
    @Order(5)
    void theScreenshotIsThePageAtTheWindowsSizeNotABlankImage() throws Exception {
        points();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(page.screenshot()));
        assertThat(image.getWidth()).isEqualTo(WIDTH);
        assertThat(image.getHeight()).isEqualTo(HEIGHT);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) colours.add(image.getRGB(x, y));
        }
        assertThat(colours).as("distinct colours: text, chart, points").hasSizeGreaterThan(20);
        ImageIO.write(image, "png", Path.of("target/ui-screenshot.png").toAbsolutePath().toFile());
    }

    @Test
    @Order(6)
    void experimentsAppendedByAResumedSessionAppearWithoutAReload() throws Exception {
        int before = points().asInt();
        page.eval("window.helixLoaded = true"); // a reload would drop it
        TestRepo.Run run = repo.helix("run", "--resume", "--tag", "t1", "--max-experiments", "12");
        assertThat(run.code()).as(run.toString()).isZero();
        int after = repo.ledger().size();
        assertThat(after).isGreaterThan(before);

        assertThat(page.await("document.querySelectorAll('#chart circle.point').length", v -> v.asInt() == after, Duration.ofSeconds(15)).asInt())
                .isEqualTo(after);
        assertThat(page.eval("window.helixLoaded === true").asBoolean()).as("the same page, not reloaded").isTrue();
        assertThat(page.eval("document.getElementById('connection').textContent").asText()).isEmpty();
    }

    @Test
    @Order(7)
    void aLinkToAnExperimentOpensTheDashboardOnIt() throws Exception {
        int crash = repo.ledger().stream().filter(r -> r.get("status").asText().equals("crash")).findFirst().orElseThrow().get("run").asInt();
        page.eval("location.hash = '#tag=t1&run=" + crash + "'; location.reload()");
        JsonNode detail = page.await("(document.getElementById('detail') || {}).textContent || ''",
                v -> v.asText().startsWith("#" + crash + " "), WAIT);
        assertThat(detail.asText()).contains("crash").contains("forbidden band");
    }

    @Test
    @Order(8)
    void aRunningSessionShowsItsWorkersAndThenWhyItStopped() throws Exception {
        String evaluate = repo.read("evaluate.sh");
        repo.write("evaluate.sh", evaluate.replace("#!/bin/sh\n", "#!/bin/sh\nsleep 1\n"));
        repo.commitAll("a slower evaluation, to be seen running");
        Path output = tmp.resolve("live.log");
        // Long enough to be seen running on a busy machine; stopped (SIGTERM, as Ctrl-C) once it has been.
        Process live = repo.helixProcess(output, "run", "--tag", "live", "--max-experiments", "200").start();
        try {
            page.await("[...document.querySelectorAll('#session option')].some(o => o.value === 'live')", JsonNode::asBoolean, WAIT);
            page.eval("const s = document.getElementById('session'); s.value = 'live'; s.dispatchEvent(new Event('change'))");
            JsonNode phase = page.await("document.getElementById('workers-box').hidden ? '' : "
                    + "document.querySelector('#workers tbody').textContent", v -> !v.asText().isEmpty(), WAIT);
            assertThat(phase.asText()).containsPattern("proposing|evaluating|starting");
            assertThat(page.eval("document.getElementById('state').textContent").asText()).isEqualTo("running");
            page.await("document.querySelectorAll('#chart circle.point').length", v -> v.asInt() >= 2, WAIT); // while it runs
            live.destroy();
            assertThat(live.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as(Files.readString(output)).isTrue();
        } finally {
            live.destroyForcibly();
        }
        page.await("document.getElementById('stop').textContent", v -> v.asText().startsWith("Stopped: interrupted"), WAIT);
        assertThat(page.eval("document.getElementById('state').textContent").asText()).isEqualTo("not running");
        assertThat(page.eval("document.getElementById('workers-box').hidden").asBoolean()).isTrue();
        long records = repo.ledger().stream().filter(r -> r.get("tag").asText().equals("live")).count();
        assertThat(records).isPositive();
        assertThat(page.await("document.querySelectorAll('#chart circle.point').length", v -> v.asInt() == records, WAIT).asLong())
                .isEqualTo(records);
    }

    /** Once finalize wrote its counts for the session shown, a card says what it found, without a reload. */
    @Test
    @Order(9)
    void aFinalizedSessionShowsWhatFinalizeFoundAsACard() throws Exception {
        assertThat(page.eval("document.getElementById('final-card') === null").asBoolean()).as("before finalize").isTrue();
        Path file = Files.createDirectories(repo.dir.resolve(".helix/runs/live")).resolve("final.json");
        Files.writeString(file, new dev.helix.core.report.FinalTally(false, 3, 2, 1, 0, 0, 1, true, "helix/live-final").json());
        try {
            JsonNode card = page.await("(document.getElementById('final-card') || {}).textContent || ''", v -> !v.asText().isEmpty(), WAIT);
            assertThat(card.asText()).contains("gain NOT confirmed, 2 of 3 changes stay")
                    .contains("finalize dropped 1 of 3 kept changes (their removal did not hurt)").contains("helix/live-final")
                    .contains("summary in .helix/runs/live/final.md");
            assertThat(page.eval("document.getElementById('final-card').className").asText()).contains("unconfirmed");
        } finally {
            Files.delete(file);
        }
    }

    /** Clicks the chart's point of {@code run}, as a mouse would. */
    static void click(int run) throws Exception {
        page.eval("document.querySelector('#chart circle.point[data-run=\"" + run + "\"]')"
                + ".dispatchEvent(new MouseEvent('click', {bubbles: true}))");
    }
}

package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** helix report, export, show and diff on the ledger of a real session. */
class ReportCommandTest {
    @TempDir
    static Path tmp;

    static TestRepo repo;

    /** A real session: the tuner on the parabola, where x between 3.8 and 3.95 crashes the evaluation (exit 3). */
    static TestRepo session(Path dir) {
        TestRepo repo = TestRepo.quadratic(dir, "");
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                echo "evaluating x=$x"
                awk -v x="$x" 'BEGIN { if (x > 3.8 && x < 3.95) { print "error: x in the forbidden band"; exit 3 } printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """);
        repo.commitAll("crash in a band");
        TestRepo.Run run = repo.helix("run", "--tag", "t1", "--max-experiments", "8");
        if (run.code() != 0) throw new AssertionError(run.toString());
        return repo;
    }

    @BeforeAll
    static void runASession() {
        repo = session(tmp.resolve("repo"));
    }

    @Test
    void theMarkdownReportSaysWhatHappenedWithItsChartNextToIt() throws Exception {
        Path file = tmp.resolve("out/report.md");
        TestRepo.Run run = repo.helix("--text", "report", "-o", file.toString());

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.err()).contains("Wrote " + file + " and its chart report.svg");
        String md = Files.readString(file);
        assertThat(md).contains("![loss per experiment, with the best so far](report.svg)");
        Document svg = parse(Files.readString(tmp.resolve("out/report.svg")));
        assertThat(points(svg)).isEqualTo(repo.ledger().size());
        Golden.assertMatches("report-md.txt", Golden.normalise(md, tmp));
    }

    @Test
    void markdownOnStdoutEmbedsTheChartAsADataUri() throws Exception {
        TestRepo.Run run = repo.helix("--text", "report");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("# Helix report: session t1\n");
        Matcher m = Pattern.compile("\\(data:image/svg\\+xml;base64,([A-Za-z0-9+/=]+)\\)").matcher(run.out());
        assertThat(m.find()).isTrue();
        Document svg = parse(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8));
        assertThat(points(svg)).isEqualTo(repo.ledger().size());
    }

    @Test
    void asJsonTheReportIsInTheEnvelope() {
        JsonNode data = repo.helix("--json", "report").json().get("data");
        assertThat(data.get("format").asText()).isEqualTo("md");
        assertThat(data.get("experiments").asInt()).isEqualTo(8);
        assertThat(data.get("document").asText()).startsWith("# Helix report: session t1");
        assertThat(repo.helix("report", "--format", "pdf").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void theHtmlReportRendersInChromiumWithItsChartAndTable() throws Exception {
        Chromium chromium = Chromium.require(Files.createDirectories(tmp.resolve("chromium-home")));
        Path file = tmp.resolve("report.html");
        TestRepo.Run run = repo.helix("--json", "report", "-o", file.toString());
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.json().get("data").get("format").asText()).as("from the extension").isEqualTo("html");
        String html = Files.readString(file);
        assertThat(html).as("nothing to run, nothing fetched").doesNotContain("<script").doesNotContain("src=\"http")
                .doesNotContain("href=\"http").doesNotContain("url(");

        String dom = chromium.dumpDom(file);

        int records = repo.ledger().size();
        assertThat(dom).contains("<h1>Helix report: session t1</h1>");
        assertThat(count(dom, "<svg ")).isEqualTo(1);
        assertThat(count(dom, "class=\"point ")).as("one point per experiment").isEqualTo(records);
        assertThat(count(dom, "class=\"point crash\"")).isEqualTo(count(repo, "crash"));
        assertThat(dom).contains("<path class=\"best\"");
        assertThat(dom).contains("<table id=\"summary\">").contains("<table id=\"experiments\">");
        String table = dom.substring(dom.indexOf("<table id=\"experiments\">"));
        table = table.substring(table.indexOf("<tbody>"), table.indexOf("</tbody>"));
        assertThat(count(table, "<tr ")).as("one row per experiment").isEqualTo(records);
        assertThat(dom).contains("<h2>Kept changes</h2>").contains("<pre class=\"diff\">");

        Path png = Path.of("target/report-screenshot.png").toAbsolutePath();
        chromium.screenshot(file, png, 1000, 1400);
        assertThat(Files.readAllBytes(png)).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }

    @Test
    void showGivesTheRecordItsDiffAndItsLogTail() {
        int crash = repo.ledger().stream().filter(r -> r.get("status").asText().equals("crash")).findFirst().orElseThrow()
                .get("run").asInt();
        TestRepo.Run text = repo.helix("--text", "show", Integer.toString(crash));
        assertThat(text.code()).as(text.toString()).isZero();
        Golden.assertMatches("show-crash.txt", Golden.normalise(text.out(), tmp));

        JsonNode data = repo.helix("show", "best").json().get("data");
        JsonNode best = repo.ledger().stream().filter(r -> r.get("status").asText().matches("keep|baseline"))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(data.get("record")).as("the ledger's record, its numbers to the digits measured").isEqualTo(Output.measured(best));
        assertThat(data.get("diff").asText()).contains("+++ b/params.txt");
        assertThat(data.get("log_tail").get(data.get("log_tail").size() - 1).asText()).startsWith("loss: ");
        TestRepo.Run missing = repo.helix("show", "99");
        assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.json().get("error").get("suggestion").asText()).contains("helix log");
    }

    @Test
    void diffComparesTwoExperimentsByRunNumberBestOrBaseline() {
        JsonNode data = repo.helix("--json", "diff", "baseline", "best").json().get("data");
        assertThat(data.get("a").get("run").asInt()).isZero();
        assertThat(data.get("b").get("status").asText()).isEqualTo("keep");
        assertThat(data.get("diff").asText()).contains("-x = 4.0").contains("+x = ");
        assertThat(data.get("files").asInt()).isEqualTo(1);
        TestRepo.Run text = repo.helix("--text", "diff", "0", "1");
        assertThat(text.err()).startsWith("diff #0 (baseline, ");
        assertThat(text.out()).startsWith("diff --git").contains("-x = 4.0");
        assertThat(repo.helix("--json", "diff", "0", "0").json().get("data").get("diff").asText()).isEmpty();
        assertThat(repo.helix("diff", "0", "latest").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void exportWritesEveryRecordInEachFormat() throws Exception {
        List<JsonNode> ledger = repo.ledger();
        String jsonl = repo.helix("--text", "export", "--format", "jsonl").out();
        // The records as the ledger has them, without the signature that only this machine's key checks.
        assertThat(jsonl).isEqualTo(Files.readString(repo.dir.resolve(".helix/experiments.jsonl"))
                .replaceAll(",\"prev\":\"[0-9a-f]*\",\"mac\":\"[0-9a-f]{64}\"}", "}"));

        JsonNode array = Output.JSON.readTree(repo.helix("--text", "export", "--format", "json").out());
        assertThat(array.isArray()).isTrue();
        assertThat(array).containsExactlyElementsOf(ledger);

        String csv = repo.helix("--text", "export", "--format", "csv").out();
        List<String> lines = csv.lines().toList();
        assertThat(lines).hasSize(ledger.size() + 1);
        assertThat(lines.get(0)).startsWith("tag,run,attempt,worker,status,primary,delta,delta_pct,metric.loss,description,");
        assertThat(lines.get(1)).startsWith("t1,0,0,1,baseline,5.29,,,5.29,baseline,");
        // a reason with a comma is quoted
        assertThat(lines.get(1)).contains(",\"the unchanged code, measured 3 times; noise: none: 3 identical baseline runs -> strict judge\",");

        Path tsv = tmp.resolve("export/ledger.tsv");
        JsonNode written = repo.helix("--json", "export", "-o", tsv.toString()).json().get("data");
        assertThat(written.get("format").asText()).as("from the extension").isEqualTo("tsv");
        assertThat(written.get("records").asInt()).isEqualTo(ledger.size());
        assertThat(Files.readAllLines(tsv)).hasSize(ledger.size() + 1).first().isEqualTo("tag\trun\tcommit\tloss\tstatus\tdescription");
        assertThat(Files.readString(tsv)).isEqualTo(repo.git("show", "helix/t1:experiments.tsv") + "\n");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    private static int count(TestRepo repo, String status) {
        return (int) repo.ledger().stream().filter(r -> r.get("status").asText().equals(status)).count();
    }

    private static int points(Document svg) {
        int n = 0;
        var all = svg.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            String cls = ((org.w3c.dom.Element) all.item(i)).getAttribute("class");
            if (cls.startsWith("point ")) n++;
        }
        return n;
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}

package dev.helix.core.report;

import static dev.helix.core.report.Fixtures.baseline;
import static dev.helix.core.report.Fixtures.crash;
import static dev.helix.core.report.Fixtures.discard;
import static dev.helix.core.report.Fixtures.keep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Evidence;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.spec.Direction;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> withClass(Document doc, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList all = doc.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (List.of(e.getAttribute("class").split(" ")).contains(cls)) out.add(e);
        }
        return out;
    }

    static String render(List<Experiment> records) {
        return SvgChart.render(ReportModel.points(records), "loss", Direction.MINIMIZE);
    }

    @Test
    void isWellFormedSvgWithOnePointPerRecordAndTheBestSoFarLine() throws Exception {
        List<Experiment> records = List.of(baseline(5), keep(1, 4, -1), discard(2, 6, "x"), crash(3, 3), keep(4, 2, -2));

        Document doc = parse(render(records));

        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        List<Element> points = withClass(doc, "point");
        assertThat(points).hasSize(5);
        assertThat(points).extracting(p -> p.getAttribute("data-run")).containsExactly("0", "1", "2", "3", "4");
        assertThat(points).extracting(p -> p.getAttribute("class"))
                .containsExactly("point baseline", "point keep", "point discard", "point crash", "point keep");
        assertThat(points.get(3).getTagName()).as("a crash has no value: a cross on the bottom edge").isEqualTo("path");
        assertThat(points.get(2).getElementsByTagName("title").item(0).getTextContent()).isEqualTo("#2 discard 6 x");
        List<Element> best = withClass(doc, "best");
        assertThat(best).hasSize(1);
        // A step line: a start, then one horizontal and one vertical move per later record.
        String d = best.get(0).getAttribute("d");
        assertThat(d).startsWith("M");
        assertThat(d.split(" V")).hasSize(1 + 4);
    }

    @Test
    void theBestSoFarLineFollowsTheKeepsAndIgnoresDiscards() {
        List<ReportModel.Point> points = ReportModel.points(
                List.of(baseline(5), keep(1, 4, -1), discard(2, 6, "x"), crash(3, 3), keep(4, 2, -2)));
        assertThat(points).extracting(ReportModel.Point::bestSoFar).containsExactly(5.0, 4.0, 4.0, 4.0, 2.0);
    }

    @Test
    void statisticalVerdictsGetErrorBarsFromTheirConfidenceInterval() throws Exception {
        Evidence evidence = new Evidence(-0.5, -0.8, -0.2, 0.01, 0.05, 5, 5, 3, 0.2, 8, 10, "commit0");
        Experiment judged = Fixtures.record(1, Status.KEEP, 2.5, -0.5, "idea", "significant", Optional.of(0),
                Optional.of(evidence), false);

        ReportModel.Point p = ReportModel.points(List.of(baseline(3), judged)).get(1);
        // The interval of the effect, placed around the value: 2.5 + (-0.8 - -0.5), 2.5 + (-0.2 - -0.5).
        assertThat(p.low()).hasValueSatisfying(v -> assertThat(v).isCloseTo(2.2, org.assertj.core.data.Offset.offset(1e-9)));
        assertThat(p.high()).hasValueSatisfying(v -> assertThat(v).isCloseTo(2.8, org.assertj.core.data.Offset.offset(1e-9)));
        Document doc = parse(render(List.of(baseline(3), judged)));
        assertThat(withClass(doc, "ci")).extracting(e -> e.getAttribute("data-run")).containsExactly("1");
    }

    @Test
    void hostileTextIsEscapedAndControlCharactersDropped() throws Exception {
        String evil = "</title></circle><script>alert(1)</script> & \"quotes\" 'too' \u0001\u0007 \uD83D\uDE80 \uD800";
        Document doc = parse(render(List.of(baseline(1), discard(1, 2, evil))));
        assertThat(doc.getElementsByTagName("script").getLength()).isZero();
        String title = withClass(doc, "point").get(1).getElementsByTagName("title").item(0).getTextContent();
        assertThat(title).contains("<script>alert(1)</script> & \"quotes\" 'too'").contains("\uD83D\uDE80")
                .doesNotContain("\u0001").doesNotContain("\uD800");
    }

    @Test
    void aMetricSpanningMoreThan100xIsDrawnOnALogScale() {
        assertThat(SvgChart.Scale.of(List.of(5.0, 0.001)).log()).isTrue();
        assertThat(SvgChart.Scale.of(List.of(5.0, 1.0)).log()).isFalse();
        assertThat(SvgChart.Scale.of(List.of(-1.0, 1000.0)).log()).as("not with values <= 0").isFalse();
        assertThat(render(List.of(baseline(5), keep(1, 0.001, -4.999)))).contains("loss (log scale)");
    }

    @Test
    void aSingleRecordOrOnlyCrashesStillRender() throws Exception {
        assertThat(withClass(parse(render(List.of(baseline(2)))), "point")).hasSize(1);
        assertThat(withClass(parse(render(List.of(crash(0, 1), crash(1, 2)))), "point")).hasSize(2);
    }
}

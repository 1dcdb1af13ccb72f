package errgroupkatas.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import errgroupkatas.story.ServiceException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

@DisplayName("The SVG timeline")
class SvgTimelineTest {
    static final String SVG = "http://www.w3.org/2000/svg";
    /** Any fixed origin: only differences between instants count. */
    static final long T0 = 5_000_000_000L;

    final List<Call> calls = new ArrayList<>();

    /** A call named {@code name} from {@code startMs} to {@code endMs} after T0, ended {@code outcome}. */
    Call call(String name, double startMs, double endMs, Call.Outcome outcome) {
        Call c = new Call(calls.size(), name, Thread.currentThread(), T0 + nanos(startMs));
        if (outcome != Call.Outcome.RUNNING) {
            Throwable failure = switch (outcome) {
                case FAILED -> new ServiceException(name + " failed");
                case INTERRUPTED -> new InterruptedException();
                default -> null;
            };
            c.end(outcome, failure, T0 + nanos(endMs));
        }
        calls.add(c);
        return c;
    }

    static long nanos(double ms) {
        return Math.round(ms * 1e6);
    }

    /** A fail-fast run: one lookup fails at 80 ms, two siblings are interrupted, one returned. */
    SvgTimeline failFast() {
        call("friendIds(1)", 0, 0.2, Call.Outcome.RETURNED);
        call("profile(1001)", 10.3, 110.6, Call.Outcome.RETURNED);
        call("profile(1002)", 20.1, 80.4, Call.Outcome.INTERRUPTED);
        call("profile(1003)", 30.2, 80.2, Call.Outcome.FAILED);
        call("profile(1004)", 40.4, 80.5, Call.Outcome.INTERRUPTED);
        return SvgTimeline.of(calls, T0 + nanos(200)).titled("Kata 03 — fail fast <errgroup>")
                .withNote("the rest interrupted at t = 80 ms");
    }

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> elements(Document doc, String tag, String cssClass) {
        NodeList all = doc.getElementsByTagNameNS(SVG, tag);
        List<Element> found = new ArrayList<>();
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (List.of(e.getAttribute("class").split(" ")).containsAll(List.of(cssClass.split(" ")))) {
                found.add(e);
            }
        }
        return found;
    }

    static List<String> texts(List<Element> elements) {
        return elements.stream().map(Element::getTextContent).toList();
    }

    /** The bars of the calls that ended {@code outcome} (the legend's swatches are bars too). */
    static List<Element> callBars(Document doc, String outcome) {
        return elements(doc, "rect", "bar " + outcome).stream()
                .filter(bar -> ((Element) bar.getParentNode()).getAttribute("class").startsWith("call "))
                .toList();
    }

    /** A bar's start and end on the axis, in ms, from its tooltip ("profile(1) 10–110 ms, returned"). */
    static String span(Element bar) {
        String tooltip = bar.getTextContent();
        return tooltip.substring(tooltip.indexOf(' ') + 1, tooltip.indexOf(" ms"));
    }

    @Test
    @DisplayName("is a well-formed SVG document with a title, and nothing a renderer would refuse")
    void wellFormed() throws Exception {
        String svg = failFast().render();
        Document doc = parse(svg);

        assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo(SVG);
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(texts(elements(doc, "text", "title"))).containsExactly("Kata 03 — fail fast <errgroup>");
        assertThat(texts(elements(doc, "text", "note"))).containsExactly("the rest interrupted at t = 80 ms");
        assertThat(svg).doesNotContain("<script", "href", "@import", "url(");
    }

    @Test
    @DisplayName("draws one labelled bar per call, in start order")
    void oneBarPerCall() throws Exception {
        Document doc = parse(failFast().render());

        List<Element> rows = elements(doc, "g", "call");
        assertThat(rows).hasSize(5);
        assertThat(texts(elements(doc, "text", "name")))
                .containsExactly("friendIds(1)", "profile(1001)", "profile(1002)", "profile(1003)", "profile(1004)");
        for (Element row : rows) {
            assertThat(elements(doc, "rect", "bar")).filteredOn(bar -> bar.getParentNode() == row).hasSize(1);
        }
    }

    @Test
    @DisplayName("marks failures and interrupts by colour, mark and word")
    void marksOutcomes() throws Exception {
        Document doc = parse(failFast().render());

        assertThat(elements(doc, "g", "call returned")).hasSize(2);
        assertThat(elements(doc, "g", "call failed")).singleElement()
                .satisfies(row -> assertThat(row.getTextContent())
                        .contains("profile(1003)", "failed: ServiceException"));
        assertThat(elements(doc, "path", "mark failed")).hasSize(1);
        assertThat(elements(doc, "g", "call interrupted")).hasSize(2)
                .allSatisfy(row -> assertThat(row.getTextContent()).contains("interrupted"));
        assertThat(elements(doc, "line", "mark interrupted")).hasSize(2);
    }

    @Test
    @DisplayName("has a time axis in ms from the first call, and a legend of the outcomes")
    void axisAndLegend() throws Exception {
        Document doc = parse(failFast().render());

        List<String> ticks = texts(elements(doc, "text", "tick"));
        assertThat(ticks).startsWith("0").endsWith("120 ms").contains("20", "100");
        assertThat(elements(doc, "g", "legend")).singleElement()
                .satisfies(legend -> assertThat(legend.getTextContent()).contains("returned", "failed", "interrupted"));
    }

    @Test
    @DisplayName("snaps each gap between instants to the step, so jitter does not add up along a chain")
    void snapsGaps() throws Exception {
        // A serial chain whose every call overshoots a little: 4 × 0.4 ms would move the last
        // instant past a rounding boundary if instants were rounded; gaps rounded stay on the grid.
        call("next#0", 0, 10.4, Call.Outcome.RETURNED);
        call("profile(1001)", 10.4, 111.2, Call.Outcome.RETURNED);
        call("next#1", 111.2, 121.9, Call.Outcome.RETURNED);
        call("profile(1002)", 121.9, 226.6, Call.Outcome.RETURNED);

        Document snapped = parse(SvgTimeline.of(calls, T0).snappedTo(Duration.ofMillis(10)).render());
        Document exact = parse(SvgTimeline.of(calls, T0).render());

        assertThat(callBars(snapped, "returned")).extracting(SvgTimelineTest::span)
                .containsExactly("0–10", "10–110", "110–120", "120–220");
        assertThat(SvgTimeline.of(calls, T0).snappedTo(Duration.ofMillis(10)).bars())
                .extracting(bar -> bar.call().name(), bar -> bar.start().toMillis(), bar -> bar.length().toMillis())
                .containsExactly(tuple("next#0", 0L, 10L), tuple("profile(1001)", 10L, 100L),
                        tuple("next#1", 110L, 10L), tuple("profile(1002)", 120L, 100L));
        assertThat(texts(elements(snapped, "text", "scale"))).singleElement().asString()
                .contains("snapped to 10 ms");
        assertThat(callBars(exact, "returned")).extracting(SvgTimelineTest::span)
                .containsExactly("0–10.4", "10.4–111.2", "111.2–121.9", "121.9–226.6");
    }

    @Test
    @DisplayName("draws the same document for the same calls")
    void deterministic() {
        String once = failFast().snappedTo(Duration.ofMillis(10)).render();
        calls.clear();
        String again = failFast().snappedTo(Duration.ofMillis(10)).render();

        assertThat(again).isEqualTo(once);
    }

    @Test
    @DisplayName("draws a marker (a deadline) and a call still running up to now")
    void markersAndRunning() throws Exception {
        call("profile(1)", 0, 100, Call.Outcome.RETURNED);
        call("latestOrder(1)", 0, 0, Call.Outcome.RUNNING);

        Document doc = parse(SvgTimeline.of(calls, T0 + nanos(250))
                .withMarker(Duration.ofMillis(200), "deadline 200 ms").render());

        assertThat(texts(elements(doc, "text", "marker-label"))).containsExactly("deadline 200 ms");
        assertThat(elements(doc, "line", "marker-line")).hasSize(1);
        assertThat(elements(doc, "g", "call running")).singleElement()
                .satisfies(row -> assertThat(row.getTextContent()).contains("latestOrder(1)", "still running"));
        assertThat(elements(doc, "g", "legend")).singleElement()
                .satisfies(legend -> assertThat(legend.getTextContent()).contains("still running"));
    }

    @Test
    @DisplayName("draws an empty log as a picture that says so")
    void emptyLog() throws Exception {
        Document doc = parse(SvgTimeline.of(new CallLog()).titled("nothing").render());

        assertThat(elements(doc, "g", "call")).isEmpty();
        assertThat(texts(elements(doc, "text", "note"))).containsExactly("no calls were made");
    }

    @Test
    @DisplayName("draws a real call log")
    void fromCallLog() throws Exception {
        CallLog log = new CallLog();
        FakeProfileService profiles = new FakeProfileService(log);
        profiles.profile(1);
        profiles.profile(2);

        Document doc = parse(SvgTimeline.of(log).snappedTo(Duration.ofMillis(10)).render());

        assertThat(texts(elements(doc, "text", "name"))).containsExactly("profile(1)", "profile(2)");
    }
}

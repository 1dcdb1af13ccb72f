package errgroupkatas.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A picture of a {@link CallLog} as a plain SVG image: a title, notes (the lesson, e.g.
 * {@code "serial: 5 × (10 + 100) ms"}), one labelled bar per call on a shared time axis in
 * milliseconds, coloured and marked by how the call ended (returned, failed ✕, interrupted |,
 * still running), optional vertical markers (a deadline), and a legend. It is the image twin of
 * the text {@link Timeline}; the kata READMEs embed the pictures it draws of the reference
 * solutions' runs.
 *
 * <pre>{@code
 * String svg = SvgTimeline.of(log)
 *         .titled("Kata 06 — dashboard: one deadline for the whole operation")
 *         .withNote("the order call is interrupted at the deadline")
 *         .withMarker(Duration.ofMillis(200), "deadline 200 ms")
 *         .snappedTo(Duration.ofMillis(10))
 *         .render();
 * }</pre>
 *
 * <p><b>Time.</b> The axis starts at the first call's start. With {@link #snappedTo(Duration)} the
 * instants are snapped to a grid before they are drawn: the recorded start and end instants are
 * sorted, and each gap between two consecutive instants is rounded to a whole number of steps
 * (so two instants less than half a step apart become one, and a gap of 100.4 ms becomes 100 ms).
 * Rounding gaps, not instants, keeps the jitter of one call from adding up along a chain of
 * calls, so reruns of the same scenario draw the same picture as long as no single gap is off by
 * half a step or more. Without snapping (the default) the instants are drawn as recorded.
 *
 * <p>The output is deterministic for the same calls and settings: no thread names (an unnamed
 * thread's name is its id), no dates, no generated ids. It holds no scripts, no external fonts
 * and no external references, so GitHub and any browser render it as it is.
 *
 * <p>Immutable: each {@code with…} method returns a new picture.
 */
public final class SvgTimeline {
    /** The most calls drawn; the rest are counted in a note. */
    static final int MAX_ROWS = 60;

    private static final int WIDTH = 880;
    private static final int MARGIN = 16;
    private static final int ROW_PITCH = 22;
    private static final int BAR_HEIGHT = 14;
    /** Room right of the plot for "failed: ServiceException" beside a bar that ends late. */
    private static final int RIGHT_ROOM = 150;
    private static final double CHAR_WIDTH = 7.3;
    private static final String MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace";
    private static final String SANS = "-apple-system, 'Segoe UI', Helvetica, Arial, 'DejaVu Sans', sans-serif";

    private static final String RETURNED = "#4c78a8";
    private static final String FAILED = "#d62728";
    private static final String INTERRUPTED = "#f2a541";
    private static final String RUNNING = "#9e9e9e";
    private static final String MARKER = "#6a3d9a";

    /** A vertical line across the calls at {@code at} from the axis origin. */
    private record Marker(Duration at, String label) {
    }

    private final List<Call> calls;
    private final long nowNanos;
    private final String title;
    private final List<String> notes;
    private final List<Marker> markers;
    private final Duration step;

    private SvgTimeline(List<Call> calls, long nowNanos, String title, List<String> notes, List<Marker> markers,
            Duration step) {
        this.calls = calls;
        this.nowNanos = nowNanos;
        this.title = title;
        this.notes = notes;
        this.markers = markers;
        this.step = step;
    }

    /** A picture of the log's calls as they are now (a call still in flight is drawn as running). */
    public static SvgTimeline of(CallLog log) {
        return of(log.calls(), System.nanoTime());
    }

    /** A picture of {@code calls}; a call still running is drawn up to {@code nowNanos}. */
    static SvgTimeline of(List<Call> calls, long nowNanos) {
        return new SvgTimeline(List.copyOf(calls), nowNanos, "Timeline", List.of(), List.of(), Duration.ZERO);
    }

    /** The same picture with {@code title} as its heading (and its accessible name). */
    public SvgTimeline titled(String title) {
        return new SvgTimeline(calls, nowNanos, Objects.requireNonNull(title, "title"), notes, markers, step);
    }

    /** The same picture with one more line of notes under the title: the lesson it shows. */
    public SvgTimeline withNote(String note) {
        List<String> more = new ArrayList<>(notes);
        more.add(Objects.requireNonNull(note, "note"));
        return new SvgTimeline(calls, nowNanos, title, List.copyOf(more), markers, step);
    }

    /**
     * The same picture with a dashed vertical line at {@code at} after the first call's start,
     * labelled {@code label} (e.g. a deadline). Markers are not snapped.
     */
    public SvgTimeline withMarker(Duration at, String label) {
        if (at.isNegative()) {
            throw new IllegalArgumentException("a marker must not be before the origin: " + at);
        }
        List<Marker> more = new ArrayList<>(markers);
        more.add(new Marker(at, Objects.requireNonNull(label, "label")));
        return new SvgTimeline(calls, nowNanos, title, notes, List.copyOf(more), step);
    }

    /**
     * The same picture with every gap between consecutive recorded instants rounded to a whole
     * number of {@code step}s (see the class comment); {@link Duration#ZERO} draws the instants as
     * recorded.
     */
    public SvgTimeline snappedTo(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("the step must not be negative: " + step);
        }
        return new SvgTimeline(calls, nowNanos, title, notes, markers, step);
    }

    /**
     * A call as drawn: its start and end after the origin (the first call's start), snapped as
     * the picture snaps them; a call still running ends at the picture's "now".
     */
    public record Bar(Call call, Duration start, Duration end) {
        /** How long the bar is. */
        public Duration length() {
            return end.minus(start);
        }
    }

    /** The picture: a complete SVG document, UTF-8 text. */
    public String render() {
        List<Bar> bars = bars();
        long lastNanos = 0;
        for (Bar b : bars) {
            lastNanos = Math.max(lastNanos, b.end().toNanos());
        }
        for (Marker m : markers) {
            lastNanos = Math.max(lastNanos, m.at().toNanos());
        }
        double lastMs = lastNanos / 1e6;
        double tick = tickStep(lastMs);
        double axisMs = Math.max(tick, Math.ceil(lastMs / tick - 1e-9) * tick);

        int shown = Math.min(bars.size(), MAX_ROWS);
        List<String> allNotes = new ArrayList<>(notes);
        if (bars.isEmpty()) {
            allNotes.add("no calls were made");
        }
        if (bars.size() > shown) {
            allNotes.add("… and " + (bars.size() - shown) + " more calls, not drawn");
        }
        int longestName = 4;
        for (Bar b : bars.subList(0, shown)) {
            longestName = Math.max(longestName, b.call().name().length());
        }
        double labelWidth = Math.min(220, longestName * CHAR_WIDTH);
        double plotLeft = MARGIN + labelWidth + 12;
        double plotRight = WIDTH - MARGIN - RIGHT_ROOM;
        double pxPerMs = (plotRight - plotLeft) / axisMs;

        int y = 30;
        StringBuilder body = new StringBuilder();
        body.append(text(MARGIN, y, "title", escape(title)));
        for (String note : allNotes) {
            y += 19;
            body.append(text(MARGIN, y, "note", escape(note)));
        }
        y += markers.isEmpty() ? 14 : 32;
        int rowsTop = y;
        int rowsBottom = rowsTop + shown * ROW_PITCH + 4;

        // Grid lines first, so bars draw over them.
        StringBuilder grid = new StringBuilder("  <g class=\"grid\">\n");
        StringBuilder axis = new StringBuilder("  <g class=\"axis\">\n");
        axis.append(line(plotLeft, rowsBottom, plotRight, rowsBottom, "axis-line"));
        int ticks = (int) Math.round(axisMs / tick);
        for (int i = 0; i <= ticks; i++) {
            double ms = i * tick;
            double x = plotLeft + ms * pxPerMs;
            grid.append(line(x, rowsTop - 4, x, rowsBottom, "grid-line"));
            axis.append(line(x, rowsBottom, x, rowsBottom + 5, "axis-line"));
            String label = number(ms) + (i == ticks ? " ms" : "");
            axis.append(text(x, rowsBottom + 19, "tick", escape(label)));
        }
        grid.append("  </g>\n");
        axis.append("  </g>\n");
        body.append(grid);

        body.append("  <g class=\"calls\">\n");
        for (int i = 0; i < shown; i++) {
            body.append(row(bars.get(i), rowsTop + i * ROW_PITCH, plotLeft, pxPerMs));
        }
        body.append("  </g>\n");

        if (!markers.isEmpty()) {
            body.append("  <g class=\"markers\">\n");
            for (Marker m : markers) {
                double x = plotLeft + m.at().toNanos() / 1e6 * pxPerMs;
                body.append(line(x, rowsTop - 14, x, rowsBottom, "marker-line"));
                body.append(text(x, rowsTop - 18, "marker-label", escape(m.label())));
            }
            body.append("  </g>\n");
        }
        body.append(axis);

        int legendY = rowsBottom + 44;
        body.append(legend(legendY, bars));
        int height = legendY + 18;

        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" role=\"img\" aria-labelledby=\"timeline-title timeline-desc\">\n");
        svg.append("  <title id=\"timeline-title\">").append(escape(title)).append("</title>\n");
        svg.append("  <desc id=\"timeline-desc\">").append(escape(description(bars))).append("</desc>\n");
        svg.append(style());
        svg.append("  <rect class=\"background\" x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" rx=\"6\"/>\n");
        svg.append(body);
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** The calls as this picture draws them, in row order: by start, then by name. */
    public List<Bar> bars() {
        if (calls.isEmpty()) {
            return List.of();
        }
        long origin = Long.MAX_VALUE;
        for (Call c : calls) {
            origin = Math.min(origin, c.startNanos());
        }
        // Every instant a bar begins or ends at, relative to the origin, then snapped.
        TreeSet<Long> instants = new TreeSet<>();
        for (Call c : calls) {
            instants.add(c.startNanos() - origin);
            instants.add(end(c) - origin);
        }
        Map<Long, Long> snapped = new HashMap<>();
        long stepNanos = step.toNanos();
        long previousRaw = 0;
        long previousSnapped = 0;
        for (long raw : instants) {
            long at = raw;
            if (stepNanos > 0) {
                long steps = Math.round((raw - previousRaw) / (double) stepNanos);
                at = previousSnapped + steps * stepNanos;
            }
            snapped.put(raw, at);
            previousRaw = raw;
            previousSnapped = at;
        }
        List<Bar> bars = new ArrayList<>();
        for (Call c : calls) {
            bars.add(new Bar(c, Duration.ofNanos(snapped.get(c.startNanos() - origin)),
                    Duration.ofNanos(snapped.get(end(c) - origin))));
        }
        // Start order; calls that start at the same (snapped) instant in name order, so that a race
        // between two threads to start first does not reorder the rows from one run to the next.
        bars.sort(Comparator.comparing(Bar::start).thenComparing(b -> b.call().name()));
        return bars;
    }

    private long end(Call c) {
        return c.running() ? Math.max(nowNanos, c.startNanos()) : c.endNanos();
    }

    private String row(Bar b, int top, double plotLeft, double pxPerMs) {
        Call c = b.call();
        String outcome = outcomeClass(c);
        double x = plotLeft + b.start().toNanos() / 1e6 * pxPerMs;
        double width = Math.max(2, b.length().toNanos() / 1e6 * pxPerMs);
        double barTop = top + (ROW_PITCH - BAR_HEIGHT) / 2.0;
        double middle = top + ROW_PITCH / 2.0;
        StringBuilder s = new StringBuilder("    <g class=\"call ").append(outcome).append("\">\n");
        s.append("      ").append(text(plotLeft - 12, middle + 4, "name", escape(c.name())));
        s.append("      <rect class=\"bar ").append(outcome).append("\" x=\"").append(px(x)).append("\" y=\"")
                .append(px(barTop)).append("\" width=\"").append(px(width)).append("\" height=\"").append(BAR_HEIGHT)
                .append("\" rx=\"2\"><title>").append(escape(tooltip(b))).append("</title></rect>\n");
        double endX = x + width;
        long ms = Math.round(b.length().toNanos() / 1e6);
        if (c.outcome() == Call.Outcome.RETURNED && width >= 44) {
            s.append("      ").append(text(x + width / 2, middle + 4, "duration", ms + " ms"));
        }
        switch (c.outcome()) {
            case FAILED -> {
                double r = 5;
                s.append("      <path class=\"mark failed\" d=\"M").append(px(endX + 4)).append(' ')
                        .append(px(middle - r)).append(" l").append(px(2 * r)).append(' ').append(px(2 * r))
                        .append(" M").append(px(endX + 4)).append(' ').append(px(middle + r)).append(" l")
                        .append(px(2 * r)).append(' ').append(px(-2 * r)).append("\"/>\n");
                s.append("      ").append(text(endX + 20, middle + 4, "outcome", escape(describe(c))));
            }
            case INTERRUPTED -> {
                s.append("      ").append(line(endX, barTop - 3, endX, barTop + BAR_HEIGHT + 3, "mark interrupted"));
                s.append("      ").append(text(endX + 6, middle + 4, "outcome", "interrupted"));
            }
            case RUNNING -> s.append("      ").append(text(endX + 6, middle + 4, "outcome", "still running →"));
            case RETURNED -> {
            }
        }
        s.append("    </g>\n");
        return s.toString();
    }

    private String legend(int y, List<Bar> bars) {
        record Entry(String cssClass, String label) {
        }
        List<Entry> entries = new ArrayList<>(List.of(new Entry("returned", "returned"),
                new Entry("failed", "failed ✕"), new Entry("interrupted", "interrupted |")));
        if (bars.stream().anyMatch(b -> b.call().running())) {
            entries.add(new Entry("running", "still running"));
        }
        StringBuilder s = new StringBuilder("  <g class=\"legend\">\n");
        double x = MARGIN;
        for (Entry e : entries) {
            s.append("    <rect class=\"bar ").append(e.cssClass()).append("\" x=\"").append(px(x)).append("\" y=\"")
                    .append(y - 10).append("\" width=\"14\" height=\"12\" rx=\"2\"/>\n");
            s.append("    ").append(text(x + 20, y, "legend-label", escape(e.label())));
            x += 20 + e.label().length() * CHAR_WIDTH + 22;
        }
        String scale = step.isPositive()
                ? "time in ms from the first call; gaps snapped to " + number(step.toNanos() / 1e6) + " ms steps"
                : "time in ms from the first call";
        s.append("    ").append(text(WIDTH - MARGIN, y, "scale", escape(scale)));
        s.append("  </g>\n");
        return s.toString();
    }

    private static String style() {
        return "  <style>\n"
                + "    .background { fill: #ffffff; }\n"
                + "    text { font-family: " + SANS + "; fill: #1f2328; }\n"
                + "    .title { font-size: 16px; font-weight: bold; }\n"
                + "    .note { font-size: 13px; fill: #3d444d; }\n"
                + "    .name { font-family: " + MONO + "; font-size: 12px; text-anchor: end; }\n"
                + "    .duration { font-size: 10px; fill: #ffffff; text-anchor: middle; }\n"
                + "    .outcome { font-size: 11px; fill: #57606a; }\n"
                + "    .tick { font-size: 11px; fill: #57606a; text-anchor: middle; }\n"
                + "    .scale { font-size: 11px; fill: #57606a; text-anchor: end; }\n"
                + "    .legend-label { font-size: 12px; }\n"
                + "    .marker-label { font-size: 11px; fill: " + MARKER + "; text-anchor: middle; }\n"
                + "    .grid-line { stroke: #eaeef2; stroke-width: 1; }\n"
                + "    .axis-line { stroke: #57606a; stroke-width: 1; }\n"
                + "    .marker-line { stroke: " + MARKER + "; stroke-width: 1.5; stroke-dasharray: 5 3; }\n"
                + "    .bar.returned { fill: " + RETURNED + "; }\n"
                + "    .bar.failed { fill: " + FAILED + "; }\n"
                + "    .bar.interrupted { fill: " + INTERRUPTED + "; }\n"
                + "    .bar.running { fill: " + RUNNING + "; }\n"
                + "    .mark.failed { stroke: " + FAILED + "; stroke-width: 2.5; fill: none; }\n"
                + "    .mark.interrupted { stroke: #1f2328; stroke-width: 2.5; }\n"
                + "  </style>\n";
    }

    private String description(List<Bar> bars) {
        StringBuilder s = new StringBuilder();
        for (String note : notes) {
            s.append(note).append(". ");
        }
        s.append(bars.size()).append(bars.size() == 1 ? " call: " : " calls: ");
        List<String> parts = new ArrayList<>();
        for (Bar b : bars) {
            parts.add(tooltip(b));
        }
        s.append(String.join("; ", parts)).append('.');
        return s.toString();
    }

    private static String tooltip(Bar b) {
        return b.call().name() + " " + number(b.start().toNanos() / 1e6) + "–" + number(b.end().toNanos() / 1e6)
                + " ms, " + describe(b.call());
    }

    private static String describe(Call c) {
        return switch (c.outcome()) {
            case RUNNING -> "still running";
            case RETURNED -> "returned";
            case INTERRUPTED -> "interrupted";
            case FAILED -> c.failure() == null ? "failed" : "failed: " + c.failure().getClass().getSimpleName();
        };
    }

    /** The CSS class of the call's bar: returned, failed, interrupted or running. */
    private static String outcomeClass(Call c) {
        return c.outcome().name().toLowerCase(Locale.ROOT);
    }

    /** A tick step from 1, 2, 5 × 10^k ms that divides the axis into at most 10 parts. */
    static double tickStep(double lastMs) {
        double step = 1;
        while (true) {
            for (double m : new double[] {1, 2, 5}) {
                if (lastMs / (step * m) <= 10) {
                    return step * m;
                }
            }
            step *= 10;
        }
    }

    private static String line(double x1, double y1, double x2, double y2, String cssClass) {
        return "<line class=\"" + cssClass + "\" x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2)
                + "\" y2=\"" + px(y2) + "\"/>\n";
    }

    private static String text(double x, double y, String cssClass, String escapedText) {
        return "<text class=\"" + cssClass + "\" x=\"" + px(x) + "\" y=\"" + px(y) + "\">" + escapedText + "</text>\n";
    }

    /** A coordinate, to a tenth of a pixel, without a trailing ".0". */
    private static String px(double value) {
        return number(Math.round(value * 10) / 10.0);
    }

    private static String number(double value) {
        if (value == Math.rint(value)) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&apos;");
                default -> s.append(ch);
            }
        }
        return s.toString();
    }
}

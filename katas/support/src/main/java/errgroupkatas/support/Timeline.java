package errgroupkatas.support;

import java.util.List;
import java.util.Locale;

/**
 * A compact text picture of a {@link CallLog}: one line per call, each a bar on a shared time
 * axis, so a failed concurrency test shows what the threads did.
 *
 * <pre>
 * timeline: 0 .. 212 ms, one column = 4.2 ms;  # running  X failed  ~ interrupted  &gt; still running
 *   friendIds(1)    main                 |#                                                 | returned
 *   profile(2)      virtual mapper-1     | ########################                         | returned
 *   profile(3)      virtual mapper-2     | ###########X                                     | failed
 *   profile(4)      virtual mapper-3     | ############~                                    | interrupted
 * </pre>
 */
public final class Timeline {
    /** Width of the time axis, in columns. */
    static final int WIDTH = 50;
    /** The most calls drawn; the rest are counted. */
    static final int MAX_LINES = 40;

    private final List<Call> calls;
    private final long origin;
    private final long now;

    private Timeline(List<Call> calls, long origin, long now) {
        this.calls = calls;
        this.origin = origin;
        this.now = now;
    }

    /** A timeline of the log's calls as they are now. */
    public static Timeline of(CallLog log) {
        List<Call> calls = log.calls();
        long origin = calls.isEmpty() ? log.originNanos() : calls.getFirst().startNanos();
        return new Timeline(calls, origin, System.nanoTime());
    }

    /** The picture, one line per call (at most {@value #MAX_LINES}), every line ending with a newline. */
    public String render() {
        if (calls.isEmpty()) {
            return "timeline: no calls were made\n";
        }
        long end = now;
        for (Call c : calls) {
            if (!c.running()) {
                end = Math.max(end, c.endNanos());
            }
        }
        double span = Math.max(1, end - origin);
        double perColumn = span / WIDTH;
        int nameWidth = Math.min(24, calls.stream().mapToInt(c -> c.name().length()).max().orElse(4));
        int threadWidth = Math.min(24, calls.stream().mapToInt(c -> c.threadName().length()).max().orElse(4));
        StringBuilder s = new StringBuilder("timeline: 0 .. ").append(duration(span)).append(", one column = ")
                .append(duration(perColumn)).append(";  # running  X failed  ~ interrupted  > still running\n");
        int shown = Math.min(calls.size(), MAX_LINES);
        for (Call c : calls.subList(0, shown)) {
            s.append("  ").append(pad(c.name(), nameWidth)).append(' ').append(pad(c.threadName(), threadWidth))
                    .append(" |").append(bar(c, perColumn)).append("| ").append(describe(c)).append('\n');
        }
        if (calls.size() > shown) {
            s.append("  … and ").append(calls.size() - shown).append(" more calls\n");
        }
        return s.toString();
    }

    /**
     * A length of time as the header shows it, never as a misleading "0.0 ms": whole milliseconds
     * from 10 ms, tenths below, then microseconds and nanoseconds.
     */
    static String duration(double nanos) {
        if (nanos >= 9.95e6) {
            return Math.round(nanos / 1e6) + " ms";
        }
        if (nanos >= 0.95e5) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        if (nanos >= 1e3) {
            return Math.round(nanos / 1e3) + " µs";
        }
        return Math.round(nanos) + " ns";
    }

    private String bar(Call c, double perColumn) {
        int from = column(c.startNanos(), perColumn);
        int to = c.running() ? WIDTH - 1 : column(c.endNanos(), perColumn);
        char last = switch (c.outcome()) {
            case RUNNING -> '>';
            case RETURNED -> '#';
            case FAILED -> 'X';
            case INTERRUPTED -> '~';
        };
        char[] line = " ".repeat(WIDTH).toCharArray();
        for (int i = from; i < to; i++) {
            line[i] = '#';
        }
        line[Math.max(from, to)] = last;
        return new String(line);
    }

    private int column(long nanos, double perColumn) {
        return (int) Math.min(WIDTH - 1, Math.max(0, (nanos - origin) / perColumn));
    }

    private static String describe(Call c) {
        String outcome = c.outcome() == Call.Outcome.RUNNING ? "still running" : c.outcome().name().toLowerCase(Locale.ROOT);
        if (c.failure() != null && c.outcome() == Call.Outcome.FAILED) {
            outcome += ": " + c.failure().getClass().getSimpleName();
        }
        return outcome;
    }

    private static String pad(String text, int width) {
        String t = text.length() > width ? text.substring(0, width - 1) + "…" : text;
        return t + " ".repeat(width - t.length());
    }
}

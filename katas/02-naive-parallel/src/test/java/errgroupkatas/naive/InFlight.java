package errgroupkatas.naive;

import errgroupkatas.support.Call;
import errgroupkatas.support.CallLog;
import errgroupkatas.support.KataCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Concurrency facts about one kind of call ({@code "profile("}) when the log also holds others
 * ({@code next#i}): the log's own {@code maxInFlight} counts every call, and a producer reading
 * ahead adds a {@code next()} to the mappers' lookups. (Belongs in support: a prefix-aware
 * {@code KataCall.awaitInFlight} and {@code CallLogAssert.reachedConcurrency}.)
 */
final class InFlight {

    private InFlight() {
    }

    /** The calls named {@code prefix…} that are in flight now. */
    static long now(CallLog log, String prefix) {
        return log.calls(prefix).stream().filter(Call::running).count();
    }

    /**
     * The most calls named {@code prefix…} that were ever in flight together, from their recorded
     * start and end instants (a call still running counts as running until now).
     */
    static int max(CallLog log, String prefix) {
        record Edge(long at, int step) {
        }
        List<Edge> edges = new ArrayList<>();
        for (Call c : log.calls(prefix)) {
            edges.add(new Edge(c.startNanos(), +1));
            if (!c.running()) {
                edges.add(new Edge(c.endNanos(), -1));
            }
        }
        // At equal instants count the end first: never report more overlap than there was.
        edges.sort(Comparator.comparingLong(Edge::at).thenComparingInt(Edge::step));
        int running = 0;
        int max = 0;
        for (Edge e : edges) {
            running += e.step();
            max = Math.max(max, running);
        }
        return max;
    }

    /**
     * Waits until at least {@code count} calls named {@code prefix…} are in flight at once. Fails
     * (with {@code why} and the timeline) if the kata call ends first or {@code atMost} passes.
     */
    static void await(KataCall<?> call, CallLog log, String prefix, int count, Duration atMost, String why) {
        waitFor(call, () -> now(log, prefix) >= count, atMost);
        if (now(log, prefix) < count) {
            String ended = call.isDone() ? "the call ended first" : "that did not happen within " + atMost.toMillis() + " ms";
            throw new AssertionError("Waited for " + count + " calls to " + prefix + "…) in flight at once, but " + ended
                    + "; at most " + max(log, prefix) + " were.\n" + why + "\n" + log.timeline());
        }
    }

    /**
     * Polls {@code condition} (every millisecond) until it holds, the kata call ends, or
     * {@code atMost} passes; returns whether it held.
     */
    static boolean waitFor(KataCall<?> call, BooleanSupplier condition, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (call.isDone() || System.nanoTime() - deadline > 0) {
                return condition.getAsBoolean();
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("the test was interrupted while it waited", e);
            }
        }
        return true;
    }
}

package errgroupkatas.support;

import static org.awaitility.Awaitility.await;

import errgroupkatas.story.ServiceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Every call the fakes of one test received, in the order they started: the record a test
 * asserts concurrency facts on ("10 calls were in flight at once", "no call started after the
 * failure", "the sibling saw the interrupt"), and the source of the {@link Timeline} that failing
 * assertions print.
 *
 * <p>Thread-safe. One log per test; share it between the fakes of that test.
 */
public final class CallLog {
    private final long originNanos = System.nanoTime();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    /**
     * Records a call named {@code name}, plays {@code reply} on the calling thread, and records how
     * it ended. This is what every fake's method does.
     */
    public void play(String name, Reply reply) throws ServiceException, InterruptedException {
        Call call = begin(name);
        try {
            reply.play(name);
            end(call, Call.Outcome.RETURNED, null);
        } catch (InterruptedException e) {
            end(call, Call.Outcome.INTERRUPTED, e);
            throw e;
        } catch (ServiceException | RuntimeException | Error e) {
            end(call, Call.Outcome.FAILED, e);
            throw e;
        }
    }

    private Call begin(String name) {
        // Count the call in flight before it is visible, so maxInFlight never misses it.
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        Call call = new Call(sequence.getAndIncrement(), name, Thread.currentThread(), System.nanoTime());
        calls.add(call);
        return call;
    }

    private void end(Call call, Call.Outcome outcome, Throwable failure) {
        call.end(outcome, failure, System.nanoTime());
        inFlight.decrementAndGet();
    }

    /** Every call so far, in start order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls whose name starts with {@code prefix}, e.g. {@code "profile("}. */
    public List<Call> calls(String prefix) {
        return select(c -> c.name().startsWith(prefix));
    }

    /** The calls that match {@code filter}, in start order. */
    public List<Call> select(Predicate<Call> filter) {
        return calls.stream().filter(filter).toList();
    }

    /** The calls in flight now. */
    public List<Call> inFlight() {
        return select(Call::running);
    }

    /** The most calls that were ever in flight at the same moment. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** The calls whose name starts with {@code prefix} that are in flight now. */
    public List<Call> inFlight(String prefix) {
        return select(c -> c.running() && c.name().startsWith(prefix));
    }

    /**
     * The most calls whose name starts with {@code prefix} that were ever in flight together,
     * from their recorded start and end instants (a running call counts as running until now).
     * Use it when the log also holds other calls: a producer reading ahead ({@code next#i}) must
     * not count as one of the mappers' lookups ({@code "profile("}).
     */
    public int maxInFlight(String prefix) {
        record Edge(long at, int step) {
        }
        List<Edge> edges = new ArrayList<>();
        for (Call c : calls(prefix)) {
            edges.add(new Edge(c.startNanos(), +1));
            if (!c.running()) {
                edges.add(new Edge(c.endNanos(), -1));
            }
        }
        // At equal instants count the end first: never report more overlap than there was.
        edges.sort(java.util.Comparator.comparingLong(Edge::at).thenComparingInt(Edge::step));
        int running = 0;
        int max = 0;
        for (Edge e : edges) {
            running += e.step();
            max = Math.max(max, running);
        }
        return max;
    }

    /** The calls that saw an interrupt. */
    public List<Call> interrupted() {
        return select(Call::interrupted);
    }

    /** The calls that failed as their reply asked. */
    public List<Call> failed() {
        return select(c -> c.outcome() == Call.Outcome.FAILED);
    }

    /** The first call that failed as its reply asked; fails the test if none did. */
    public Call firstFailed() {
        List<Call> failed = failed();
        if (failed.isEmpty()) {
            throw new AssertionError("Expected a fake call to have failed as the test scripted, but none did:"
                    + " the scripted failure was never reached.\n" + timeline());
        }
        return failed.getFirst();
    }

    /** The calls that started strictly after {@code nanos} (a {@link System#nanoTime()} instant). */
    public List<Call> startedAfter(long nanos) {
        return select(c -> c.startNanos() - nanos > 0);
    }

    /** The calls that started after {@code call} had ended (none while it is still running). */
    public List<Call> startedAfterEnd(Call call) {
        long end = call.endNanos();
        return call.running() ? List.of() : startedAfter(end);
    }

    /** When this log was made: the origin of its timeline. */
    public long originNanos() {
        return originNanos;
    }

    /**
     * Waits until at least {@code count} calls are in flight at once, and fails with the timeline
     * if that does not happen within {@code atMost}.
     */
    public void awaitInFlight(int count, Duration atMost) {
        awaitThat("at least " + count + " calls in flight at once", () -> inFlight.get() >= count, atMost);
    }

    /** Waits until at least {@code count} calls have started (running or not). */
    public void awaitStarted(int count, Duration atMost) {
        awaitThat("at least " + count + " calls started", () -> calls.size() >= count, atMost);
    }

    /** Waits until a call whose name starts with {@code prefix} has started. */
    public Call awaitCall(String prefix, Duration atMost) {
        awaitThat("a call to " + prefix + "…", () -> !calls(prefix).isEmpty(), atMost);
        return calls(prefix).getFirst();
    }

    /** Waits until every call has ended. */
    public void awaitAllEnded(Duration atMost) {
        awaitThat("every call ended", () -> inFlight.get() == 0, atMost);
    }

    private void awaitThat(String what, java.util.concurrent.Callable<Boolean> condition, Duration atMost) {
        try {
            // dontCatchUncaughtExceptions: a kata thread's death is LostErrors' to report, not this wait's.
            await(what).atMost(atMost).pollInterval(Duration.ofMillis(2)).pollDelay(Duration.ZERO)
                    .dontCatchUncaughtExceptions().until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Waited " + atMost.toMillis() + " ms for " + what
                    + ", but it did not happen.\n" + timeline(), e);
        }
    }

    /** The calls as a text timeline (see {@link Timeline}). */
    public String timeline() {
        return Timeline.of(this).render();
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        calls.forEach(c -> names.add(c.toString()));
        return "CallLog" + names;
    }
}

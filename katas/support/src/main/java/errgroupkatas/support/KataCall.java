package errgroupkatas.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A call into kata code on a thread of its own ({@code kata-call-N}), so a test can interrupt the
 * caller and can stop waiting for a call that hangs: the deadline assertion.
 *
 * <pre>{@code
 * KataCall<List<User>> call = KATA.call(() -> handler.friendsOf(USER));
 * log.awaitInFlight(1, Duration.ofSeconds(2));
 * call.interrupt();
 * Outcome<List<User>> outcome = call.awaitWithin(Duration.ofSeconds(1));
 * assertThat(outcome.thrown()).isInstanceOf(InterruptedException.class);
 * }</pre>
 *
 * @param <T> what the call returns
 */
public final class KataCall<T> {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Kata kata;
    private final Thread thread;
    private final LeakDetector startedSince;
    private final CountDownLatch done = new CountDownLatch(1);
    private final long startNanos;
    private volatile Outcome<T> outcome;
    private volatile CallLog log;

    private KataCall(Kata kata, Callable<T> body) {
        this.kata = kata;
        this.startedSince = kata.leakSnapshot();
        this.startNanos = System.nanoTime();
        this.thread = Thread.ofPlatform().daemon().name("kata-call-" + COUNTER.incrementAndGet()).unstarted(() -> run(body));
        thread.start();
    }

    static <T> KataCall<T> start(Kata kata, Callable<T> body) {
        return new KataCall<>(kata, body);
    }

    private void run(Callable<T> body) {
        T value = null;
        Throwable thrown = null;
        try {
            value = body.call();
        } catch (Throwable t) {
            thrown = t;
        }
        outcome = new Outcome<>(value, thrown, Thread.currentThread().isInterrupted(),
                Duration.ofNanos(System.nanoTime() - startNanos));
        done.countDown();
    }

    /** The thread the call runs on: the "caller" a test interrupts. */
    public Thread thread() {
        return thread;
    }

    /** Interrupts the caller, as a cancelled parent would. */
    public void interrupt() {
        thread.interrupt();
    }

    /** Adds this log's timeline to the message if the call misses its deadline. */
    public KataCall<T> showing(CallLog log) {
        this.log = log;
        return this;
    }

    /**
     * Waits until the fakes received a call whose name starts with {@code prefix}, and returns it.
     * Fails at once if the kata call returns or throws first (showing what it did), and after
     * {@code atMost} otherwise.
     */
    public Call awaitFakeCall(CallLog log, String prefix, Duration atMost) {
        awaitWhileRunning("a call to " + prefix + "…", () -> !log.calls(prefix).isEmpty(), log, atMost);
        return log.calls(prefix).getFirst();
    }

    /**
     * Waits until at least {@code count} fake calls are in flight at once. Fails at once if the
     * kata call returns or throws first, and after {@code atMost} otherwise.
     */
    public void awaitInFlight(CallLog log, int count, Duration atMost) {
        awaitWhileRunning(count + " calls in flight at once", () -> log.inFlight().size() >= count, log, atMost);
    }

    private void awaitWhileRunning(String what, java.util.function.BooleanSupplier condition, CallLog log,
            Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (isDone()) {
                Outcome<T> o = outcome;
                String ended = o.thrown() != null ? "threw " + o.thrown() : "returned " + o.value();
                throw new AssertionError("Waited for " + what + ", but the call " + ended + " first.\n"
                        + log.timeline(), o.thrown());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Waited " + atMost.toMillis() + " ms for " + what
                        + ", but it did not happen.\n" + log.timeline());
            }
            try {
                done.await(1, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("the test was interrupted while it waited for " + what, e);
            }
        }
    }

    /** Whether the call has returned or thrown. */
    public boolean isDone() {
        return done.getCount() == 0;
    }

    /**
     * Waits up to {@code bound} for the call to return or throw, and gives its outcome. If it has
     * not by then, fails with where the caller and every thread it started are stuck (stacks
     * trimmed to the kata's frames) and the call log's timeline; the caller is then interrupted so
     * that a cooperative implementation can still clean up.
     */
    public Outcome<T> awaitWithin(Duration bound) {
        try {
            if (!done.await(bound.toNanos(), TimeUnit.NANOSECONDS)) {
                AssertionError stuck = new AssertionError(stuckReport(bound));
                thread.interrupt();
                throw stuck;
            }
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new AssertionError("the test was interrupted while it waited for the kata call", e);
        }
        return outcome;
    }

    private String stuckReport(Duration bound) {
        StringBuilder m = new StringBuilder("The call did not return within ").append(bound.toMillis())
                .append(" ms: it is stuck (or far too slow). Where its threads are now:\n");
        List<LeakDetector.LeakedThread> threads = startedSince.leakedNow();
        if (threads.isEmpty()) {
            m.append("  (no thread of the call is alive any more: it returned just now)\n");
        }
        threads.forEach(t -> m.append(t.report()));
        if (log != null) {
            m.append(log.timeline());
        }
        m.append("The test's own deadline is generous (an order of magnitude above what a correct solution"
                + " needs); look for a blocking call that nothing will ever release, or an interrupt that was"
                + " swallowed.\n").append(kata.hint(2));
        return m.toString();
    }

    /**
     * How a call ended.
     *
     * @param value             what it returned (null if it threw)
     * @param thrown            what it threw, or null
     * @param interruptFlagLeft whether the caller's interrupt status was set when the call ended
     * @param elapsed           how long it took
     */
    public record Outcome<T>(T value, Throwable thrown, boolean interruptFlagLeft, Duration elapsed) {

        /** The value, failing the test (with the cause attached) if the call threw instead. */
        public T returned() {
            if (thrown != null) {
                throw new AssertionError("Expected the call to return, but it threw " + thrown, thrown);
            }
            return value;
        }

        /** What the call threw, failing the test if it returned instead. */
        public Throwable threw() {
            if (thrown == null) {
                throw new AssertionError("Expected the call to throw, but it returned " + value);
            }
            return thrown;
        }
    }
}

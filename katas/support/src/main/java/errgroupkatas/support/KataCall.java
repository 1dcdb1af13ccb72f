package errgroupkatas.support;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A call into kata code on a platform thread of its own ({@code kata-call-N}), so a test can
 * interrupt the caller, wait for states the call passes through, and stop waiting for a call
 * that hangs: the deadline assertion.
 *
 * <pre>{@code
 * KataCall<List<User>> call = KATA.withHint(2).call("friendsOf(1)", () -> handler.friendsOf(USER)).showing(log);
 * call.awaitFakeCall(log, "profile(1002)", Duration.ofSeconds(2));
 * call.interrupt();
 * Outcome<List<User>> outcome = call.awaitWithin(Duration.ofSeconds(2));
 * assertThat(outcome.threw(InterruptedException.class)).isInstanceOf(InterruptedException.class);
 * }</pre>
 *
 * <p>Every failure it reports ends with the hint the test chose ({@link Kata#withHint}). A stuck
 * call's report lists the threads the test started apart from those earlier tests left running
 * ({@link TestThreads}).
 *
 * <p>Starting a call is cheap (one thread); the thread dump that shows where a stuck call's
 * threads are is taken only when a deadline is missed.
 *
 * @param <T> what the call returns
 */
public final class KataCall<T> {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Kata kata;
    private final String description;
    private final Thread thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private final long startNanos;
    private volatile Outcome<T> outcome;
    private final int hint;
    /** Threads with an id at least this one were started by the test that made this call. */
    private final long firstThreadIdOfTest;
    private volatile CallLog log;

    private KataCall(Kata kata, String description, int hint, Callable<T> body) {
        this.kata = kata;
        this.description = description;
        this.hint = hint;
        this.firstThreadIdOfTest = TestThreads.firstIdOfTestOr(TestThreads.nextId());
        this.startNanos = System.nanoTime();
        this.thread = Thread.ofPlatform().daemon().name("kata-call-" + COUNTER.incrementAndGet()).unstarted(() -> run(body));
        thread.start();
    }

    static <T> KataCall<T> start(Kata kata, String description, int hint, Callable<T> body) {
        return new KataCall<>(kata, description, hint, body);
    }

    private void run(Callable<T> body) {
        T value = null;
        Throwable thrown = null;
        try {
            value = body.call();
        } catch (Throwable t) {
            thrown = t;
        }
        outcome = new Outcome<>(description, value, thrown, Thread.currentThread().isInterrupted(),
                Duration.ofNanos(System.nanoTime() - startNanos), kata.hint(hint));
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

    /** Adds this log's timeline to every failure message of this call. */
    public KataCall<T> showing(CallLog log) {
        this.log = log;
        return this;
    }

    /** Whether the call has returned or thrown. */
    public boolean isDone() {
        return done.getCount() == 0;
    }

    /** How the call ended, or empty while it runs: never waits. */
    public Optional<Outcome<T>> outcomeIfDone() {
        return isDone() ? Optional.of(outcome) : Optional.empty();
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

    /**
     * Waits until at least {@code count} fake calls named {@code prefix…} are in flight at once
     * (other calls, such as a producer's {@code next#i}, do not count). Fails at once if the kata
     * call returns or throws first, and after {@code atMost} otherwise.
     */
    public void awaitInFlight(CallLog log, String prefix, int count, Duration atMost) {
        awaitWhileRunning(count + " calls to " + prefix + "…) in flight at once",
                () -> log.inFlight(prefix).size() >= count, log, atMost);
    }

    /**
     * Waits until the caller's thread is blocked (parked: {@code WAITING} or
     * {@code TIMED_WAITING}), as a {@code send} on a full channel must be. Fails at once if the
     * call returns or throws first, and after {@code atMost} if its thread stays busy.
     */
    public void awaitBlocked(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!isParked(thread)) {
            failIfDone("to block");
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Expected " + description + " to block, but after " + atMost.toMillis()
                        + " ms its thread is " + thread.getState() + " (busy, not waiting).\n" + timeline()
                        + kata.hint(hint));
            }
            pause();
        }
    }

    private static boolean isParked(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    /**
     * Watches, for up to {@code window}, for something a correct solution cannot do at this point
     * (e.g. start a fifth lookup while four are held by closed gates, or return while a task is
     * still cleaning up), and says whether it happened. Stops watching as soon as it happens or the
     * call ends. Asserts nothing and measures nothing: the window costs a correct solution only
     * time, and gives a wrong one the chance to show itself.
     */
    public boolean watchFor(BooleanSupplier violation, Duration window) {
        long deadline = System.nanoTime() + window.toNanos();
        while (!violation.getAsBoolean()) {
            if (isDone() || System.nanoTime() - deadline > 0) {
                return violation.getAsBoolean();
            }
            pause();
        }
        return true;
    }

    private void awaitWhileRunning(String what, BooleanSupplier condition, CallLog log, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            failIfDone("to reach " + what);
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Waited " + atMost.toMillis() + " ms for " + what
                        + ", but it did not happen.\n" + log.timeline() + kata.hint(hint));
            }
            pause();
        }
    }

    private void failIfDone(String expectation) {
        if (isDone()) {
            Outcome<T> o = outcome;
            String ended = o.thrown() != null ? "threw " + o.thrown() : "returned normally" + Outcome.shown(o.value());
            throw new AssertionError("Expected " + description + " " + expectation + ", but it " + ended
                    + " first.\n" + timeline() + kata.hint(hint), o.thrown());
        }
    }

    private void pause() {
        try {
            done.await(1, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("the test was interrupted while it waited for " + description, e);
        }
    }

    private String timeline() {
        CallLog l = log;
        return l == null ? "" : l.timeline();
    }

    /**
     * Waits up to {@code bound} for the call to return or throw, and gives its outcome. If it has
     * not by then, fails with where every thread running the kata's code is stuck (stacks trimmed
     * to the kata's frames) and the call log's timeline; the caller is then interrupted so that a
     * cooperative implementation can still clean up.
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
            throw new AssertionError("the test was interrupted while it waited for " + description, e);
        }
        return outcome;
    }

    private String stuckReport(Duration bound) {
        StringBuilder m = new StringBuilder("Expected ").append(description).append(" to return within ")
                .append(bound.toMillis()).append(" ms, but it did not: it is stuck (or far too slow).\n");
        List<LeakDetector.LeakedThread> threads = LeakDetector.runningKataCode(kata.packageName());
        List<LeakDetector.LeakedThread> earlier = threads.stream().filter(t -> t.threadId() < firstThreadIdOfTest).toList();
        List<LeakDetector.LeakedThread> own = threads.stream().filter(t -> t.threadId() >= firstThreadIdOfTest).toList();
        m.append("Where the threads this test started are now, among those running kata code:\n");
        if (own.isEmpty()) {
            m.append("  (none: the call returned just now, or is busy outside the kata's code)\n");
        }
        own.forEach(t -> m.append(t.report()));
        if (!earlier.isEmpty()) {
            m.append("Left running by earlier tests (not this test's threads, but they may hold what it waits for): ")
                    .append(earlier.size()).append(earlier.size() == 1 ? " thread\n" : " threads\n");
            earlier.forEach(t -> m.append(t.report()));
        }
        m.append(timeline());
        m.append("The test's deadline is generous (an order of magnitude above what a correct solution needs):"
                + " look for a blocking call that nothing will ever release, or an interrupt that was swallowed.\n")
                .append(kata.hint(hint));
        return m.toString();
    }

    /**
     * How a call ended.
     *
     * @param description       what was called, as the test named it
     * @param value             what it returned (null if it threw, or returns nothing)
     * @param thrown            what it threw, or null
     * @param interruptFlagLeft whether the caller's interrupt status was set when the call ended
     * @param elapsed           how long it took
     * @param hint              the hint line its failures end with ("" for none)
     */
    public record Outcome<T>(String description, T value, Throwable thrown, boolean interruptFlagLeft,
            Duration elapsed, String hint) {

        /** The most characters of a returned value a message shows. */
        private static final int SHOWN = 100;

        /** The value, failing the test (with the cause attached) if the call threw instead. */
        public T returned() {
            if (thrown != null) {
                throw new AssertionError("Expected " + description + " to return, but it threw " + thrown + ".\n"
                        + hintLine(), thrown);
            }
            return value;
        }

        /**
         * What the call threw, failing the test if it returned instead ("{@code description} returned
         * normally (…) instead of throwing").
         */
        public Throwable threw() {
            if (thrown == null) {
                throw new AssertionError(returnedNormally("instead of throwing"));
            }
            return thrown;
        }

        /**
         * What the call threw, failing the test if it returned instead, with a message that names
         * what it should have thrown: "{@code friendsOf(1)} returned normally (an empty List)
         * instead of throwing InterruptedException". A throwable of another type is given as it is:
         * the test's own assertion says what was wrong with it.
         */
        public Throwable threw(Class<? extends Throwable> expected) {
            if (thrown == null) {
                throw new AssertionError(returnedNormally("instead of throwing " + expected.getSimpleName()));
            }
            return thrown;
        }

        private String returnedNormally(String instead) {
            StringBuilder m = new StringBuilder(description).append(" returned normally").append(shown(value))
                    .append(' ').append(instead).append('.');
            if (interruptFlagLeft) {
                m.append("\nThe caller's interrupt status was still set when it returned: an interrupt reached the call,"
                        + " and something caught it and carried on instead of throwing InterruptedException"
                        + " (ExecutorService.close(), for one, does exactly that when interrupted while it waits).");
            }
            return m.append('\n').append(hintLine()).toString();
        }

        private String hintLine() {
            return hint.isEmpty() ? "" : hint + "\n";
        }

        /**
         * A returned value as a message shows it after "returned normally": nothing for null (code
         * that returns nothing), else " (…)": a collection by its size, anything else cut short.
         */
        static String shown(Object value) {
            return value == null ? "" : " (" + show(value) + ")";
        }

        private static String show(Object value) {
            if (value instanceof Collection<?> c) {
                String kind = value instanceof List<?> ? "List" : value instanceof Set<?> ? "Set" : "collection";
                if (c.isEmpty()) {
                    return "an empty " + kind;
                }
                return "a " + kind + " of " + c.size() + (c.size() == 1 ? " element: " : " elements: ") + cut(c.toString());
            }
            return value instanceof CharSequence text ? "\"" + cut(text.toString()) + "\"" : cut(String.valueOf(value));
        }

        private static String cut(String text) {
            return text.length() <= SHOWN ? text : text.substring(0, SHOWN - 1) + "…";
        }
    }
}

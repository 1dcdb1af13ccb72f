package errgroupkatas.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * What a kata's tests know about their kata: its id (the folder under {@code katas/}) and its
 * package. It makes the tests' helpers speak about the right code and point at the right README.
 *
 * <pre>{@code
 * static final Kata KATA = new Kata("01-serial", "errgroupkatas.serial");
 * @RegisterExtension final Kata.NoLeaks noLeaks = KATA.noLeaks(3);
 * ...
 * var outcome = KATA.withHint(2).call("friendsOf(1)", () -> handler.friendsOf(USER)).awaitWithin(Duration.ofSeconds(1));
 * }</pre>
 *
 * @param id          the kata's folder name, e.g. {@code 01-serial}
 * @param packageName the package of the kata's main code, e.g. {@code errgroupkatas.serial}
 */
public record Kata(String id, String packageName) {

    /**
     * The pointer a failure message ends with: which of the kata's hints to read and the command
     * that prints it, e.g. {@code Hint: hint 2 of kata 03-errgroup: mvn -q -Phint -Dkata=03
     * -Dhint=2 (or h in the coach)}. The hints live in {@code katas/ID/hints/N.md}, out of the
     * README, so that a learner reads them one at a time; the scoreboard and the coach find the
     * number in this text.
     */
    public String hint(int number) {
        String nn = id.contains("-") ? id.substring(0, id.indexOf('-')) : id;
        return "Hint: hint " + number + " of kata " + id + ": mvn -q -Phint -Dkata=" + nn + " -Dhint=" + number
                + " (or h in the coach)";
    }

    /**
     * The kata's calls whose failures point to hint {@code number}: every call into kata code says
     * which of the kata's three hints helps with the test that makes it, so a new test cannot
     * forget to choose one.
     *
     * <pre>{@code
     * KATA.withHint(3).call("friendsOf(1)", () -> handler.friendsOf(USER)).awaitWithin(DEADLINE);
     * }</pre>
     */
    public Hinted withHint(int number) {
        if (number < 1 || number > 3) {
            throw new IllegalArgumentException("a kata has hints 1 to 3, not " + number);
        }
        return new Hinted(this, number);
    }

    /**
     * Calls into a kata's code whose failures point to one of its hints (see {@link #withHint}).
     *
     * @param kata the kata
     * @param hint the hint number a failure message cites
     */
    public record Hinted(Kata kata, int hint) {

        /** Starts {@code body} on its own thread, described as "the call"; see {@link KataCall}. */
        public <T> KataCall<T> call(Callable<T> body) {
            return KataCall.start(kata, "the call", hint, body);
        }

        /**
         * Starts {@code body} on its own thread, described as {@code description} (e.g. {@code
         * "send(1) on a full channel"}) in failure messages; see {@link KataCall}.
         */
        public <T> KataCall<T> call(String description, Callable<T> body) {
            return KataCall.start(kata, description, hint, body);
        }

        /**
         * Runs {@code code} on the test's thread (for calls that cannot block, such as a
         * constructor's argument check) and gives what it threw. If it returned instead, fails with
         * "{@code description} returned normally instead of throwing {@code expected}" and the hint;
         * a throwable of another type is given as it is, for the test's own assertion to judge.
         */
        public Throwable thrownBy(String description, Class<? extends Throwable> expected, ThrowingCallable code) {
            long start = System.nanoTime();
            Throwable thrown = null;
            try {
                code.call();
            } catch (Throwable t) {
                thrown = t;
            }
            return new KataCall.Outcome<Object>(description, null, thrown,
                    Thread.currentThread().isInterrupted(), Duration.ofNanos(System.nanoTime() - start),
                    kata.hint(hint)).threw(expected);
        }
    }

    /** A leak detector whose snapshot is now. */
    public LeakDetector leakSnapshot() {
        return LeakDetector.snapshot(packageName);
    }

    /**
     * A JUnit extension that fails any test of the class that leaves a thread behind or loses an
     * error (a thread that died of an exception nothing caught), pointing to hint {@code hint}: the
     * one whose text helps with a leak or a lost error in the class's tests.
     */
    public NoLeaks noLeaks(int hint) {
        return new NoLeaks(this, withHint(hint).hint());
    }

    /**
     * A JUnit extension that fails a test if a kata call it {@linkplain CallerStatus#watch watches}
     * ended, returned or threw, with its caller's interrupt status set, pointing to hint {@code
     * hint}: the one whose text helps with the caller's interrupt in the class's tests.
     */
    public CallerStatus callerStatus(int hint) {
        return new CallerStatus(this, withHint(hint).hint());
    }

    /**
     * Fails a test that leaves a thread behind or loses an error: snapshots the threads before
     * each test and, after it, asserts that none started since is still alive
     * ({@link LeakDetector}), then that none of them died of an exception nothing caught
     * ({@link LostErrors}). When both fail, the lost error is the failure (it is often why a thread
     * was left waiting) and the leak report is attached to it as suppressed. A test that failed
     * already skips the leak check (it would wait a second for threads the failure left stuck),
     * not the lost-error one: a lost error is often why a test failed (a task died, so the group
     * reported success or waited for ever), so the failure becomes the lost-error report, with the
     * test's own message below it and its exception as the cause. The lost error is the first
     * thing the learner reads, not a suppressed exception nobody prints.
     *
     * <p>It also marks the start of each test for {@link KataCall}'s stuck report, which tells the
     * test's own threads from those earlier tests left running ({@link TestThreads}).
     */
    public static final class NoLeaks implements BeforeEachCallback, AfterEachCallback,
            TestExecutionExceptionHandler {
        private final Kata kata;
        private LeakDetector detector;
        private LostErrors lostErrors;
        /** How long a failed test's lost-error check waits for a death that is on its way. */
        private static final Duration LATE_DEATH = Duration.ofMillis(5);
        private final int leakHint;
        private int lostReported;

        private NoLeaks(Kata kata, int leakHint) {
            this.kata = kata;
            this.leakHint = leakHint;
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            lostErrors = LostErrors.snapshot(kata.packageName());
            lostReported = 0;
            detector = kata.leakSnapshot();
            TestThreads.testStarted();
        }

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
            List<LostErrors.Death> lost = lostErrors.lostSince();
            if (lost.isEmpty()) {
                // An executor's close() returns as soon as its dying worker finished the task, a moment
                // before that worker runs the uncaught-exception handler: look once more, a little later.
                // A death later still is reported after the test, attached to this failure.
                LockSupport.parkNanos(LATE_DEATH.toNanos());
                lost = lostErrors.lostSince();
            }
            if (lost.isEmpty() || failure instanceof TestAbortedException) {
                throw failure;
            }
            lostReported = lost.size();
            AssertionError report = lostErrors.report(lost, kata.hint(leakHint));
            String own = failure.getMessage() == null ? failure.toString() : failure.getMessage();
            AssertionError combined = new AssertionError(report.getMessage()
                    + "The test failed too, most likely because of it:\n" + own, failure);
            combined.setStackTrace(failure.getStackTrace());
            throw combined;
        }

        @Override
        public void afterEach(ExtensionContext context) {
            try {
                check(context);
            } finally {
                TestThreads.testEnded();
            }
        }

        private void check(ExtensionContext context) {
            if (context.getExecutionException().isPresent()) {
                // The test failed already: that failure is the news, and a stuck call has reported
                // where its threads are. Waiting out the leak grace for threads it left stuck would
                // only slow every failing run by a second. A lost error may explain the failure, so
                // one that the failure does not show yet is still reported (attached to it).
                List<LostErrors.Death> lost = lostErrors.lostSince();
                if (lost.size() > lostReported) {
                    throw lostErrors.report(lost.subList(lostReported, lost.size()), kata.hint(leakHint));
                }
                return;
            }
            AssertionError leak = null;
            try {
                detector.assertNoLeaks(LeakDetector.DEFAULT_GRACE, kata.hint(leakHint));
            } catch (AssertionError e) {
                leak = e;
            }
            try {
                lostErrors.assertNoneLost(kata.hint(leakHint));
            } catch (AssertionError lost) {
                if (leak != null) {
                    lost.addSuppressed(leak);
                }
                throw lost;
            }
            if (leak != null) {
                throw leak;
            }
        }
    }

    /**
     * Fails a test if a kata call it watches ended with its caller's interrupt status set, whatever
     * the outcome: a value, a failure, or the {@link InterruptedException} of an interrupted caller.
     * Kata code interrupts the threads it started, never its caller; an interrupt status left set
     * makes the caller's next blocking call (the next request on a pooled thread) throw for an
     * interrupt that nobody sent, or that was answered already. A test that failed already is not
     * checked: its own failure comes first.
     *
     * <pre>{@code
     * @RegisterExtension final Kata.CallerStatus callerStatus = KATA.callerStatus(3);
     * var call = callerStatus.watch(KATA.withHint(2).call("friendsOf(1)", () -> handler.friendsOf(USER)));
     * }</pre>
     */
    public static final class CallerStatus implements AfterEachCallback {
        private final Kata kata;
        private final List<KataCall<?>> calls = new CopyOnWriteArrayList<>();
        private final int hint;

        private CallerStatus(Kata kata, int hint) {
            this.kata = kata;
            this.hint = hint;
        }

        /** Checks {@code call}'s caller after the test, if the call has ended by then; returns it. */
        public <T> KataCall<T> watch(KataCall<T> call) {
            calls.add(call);
            return call;
        }

        @Override
        public void afterEach(ExtensionContext context) {
            if (context.getExecutionException().isEmpty()) {
                assertCallersUninterrupted();
            }
        }

        /** Fails if a watched call that has ended left its caller's interrupt status set. */
        public void assertCallersUninterrupted() {
            for (KataCall<?> call : calls) {
                call.outcomeIfDone().filter(KataCall.Outcome::interruptFlagLeft).ifPresent(o -> {
                    String ended = o.thrown() != null ? "threw " + o.thrown() : "returned";
                    throw new AssertionError("Expected " + o.description() + " to leave its caller's interrupt"
                            + " status clear, but it " + ended + " with the status set.\nKata code interrupts the"
                            + " threads it started, never its caller: a status left set makes the caller's next"
                            + " blocking call throw InterruptedException for an interrupt that nobody sent. An"
                            + " interrupted caller is answered by the InterruptedException it gets; do not also set"
                            + " the status again (the JDK's blocking methods clear it when they throw).\n"
                            + kata.hint(hint));
                });
            }
        }
    }
}

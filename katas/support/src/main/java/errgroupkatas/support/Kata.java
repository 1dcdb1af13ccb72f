package errgroupkatas.support;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a kata's tests know about their kata: its id (the folder under {@code katas/}) and its
 * package. It makes the tests' helpers speak about the right code and point at the right README.
 *
 * <pre>{@code
 * static final Kata KATA = new Kata("01-serial", "errgroupkatas.serial");
 * @RegisterExtension final Kata.NoLeaks noLeaks = KATA.noLeaks();
 * ...
 * var outcome = KATA.call(() -> handler.friendsOf(USER)).awaitWithin(Duration.ofSeconds(1));
 * }</pre>
 *
 * @param id          the kata's folder name, e.g. {@code 01-serial}
 * @param packageName the package of the kata's main code, e.g. {@code errgroupkatas.serial}
 */
public record Kata(String id, String packageName) {

    /** "see hint N in katas/ID/README.md": the pointer a failure message ends with. */
    public String hint(int number) {
        return "Hint: see hint " + number + " in katas/" + id + "/README.md";
    }

    /** Starts {@code body} on its own thread; see {@link KataCall}. */
    public <T> KataCall<T> call(Callable<T> body) {
        return KataCall.start(this, "the call", body);
    }

    /**
     * Starts {@code body} on its own thread, described as {@code description} (e.g. {@code
     * "send(1) on a full channel"}) in failure messages; see {@link KataCall}.
     */
    public <T> KataCall<T> call(String description, Callable<T> body) {
        return KataCall.start(this, description, body);
    }

    /** A leak detector whose snapshot is now. */
    public LeakDetector leakSnapshot() {
        return LeakDetector.snapshot(packageName);
    }

    /**
     * A JUnit extension that fails any test of the class that leaves a thread behind or loses an
     * error (a thread that died of an exception nothing caught).
     */
    public NoLeaks noLeaks() {
        return new NoLeaks(this);
    }

    /**
     * A JUnit extension that fails a test if a kata call it {@linkplain CallerStatus#watch watches}
     * ended, returned or threw, with its caller's interrupt status set.
     */
    public CallerStatus callerStatus() {
        return new CallerStatus(this);
    }

    /**
     * Fails a test that leaves a thread behind or loses an error: snapshots the threads before
     * each test and, after it, asserts that none started since is still alive
     * ({@link LeakDetector}), then that none of them died of an exception nothing caught
     * ({@link LostErrors}). When both fail, the lost error is the failure (it is often why a thread
     * was left waiting) and the leak report is attached to it as suppressed. A test that failed
     * already is only checked for lost errors: its own failure comes first, and the leak check
     * would wait a second for threads that failure left stuck.
     */
    public static final class NoLeaks implements BeforeEachCallback, AfterEachCallback {
        private final Kata kata;
        private LeakDetector detector;
        private LostErrors lostErrors;
        private int leakHint = 3;

        private NoLeaks(Kata kata) {
            this.kata = kata;
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            lostErrors = LostErrors.snapshot(kata.packageName());
            detector = kata.leakSnapshot();
        }

        @Override
        public void afterEach(ExtensionContext context) {
            if (context.getExecutionException().isPresent()) {
                // The test failed already: that failure is the news, and a stuck call has reported
                // where its threads are. Waiting out the leak grace for threads it left stuck would
                // only slow every failing run by a second. A lost error may explain the failure, so
                // it is still reported (attached to the test's failure).
                lostErrors.assertNoneLost(kata.hint(leakHint));
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

        /** Which of the kata's hints a leak or lost-error failure points to (3 by default). */
        public NoLeaks pointingToHint(int number) {
            this.leakHint = number;
            return this;
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
     * @RegisterExtension final Kata.CallerStatus callerStatus = KATA.callerStatus();
     * var call = callerStatus.watch(KATA.call(() -> handler.friendsOf(USER)));
     * }</pre>
     */
    public static final class CallerStatus implements AfterEachCallback {
        private final Kata kata;
        private final List<KataCall<?>> calls = new CopyOnWriteArrayList<>();
        private int hint = 3;

        private CallerStatus(Kata kata) {
            this.kata = kata;
        }

        /** Checks {@code call}'s caller after the test, if the call has ended by then; returns it. */
        public <T> KataCall<T> watch(KataCall<T> call) {
            calls.add(call);
            return call;
        }

        /** Which of the kata's hints a failure points to (3 by default). */
        public CallerStatus pointingToHint(int number) {
            this.hint = number;
            return this;
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

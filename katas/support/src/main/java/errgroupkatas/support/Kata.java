package errgroupkatas.support;

import java.util.concurrent.Callable;
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
}

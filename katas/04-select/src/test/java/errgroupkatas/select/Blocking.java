package errgroupkatas.select;

import static org.awaitility.Awaitility.await;

import errgroupkatas.support.KataCall;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waits until a kata call is blocked (its thread parked: WAITING or TIMED_WAITING), and fails at
 * once if the call returns or throws first. (Belongs in support as {@code KataCall.awaitBlocked}.)
 */
final class Blocking {
    private Blocking() {
    }

    static void awaitBlocked(KataCall<?> call, String what, String hint) {
        try {
            await(what).atMost(Duration.ofSeconds(2)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                    .until(() -> call.isDone() || isParked(call.thread()));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Expected " + what + " to block, but after 2 s its thread was "
                    + call.thread().getState() + " (busy, not waiting). " + hint, e);
        }
        if (call.isDone()) {
            var o = call.awaitWithin(Duration.ZERO);
            throw new AssertionError("Expected " + what + " to block, but it "
                    + (o.thrown() != null ? "threw " + o.thrown() : "returned " + o.value()) + " at once. " + hint,
                    o.thrown());
        }
    }

    private static boolean isParked(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }
}

package errgroupkatas.support;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Whether code let go of an object, proven by the garbage collector instead of a memory
 * measurement: for promises such as "a group forgets the threads of its tasks once they have
 * ended", which no amount of used memory can show without flaking.
 *
 * <pre>{@code
 * WeakReference<Thread> ended = new WeakReference<>(threadOfATaskThatEnded);
 * // ... 1 000 more tasks ...
 * assertThat(Reachability.awaitCollected(ended, Duration.ofSeconds(2))).as("the group still holds it").isTrue();
 * }</pre>
 *
 * <p>Deterministic both ways: an object that nothing holds is gone after the first full collection
 * (a {@link System#gc()}, tried again while it is not, after 10 ms, then twice as long each time:
 * a dozen collections in two seconds, not two hundred), in tens of milliseconds; an object that
 * something still holds is never collected, so a wrong answer costs the whole bound and never
 * comes early.
 */
public final class Reachability {
    private Reachability() {
    }

    /**
     * Collects garbage until the referent of {@code ref} is gone, for at most {@code atMost}, and
     * says whether it went. The caller must hold no strong reference to it itself (keep only the
     * {@code WeakReference}, made in a method that has returned).
     */
    public static boolean awaitCollected(WeakReference<?> ref, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        long pause = Duration.ofMillis(10).toNanos();
        while (true) {
            System.gc();
            if (ref.get() == null) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(pause, left));
            pause *= 2;
        }
    }
}

package errgroupkatas.dashboard;

import errgroupkatas.story.ProfileService;
import errgroupkatas.story.ServiceException;
import errgroupkatas.story.User;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A profile service whose calls, once interrupted, take a while to wind down before they throw
 * {@link InterruptedException}, as a real client closing its connection does. It makes "the
 * cancelled call has ended by the time the aggregator returns" a deterministic fact: an aggregator
 * that interrupts the call but does not wait for it returns while the call is still winding down.
 */
final class WindingDownProfiles implements ProfileService {
    private final ProfileService delegate;
    private final Duration windDown;
    private final AtomicInteger inProgress = new AtomicInteger();

    WindingDownProfiles(ProfileService delegate, Duration windDown) {
        this.delegate = delegate;
        this.windDown = windDown;
    }

    @Override
    public User profile(long userId) throws ServiceException, InterruptedException {
        inProgress.incrementAndGet();
        try {
            return delegate.profile(userId);
        } catch (InterruptedException e) {
            long end = System.nanoTime() + windDown.toNanos();
            for (long left = windDown.toNanos(); left > 0; left = end - System.nanoTime()) {
                LockSupport.parkNanos(left); // not interruptible: the call is already cancelled
            }
            throw e;
        } finally {
            inProgress.decrementAndGet();
        }
    }

    /** How many calls have not ended yet, winding down included. */
    int inProgress() {
        return inProgress.get();
    }
}

package errgroupkatas.select;

import errgroupkatas.story.ProfileService;
import errgroupkatas.story.ServiceException;
import errgroupkatas.story.User;
import errgroupkatas.support.Gate;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A profile service whose lookups, once interrupted, do not end until the test opens a gate, as a
 * client stuck in a call that ignores interrupts (a blocking socket read) does. It makes "the
 * pipeline is still waiting for a cancelled stage" a state the test holds for as long as it likes.
 */
final class StubbornProfiles implements ProfileService {
    private final ProfileService delegate;
    private final Gate windDown;
    private final AtomicInteger windingDown = new AtomicInteger();

    /** Lookups go to {@code delegate}; one that is interrupted then waits for {@code windDown}. */
    StubbornProfiles(ProfileService delegate, Gate windDown) {
        this.delegate = delegate;
        this.windDown = windDown;
    }

    @Override
    public User profile(long userId) throws ServiceException, InterruptedException {
        try {
            return delegate.profile(userId);
        } catch (InterruptedException e) {
            windingDown.incrementAndGet();
            boolean interruptedAgain = false;
            while (!windDown.isOpen()) {
                try {
                    windDown.pass(); // deaf to interrupts: the lookup is cancelled already
                } catch (InterruptedException again) {
                    interruptedAgain = true;
                }
            }
            windingDown.decrementAndGet();
            if (interruptedAgain) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    /** How many lookups were interrupted and have not ended yet. */
    int windingDown() {
        return windingDown.get();
    }
}

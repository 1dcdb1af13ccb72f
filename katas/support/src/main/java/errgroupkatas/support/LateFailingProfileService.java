package errgroupkatas.support;

import errgroupkatas.story.ProfileService;
import errgroupkatas.story.ServiceException;
import errgroupkatas.story.User;
import java.util.concurrent.CountDownLatch;

/**
 * A profile service with one lookup that fails late: the lookup of {@code lateId} ignores every
 * interrupt until the test opens a gate, and then fails with a {@link ServiceException}, as a
 * client that only notices a broken connection after its caller gave up does. Every other lookup
 * goes to the delegate. It lets a test make the lookup that started first fail last.
 */
public final class LateFailingProfileService implements ProfileService {
    private final ProfileService delegate;
    private final long lateId;
    private final Gate release;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch sawInterrupt = new CountDownLatch(1);
    private final ServiceException failure;

    public LateFailingProfileService(ProfileService delegate, long lateId, Gate release) {
        this.delegate = delegate;
        this.lateId = lateId;
        this.release = release;
        this.failure = new ServiceException("profile(" + lateId + ") failed late, after it was cancelled (the test"
                + " made it fail)");
    }

    @Override
    public User profile(long userId) throws ServiceException, InterruptedException {
        if (userId != lateId) {
            return delegate.profile(userId);
        }
        started.countDown();
        boolean interrupted = false;
        while (!release.isOpen()) {
            try {
                release.pass(); // deaf to interrupts
            } catch (InterruptedException e) {
                interrupted = true;
                sawInterrupt.countDown();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        throw failure;
    }

    /** Whether the late lookup has started. */
    public boolean started() {
        return started.getCount() == 0;
    }

    /** Whether the late lookup was interrupted (cancelled) while it waited. */
    public boolean sawInterrupt() {
        return sawInterrupt.getCount() == 0;
    }

    /** The exception the late lookup throws once released. */
    public ServiceException failure() {
        return failure;
    }
}

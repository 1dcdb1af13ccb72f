package errgroupkatas.support;

import errgroupkatas.story.FriendIdCursor;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.ServiceException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A friend service whose interrupted calls linger, the producer's twin of the support module's
 * {@code LingeringProfileService}: opening the cursor or a cursor's {@code next()} that is
 * interrupted does not end until the test opens a gate, and ignores further interrupts meanwhile,
 * as a client closing its connection does. Then it throws the {@link InterruptedException} (with
 * the interrupt status set again if it was interrupted meanwhile). It makes "the pipeline is still
 * waiting for the producer it cancelled" a state the test holds for as long as it likes.
 */
public final class LingeringFriendService implements FriendService {
    private final FriendService delegate;
    private final Gate release;
    private final AtomicInteger lingering = new AtomicInteger();

    /** Calls go to {@code delegate}; one that is interrupted then waits for {@code release}. */
    public LingeringFriendService(FriendService delegate, Gate release) {
        this.delegate = delegate;
        this.release = release;
    }

    @FunctionalInterface
    private interface Body<T> {
        T call() throws ServiceException, InterruptedException;
    }

    @Override
    public FriendIdCursor friendIds(long userId) throws ServiceException, InterruptedException {
        FriendIdCursor cursor = linger(() -> delegate.friendIds(userId));
        return () -> linger(cursor::next);
    }

    private <T> T linger(Body<T> body) throws ServiceException, InterruptedException {
        try {
            return body.call();
        } catch (InterruptedException e) {
            lingering.incrementAndGet();
            boolean interruptedAgain = false;
            try {
                while (!release.isOpen()) {
                    try {
                        release.pass(); // deaf to interrupts: the call is cancelled already
                    } catch (InterruptedException again) {
                        interruptedAgain = true;
                    }
                }
            } finally {
                lingering.decrementAndGet();
            }
            if (interruptedAgain) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    /**
     * Waits until a call lingers (the pipeline cancelled it) or {@code call} has ended, whichever
     * comes first. Fails after {@code atMost} with {@code neither}'s message.
     */
    public void awaitLingeringOrDone(KataCall<?> call, Duration atMost, Supplier<String> neither) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!call.isDone() && lingering.get() == 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(neither.get());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}

package errgroupkatas.dashboard;

import errgroupkatas.story.OrderService;
import errgroupkatas.story.ServiceException;
import errgroupkatas.support.Gate;
import errgroupkatas.support.KataCall;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * An order service whose interrupted calls linger, the order call's twin of the support module's
 * {@code LingeringProfileService}: a call of the delegate that is interrupted does not end until the
 * test opens a gate, and ignores further interrupts meanwhile. Then it throws the
 * {@link InterruptedException} (with the interrupt status set again if it was interrupted
 * meanwhile).
 */
final class LingeringOrderService implements OrderService {
    private final OrderService delegate;
    private final Gate release;
    private final AtomicInteger lingering = new AtomicInteger();

    LingeringOrderService(OrderService delegate, Gate release) {
        this.delegate = delegate;
        this.release = release;
    }

    @Override
    public long latestOrder(long userId) throws ServiceException, InterruptedException {
        try {
            return delegate.latestOrder(userId);
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

    /** Waits until a call lingers or {@code call} has ended; fails after {@code atMost} with {@code neither}. */
    void awaitLingeringOrDone(KataCall<?> call, Duration atMost, Supplier<String> neither) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!call.isDone() && lingering.get() == 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(neither.get());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}

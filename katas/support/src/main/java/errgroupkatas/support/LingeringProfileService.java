package errgroupkatas.support;

import errgroupkatas.story.ProfileService;
import errgroupkatas.story.ServiceException;
import errgroupkatas.story.User;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A profile service whose interrupted lookups linger: a lookup of the delegate that is interrupted
 * does not end until the test opens a gate, and ignores further interrupts meanwhile, as a client
 * stuck in a call that ignores interrupts (a blocking socket read), or one closing its connection,
 * does. Then it throws the {@link InterruptedException} (with the interrupt status set again if it
 * was interrupted meanwhile). It makes "the caller is still waiting for the call it cancelled" a
 * state the test holds for as long as it likes.
 *
 * <pre>{@code
 * Gate release = Gate.closed("the cancelled profile call may end");
 * var lingering = new LingeringProfileService(profiles, release);
 * var call = KATA.withHint(2).call("aggregate(1)", ...); // the kata call, which will cancel the lookup
 * lingering.awaitLingeringOrDone(call, bound, () -> "it did not cancel the lookup" + log.timeline());
 * boolean returnedMeanwhile = call.watchFor(call::isDone, window); // it must wait for the lookup
 * release.open();
 * }</pre>
 */
public final class LingeringProfileService implements ProfileService {
    private final ProfileService delegate;
    private final Gate release;
    private final AtomicInteger lingering = new AtomicInteger();

    /** Lookups go to {@code delegate}; one that is interrupted then waits for {@code release}. */
    public LingeringProfileService(ProfileService delegate, Gate release) {
        this.delegate = delegate;
        this.release = release;
    }

    @Override
    public User profile(long userId) throws ServiceException, InterruptedException {
        try {
            return delegate.profile(userId);
        } catch (InterruptedException e) {
            lingering.incrementAndGet();
            boolean interruptedAgain = false;
            try {
                while (!release.isOpen()) {
                    try {
                        release.pass(); // deaf to interrupts: the lookup is cancelled already
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
     * Waits until a lookup lingers (the code under test cancelled it) or {@code call} has ended,
     * whichever comes first: the moment from which a correct call must wait for the lookup.
     * Fails after {@code atMost} with {@code neither}'s message (it names what the code should
     * have done, with the timeline and the hint).
     */
    public void awaitLingeringOrDone(KataCall<?> call, Duration atMost, Supplier<String> neither) {
        try {
            // dontCatchUncaughtExceptions: a thread that dies meanwhile is LostErrors' to report.
            await("a lookup cancelled").atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                    .dontCatchUncaughtExceptions().until(() -> call.isDone() || lingering() > 0);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(neither.get(), e);
        }
    }

    /** How many lookups were interrupted and are waiting for the gate. */
    public int lingering() {
        return lingering.get();
    }
}

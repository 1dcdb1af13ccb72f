package errgroupkatas.support;

import errgroupkatas.story.ServiceException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How one fake call behaves: it waits for a {@link Gate} (if any), then takes a latency (if any),
 * then answers or fails. A call made by a thread whose interrupt status is set fails at once, and
 * every wait is interruptible: an interrupted call records that it saw
 * the interrupt and throws {@link InterruptedException}, as a real client would.
 *
 * <p>Immutable; build one with {@link #immediately()} and the {@code with…} methods:
 * <pre>{@code
 * Reply.immediately().withLatency(Duration.ofMillis(100))   // the story's profile lookup
 * Reply.immediately().waitingFor(gate).failing()            // fails only when the test says so
 * }</pre>
 */
public final class Reply {
    private final Gate gate;
    private final Duration latency;
    private final Function<String, ? extends Throwable> failure;

    private Reply(Gate gate, Duration latency, Function<String, ? extends Throwable> failure) {
        this.gate = gate;
        this.latency = latency;
        this.failure = failure;
    }

    /** Answers at once. */
    public static Reply immediately() {
        return new Reply(null, Duration.ZERO, null);
    }

    /** Shorthand for {@code immediately().withLatency(latency)}. */
    public static Reply after(Duration latency) {
        return immediately().withLatency(latency);
    }

    /** Shorthand for {@code immediately().waitingFor(gate)}. */
    public static Reply when(Gate gate) {
        return immediately().waitingFor(gate);
    }

    /** The same reply, but it first blocks until {@code gate} opens. */
    public Reply waitingFor(Gate gate) {
        return new Reply(Objects.requireNonNull(gate, "gate"), latency, failure);
    }

    /** The same reply, but it takes {@code latency} (an interruptible sleep) before answering. */
    public Reply withLatency(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + latency);
        }
        return new Reply(gate, latency, failure);
    }

    /** The same reply, but it fails with a {@link ServiceException} naming the call. */
    public Reply failing() {
        return new Reply(gate, latency, call -> new ServiceException(call + " failed (the test made it fail)"));
    }

    /**
     * The same reply, but it throws what {@code failure} supplies: a checked exception the
     * service declares, or any {@link RuntimeException} or {@link Error} (a "panic").
     */
    public Reply failingWith(Supplier<? extends Throwable> failure) {
        Objects.requireNonNull(failure, "failure");
        return new Reply(gate, latency, call -> failure.get());
    }

    /** Whether this reply fails rather than answers. */
    public boolean fails() {
        return failure != null;
    }

    /**
     * Plays this reply for {@code call}: waits, then throws the failure or returns normally.
     * The caller records the outcome.
     */
    void play(String call) throws ServiceException, InterruptedException {
        // Like a real blocking client, a call made by an interrupted thread fails at once.
        if (Thread.interrupted()) {
            throw new InterruptedException(call + " was called by an interrupted thread");
        }
        if (gate != null) {
            gate.pass();
        }
        if (latency.isPositive()) {
            Thread.sleep(latency);
        }
        if (failure != null) {
            Throwable e = failure.apply(call);
            if (e instanceof ServiceException se) {
                throw se;
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            if (e instanceof Error err) {
                throw err;
            }
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException(
                    "a fake can only throw what the service declares or unchecked exceptions: " + e, e);
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("reply");
        if (gate != null) {
            s.append(" waiting for ").append(gate.name());
        }
        if (latency.isPositive()) {
            s.append(" after ").append(latency.toMillis()).append(" ms");
        }
        s.append(failure != null ? " failing" : " answering");
        return s.toString();
    }
}

package errgroupkatas.support;

/**
 * One call a fake received, as the {@link CallLog} recorded it: what was called, on which thread,
 * when it started and ended (in {@link System#nanoTime()} units), and how it ended.
 *
 * <p>Thread-safe: the call's thread completes it while tests read it.
 */
public final class Call {

    /** How a call ended, or that it has not. */
    public enum Outcome {
        /** Still in flight. */
        RUNNING,
        /** Answered normally. */
        RETURNED,
        /** Threw the failure its reply asked for. */
        FAILED,
        /** Saw an interrupt while it waited, and threw {@link InterruptedException}. */
        INTERRUPTED
    }

    private final int sequence;
    private final String name;
    private final String threadName;
    private final boolean virtualThread;
    private final long startNanos;
    private volatile long endNanos;
    private volatile Outcome outcome = Outcome.RUNNING;
    private volatile Throwable failure;

    Call(int sequence, String name, Thread thread, long startNanos) {
        this.sequence = sequence;
        this.name = name;
        this.threadName = describe(thread);
        this.virtualThread = thread.isVirtual();
        this.startNanos = startNanos;
    }

    private static String describe(Thread thread) {
        String n = thread.getName();
        if (n.isEmpty()) {
            n = "#" + thread.threadId();
        }
        return (thread.isVirtual() ? "virtual " : "") + n;
    }

    void end(Outcome outcome, Throwable failure, long endNanos) {
        this.failure = failure;
        this.endNanos = endNanos;
        this.outcome = outcome;
    }

    /** The order in which the call started, from 0. */
    public int sequence() {
        return sequence;
    }

    /** What was called, e.g. {@code profile(42)}. */
    public String name() {
        return name;
    }

    /** The calling thread's name (with "virtual " before it for a virtual thread). */
    public String threadName() {
        return threadName;
    }

    /** Whether the calling thread was a virtual thread. */
    public boolean onVirtualThread() {
        return virtualThread;
    }

    public long startNanos() {
        return startNanos;
    }

    /** When the call ended, or 0 while it is {@link Outcome#RUNNING}. */
    public long endNanos() {
        return endNanos;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Whether the call is still in flight. */
    public boolean running() {
        return outcome == Outcome.RUNNING;
    }

    /** Whether the call saw an interrupt (and so ended {@link Outcome#INTERRUPTED}). */
    public boolean interrupted() {
        return outcome == Outcome.INTERRUPTED;
    }

    /** What the call threw, or null. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public String toString() {
        return name + " on " + threadName + ": " + outcome.name().toLowerCase(java.util.Locale.ROOT);
    }
}

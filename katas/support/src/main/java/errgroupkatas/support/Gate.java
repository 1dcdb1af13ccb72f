package errgroupkatas.support;

import java.util.concurrent.CountDownLatch;

/**
 * A gate a test holds closed and opens when it chooses: fake calls told to wait for it block
 * (interruptibly) until it opens. Gates make concurrency facts deterministic: "the sibling was
 * interrupted while its gate was still closed" is an ordering fact, not a timing guess.
 *
 * <p>A gate opens once and stays open; opening it again does nothing.
 */
public final class Gate {
    private final String name;
    private final CountDownLatch latch = new CountDownLatch(1);

    private Gate(String name) {
        this.name = name;
    }

    /** A new closed gate; the name appears in timelines and failure messages. */
    public static Gate closed(String name) {
        return new Gate(name);
    }

    /** Opens the gate, releasing every call waiting for it now or later. */
    public void open() {
        latch.countDown();
    }

    /** Whether {@link #open()} was called. */
    public boolean isOpen() {
        return latch.getCount() == 0;
    }

    /**
     * Blocks until the gate is open.
     *
     * @throws InterruptedException the waiting thread was interrupted first
     */
    public void pass() throws InterruptedException {
        latch.await();
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "gate " + name + (isOpen() ? " (open)" : " (closed)");
    }
}

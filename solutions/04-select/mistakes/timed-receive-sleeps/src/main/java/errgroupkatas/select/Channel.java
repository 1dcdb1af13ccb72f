package errgroupkatas.select;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Kata 04, part A: a channel with Go's semantics, the Java twin of {@code make(chan T, capacity)}.
 *
 * <p>Values travel first in, first out. A channel of capacity {@code n > 0} holds up to {@code n}
 * values that no receiver took yet; {@link #send} blocks while it is full. A channel of capacity 0
 * is unbuffered: {@link #send} is a rendezvous and returns only once a receiver took its value.
 * {@link #receive} blocks while the channel is empty. {@link #close} ends the stream: receivers
 * still get every value that was buffered, and then end-of-stream (an empty {@code Optional})
 * every time they ask. Only the sending side closes a channel, and only once.
 *
 * <p>Every blocking operation is interruptible and leaves the channel as it was when it throws.
 * The channel is safe for any number of senders and receivers at once. Values are never null.
 *
 * <p>Why no {@code Iterable}: {@code Iterator.next()} cannot throw {@link InterruptedException},
 * and smuggling the interrupt out as an unchecked exception makes it easy to lose. Use
 * {@link #forEach} (which ends at close and lets the interrupt through) or loop on
 * {@link #receive}.
 *
 * <pre>{@code
 * var ids = new Channel<Long>(0);
 * Thread.ofVirtual().start(() -> { try { ids.send(1L); ids.send(2L); } finally { ids.close(); } });
 * ids.forEach(id -> System.out.println(id));   // 1, 2, then the loop ends at close
 * }</pre>
 *
 * @param <T> the values' type
 */
public final class Channel<T> {

    /** {@link #send} on a closed channel, the Java twin of Go's "send on closed channel" panic. */
    public static final class ClosedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public ClosedException(String message) {
            super(message);
        }
    }

    /**
     * What {@link #forEach} does with each value: it may block, be interrupted, and throw.
     *
     * @param <T> the values' type
     * @param <X> the checked exception it may throw
     */
    @FunctionalInterface
    public interface Receiver<T, X extends Exception> {
        void accept(T value) throws X, InterruptedException;
    }

    /**
     * A sender waiting for a receiver (always so on an unbuffered channel, or on a full one). It
     * waits on a condition of its own, so that handing its value over wakes this sender only.
     */
    private static final class WaitingSender<T> {
        final T value;
        final Condition handedOver;
        boolean taken;

        WaitingSender(T value, Condition handedOver) {
            this.value = value;
            this.handedOver = handedOver;
        }
    }

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Receivers wait here. Each value that becomes receivable (buffered, or offered by a waiting
     * sender) wakes one receiver, and close wakes them all: with 10 000 mappers waiting on one
     * channel, waking every receiver for every value would cost 10 000 wake-ups per value.
     */
    private final Condition receivable = lock.newCondition();
    private final ArrayDeque<T> buffer = new ArrayDeque<>();
    private final ArrayDeque<WaitingSender<T>> senders = new ArrayDeque<>();
    private boolean closed;

    /**
     * A new open, empty channel.
     *
     * @param capacity how many values it buffers; 0 for an unbuffered (rendezvous) channel
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    public Channel(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative: " + capacity);
        }
        this.capacity = capacity;
    }

    /** How many values this channel buffers (0: unbuffered). */
    public int capacity() {
        return capacity;
    }

    /**
     * Sends {@code value}: buffers it if there is room, and otherwise blocks until a receiver takes
     * it. On an unbuffered channel it always waits for a receiver.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws ClosedException      if the channel is closed, or gets closed while this send waits
     *                              (the value is then not delivered)
     * @throws InterruptedException if the calling thread is interrupted before or while it waits;
     *                              the value is then not delivered. (A send whose value a receiver
     *                              took at the very moment of the interrupt returns normally, with
     *                              the interrupt status still set.)
     */
    public void send(T value) throws InterruptedException {
        Objects.requireNonNull(value, "a channel carries no null values");
        lock.lockInterruptibly();
        try {
            if (closed) {
                throw new ClosedException("send on a closed channel");
            }
            if (buffer.size() < capacity) { // senders queue only while it is full: none is ahead of this one
                buffer.addLast(value);
                receivable.signal();
                return;
            }
            WaitingSender<T> me = new WaitingSender<>(value, lock.newCondition());
            senders.addLast(me);
            receivable.signal();
            try {
                while (!me.taken) {
                    if (closed) {
                        throw new ClosedException("the channel was closed while a send waited for a receiver");
                    }
                    me.handedOver.await();
                }
            } catch (InterruptedException e) {
                if (me.taken) {
                    Thread.currentThread().interrupt();
                    return;
                }
                senders.remove(me);
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Receives the next value, blocking while the channel is empty and open.
     *
     * @return the next value; empty once the channel is closed and every value was received
     * @throws InterruptedException if the calling thread is interrupted before or while it waits;
     *                              no value is taken then
     */
    public Optional<T> receive() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                Optional<T> v = takeLocked();
                if (v != null) {
                    return v;
                }
                receivable.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Like {@link #receive()}, but waits at most {@code timeout}: the Java twin of a {@code select}
     * on the channel and {@code time.After(timeout)}.
     *
     * @throws TimeoutException     if no value and no close came within {@code timeout}
     * @throws InterruptedException as {@link #receive()}
     */
    public Optional<T> receive(Duration timeout) throws InterruptedException, TimeoutException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                Optional<T> v = takeLocked();
                if (v != null) {
                    return v;
                }
                if (nanos <= 0) {
                    throw new TimeoutException("nothing arrived within " + timeout.toMillis() + " ms");
                }
                // MISTAKE: sleeps the whole timeout, then looks again: a value or a close meanwhile waits for it
                lock.unlock();
                try {
                    Thread.sleep(timeout);
                } finally {
                    lock.lock();
                }
                nanos = 0;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next value, end-of-stream, or null when the caller must wait. Holds the lock. */
    private Optional<T> takeLocked() {
        T head = buffer.pollFirst();
        if (head != null) {
            WaitingSender<T> next = senders.pollFirst();
            if (next != null) {
                buffer.addLast(next.value);
                next.taken = true;
                next.handedOver.signal();
            }
            return Optional.of(head);
        }
        WaitingSender<T> direct = senders.pollFirst();
        if (direct != null) {
            direct.taken = true;
            direct.handedOver.signal();
            return Optional.of(direct.value);
        }
        return closed ? Optional.empty() : null;
    }

    /**
     * Receives every value until the channel is closed and drained, handing each to
     * {@code action} on the calling thread: the Java twin of {@code for v := range ch}.
     *
     * @throws X                    what {@code action} threw; the loop stops there
     * @throws InterruptedException if the calling thread is interrupted while it waits (or
     *                              {@code action} lets one through); the loop stops there
     */
    public <X extends Exception> void forEach(Receiver<? super T, X> action) throws X, InterruptedException {
        for (Optional<T> v = receive(); v.isPresent(); v = receive()) {
            action.accept(v.get());
        }
    }

    /**
     * Closes the channel: no more sends. Receivers get what is buffered, then end-of-stream;
     * senders blocked now fail with {@link ClosedException}. Only the sending side closes.
     *
     * @throws IllegalStateException if the channel was already closed
     */
    public void close() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("close of a closed channel");
            }
            closed = true;
            senders.forEach(sender -> sender.handedOver.signal()); // each finds the channel closed
            senders.clear();
            receivable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }
}

package errgroupkatas.select;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Kata 04, part A: a channel with Go's semantics (a learner's version: one lock, one condition).
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

    /** A value a sender offers on an unbuffered channel, until a receiver takes it. */
    private static final class Offer<T> {
        final T value;
        boolean taken;

        Offer(T value) {
            this.value = value;
        }
    }

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<T> buffer = new ArrayDeque<>();
    private final ArrayDeque<Offer<T>> offers = new ArrayDeque<>();
    private boolean closed;

    public Channel(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("negative capacity: " + capacity);
        }
        this.capacity = capacity;
    }

    public int capacity() {
        return capacity;
    }

    public void send(T value) throws InterruptedException {
        Objects.requireNonNull(value, "value");
        lock.lockInterruptibly();
        try {
            if (closed) {
                throw new ClosedException("send on closed channel");
            }
            if (capacity > 0) {
                while (buffer.size() == capacity) {
                    changed.await();
                    if (closed) {
                        throw new ClosedException("channel closed while sending");
                    }
                }
                buffer.addLast(value);
                changed.signalAll();
                return;
            }
            Offer<T> offer = new Offer<>(value);
            offers.addLast(offer);
            changed.signalAll();
            try {
                while (!offer.taken) {
                    if (closed) {
                        throw new ClosedException("channel closed while sending");
                    }
                    changed.await();
                }
            } catch (InterruptedException e) {
                if (offer.taken) {
                    Thread.currentThread().interrupt();
                    return;
                }
                offers.remove(offer);
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    public Optional<T> receive() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                Optional<T> v = poll();
                if (v != null) {
                    return v;
                }
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    public Optional<T> receive(Duration timeout) throws InterruptedException, TimeoutException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                Optional<T> v = poll();
                if (v != null) {
                    return v;
                }
                if (nanos <= 0) {
                    throw new TimeoutException("receive timed out after " + timeout);
                }
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes the next value, or end-of-stream; null if there is nothing yet. Lock held. */
    private Optional<T> poll() {
        if (!buffer.isEmpty()) {
            T v = buffer.pollFirst();
            changed.signalAll();
            return Optional.of(v);
        }
        Offer<T> offer = offers.pollFirst();
        if (offer != null) {
            offer.taken = true;
            changed.signalAll();
            return Optional.of(offer.value);
        }
        if (closed) {
            return Optional.empty();
        }
        return null;
    }

    public <X extends Exception> void forEach(Receiver<? super T, X> action) throws X, InterruptedException {
        while (true) {
            Optional<T> v;
            try {
                v = receive();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // keep the flag, stop the loop
                return;
            }
            if (v.isEmpty()) {
                return;
            }
            action.accept(v.get());
        }
    }

    public void close() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("channel already closed");
            }
            closed = true;
            offers.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }
}

package errgroupkatas.bounded;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * MISTAKE: a thread per task, each waiting for one of {@code workers} permits. At most
 * {@code workers} tasks run at once, but 10 000 tasks still make 10 000 threads.
 */
public final class WorkerPoolGroup {

    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final Semaphore permits;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Thread> started = new ArrayList<>();
    private final List<Throwable> laterFailures = new ArrayList<>();
    private boolean closed;
    private Throwable firstFailure;
    private volatile Throwable cancellationCause;

    public WorkerPoolGroup(int workers) {
        if (workers <= 0) {
            throw new IllegalArgumentException("a worker pool needs at least 1 worker, but got " + workers);
        }
        this.permits = new Semaphore(workers);
    }

    public void go(Task task) {
        Objects.requireNonNull(task, "task");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("go() after await(): a group runs one batch of tasks");
            }
            if (cancellationCause != null) {
                return;
            }
            started.add(Thread.ofVirtual().start(() -> run(task)));
        } finally {
            lock.unlock();
        }
    }

    private void run(Task task) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            return; // cancelled while queued: never starts
        }
        try {
            if (cancellationCause == null) {
                task.run();
            }
        } catch (Throwable t) {
            failed(t);
        } finally {
            permits.release();
        }
    }

    private void failed(Throwable t) {
        lock.lock();
        try {
            if (t instanceof InterruptedException && cancellationCause != null) {
                return;
            }
            if (firstFailure == null) {
                firstFailure = t;
                cancel(t);
            } else {
                laterFailures.add(t);
            }
        } finally {
            lock.unlock();
        }
    }

    private void cancel(Throwable cause) {
        if (cancellationCause != null) {
            return;
        }
        cancellationCause = cause;
        Thread self = Thread.currentThread();
        for (Thread t : started) {
            if (t != self) {
                t.interrupt();
            }
        }
    }

    public void await() throws ExecutionException, InterruptedException {
        List<Thread> toJoin;
        lock.lock();
        try {
            closed = true;
            toJoin = List.copyOf(started);
        } finally {
            lock.unlock();
        }
        InterruptedException interrupted = null;
        for (Thread t : toJoin) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    if (interrupted == null) {
                        interrupted = e;
                        lock.lock();
                        try {
                            cancel(e);
                        } finally {
                            lock.unlock();
                        }
                    }
                }
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
        lock.lock();
        try {
            if (firstFailure != null) {
                ExecutionException e = new ExecutionException("a task of the group failed: " + firstFailure,
                        firstFailure);
                laterFailures.forEach(e::addSuppressed);
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean isCancelled() {
        return cancellationCause != null;
    }

    public Optional<Throwable> cancellationCause() {
        return Optional.ofNullable(cancellationCause);
    }
}

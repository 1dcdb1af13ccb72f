package errgroupkatas.bounded;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Kata 05, part 1, with a planted mistake: the slots are a {@link Semaphore}, so a caller blocked
 * in {@code acquire()} sleeps through the group's cancellation until some task gives a permit back.
 */
public final class LimitedGroup {

    /** One piece of the group's work: it may throw anything, the group reports it. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final Object lock = new Object();
    private final Thread.Builder threads = Thread.ofVirtual().name("limited-group-task-", 1);
    private final List<Thread> started = new ArrayList<>();
    private final List<Throwable> laterFailures = new ArrayList<>();
    /** The free slots; null: no limit. */
    private volatile Semaphore slots;
    private volatile int limit = -1;
    private int active;
    private Throwable firstFailure;
    private volatile Throwable cancellationCause;

    public void setLimit(int n) {
        synchronized (lock) {
            if (active > 0) {
                throw new IllegalStateException("cannot change the limit to " + n + " while " + active
                        + " task(s) of the group are still active");
            }
            slots = n < 0 ? null : new Semaphore(n);
            limit = n;
        }
    }

    public void go(Task task) throws InterruptedException {
        Objects.requireNonNull(task, "task");
        Semaphore s = slots;
        if (s != null) {
            if (limit == 0) {
                throw new IllegalStateException("the limit is 0, so go() would wait for a slot forever");
            }
            try {
                s.acquire(); // wakes up only when a permit is released
            } catch (InterruptedException e) {
                cancel(e);
                throw e;
            }
        }
        admit(task, s);
    }

    public boolean tryGo(Task task) {
        Objects.requireNonNull(task, "task");
        Semaphore s = slots;
        if (s != null && !s.tryAcquire()) {
            return false;
        }
        return admit(task, s);
    }

    /** Starts the task with the permit already taken, unless the group is cancelled. */
    private boolean admit(Task task, Semaphore s) {
        synchronized (lock) {
            if (cancellationCause != null) {
                if (s != null) {
                    s.release();
                }
                return false;
            }
            active++;
            started.add(threads.start(() -> run(task, s)));
            return true;
        }
    }

    private void run(Task task, Semaphore s) {
        try {
            task.run();
        } catch (Throwable t) {
            failed(t);
        } finally {
            synchronized (lock) {
                active--;
            }
            if (s != null) {
                s.release();
            }
        }
    }

    private void failed(Throwable t) {
        synchronized (lock) {
            if (t instanceof InterruptedException && cancellationCause != null) {
                return;
            }
            if (firstFailure == null) {
                firstFailure = t;
                cancel(t);
            } else {
                laterFailures.add(t);
            }
        }
    }

    private void cancel(Throwable cause) {
        synchronized (lock) {
            if (cancellationCause != null) {
                return;
            }
            cancellationCause = cause;
            for (Thread t : started) {
                t.interrupt();
            }
        }
    }

    public void await() throws ExecutionException, InterruptedException {
        InterruptedException interrupted = null;
        int joined = 0;
        while (true) {
            Thread next;
            synchronized (lock) {
                if (joined == started.size()) {
                    break;
                }
                next = started.get(joined);
            }
            try {
                next.join();
                joined++;
            } catch (InterruptedException e) {
                interrupted = e;
                cancel(e);
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
        synchronized (lock) {
            if (firstFailure != null) {
                ExecutionException e = new ExecutionException("a task of the group failed: " + firstFailure,
                        firstFailure);
                laterFailures.forEach(e::addSuppressed);
                throw e;
            }
        }
    }

    public boolean isCancelled() {
        return cancellationCause != null;
    }

    public Optional<Throwable> cancellationCause() {
        return Optional.ofNullable(cancellationCause);
    }
}

package errgroupkatas.bounded;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Kata 05, part 1: an error group with a limit, the Java twin of Go's {@code errgroup.Group} with
 * {@code SetLimit(n)} and {@code TryGo}.
 *
 * <p>Each task runs on a virtual thread of its own, but never more than {@code limit} tasks are
 * active at once: {@link #go} blocks its caller until a slot is free, {@link #tryGo} starts the
 * task only if a slot is free right now. A task is <em>active</em> from the moment {@code go} or
 * {@code tryGo} admits it until it has returned or thrown; its slot is given back either way.
 *
 * <p>Fail fast: the first task that throws cancels the group. The other running tasks are
 * interrupted, callers waiting in {@code go} return without starting their task, and no task starts
 * any more. {@link #await()} reports that first failure.
 *
 * <pre>{@code
 * var group = new LimitedGroup();
 * group.setLimit(4);                                // at most 4 lookups at once
 * for (long id : ids) {
 *     group.go(() -> results.put(id, profiles.profile(id)));   // blocks while 4 are active
 * }
 * group.await();                                    // throws ExecutionException on the first failure
 * }</pre>
 *
 * <p>A group is for one batch of work: set the limit, start the tasks, await them.
 */
public final class LimitedGroup {

    /** One piece of the group's work: it may throw anything, the group reports it. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a slot is freed or the group is cancelled. */
    private final Condition changed = lock.newCondition();
    private final Thread.Builder threads = Thread.ofVirtual().name("limited-group-task-", 1);
    private final List<Thread> started = new ArrayList<>();
    private final List<Throwable> laterFailures = new ArrayList<>();
    /** No limit is a limit that no count of active tasks ever reaches. */
    private int limit = Integer.MAX_VALUE;
    private int active;
    private Throwable firstFailure;
    private volatile Throwable cancellationCause;

    /**
     * Limits the number of active tasks to {@code n}; a negative {@code n} removes the limit (the
     * default), and {@code 0} admits no task at all.
     *
     * @throws IllegalStateException tasks of the group are active: the limit can only change while
     *                               none is (Go panics here, but only if a limit was already set;
     *                               this group always checks)
     */
    public void setLimit(int n) {
        lock.lock();
        try {
            if (active > 0) {
                throw new IllegalStateException("cannot change the limit to " + n + " while " + active
                        + " task(s) of the group are still active: set the limit before the first go()");
            }
            limit = n < 0 ? Integer.MAX_VALUE : n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code task} on a new virtual thread, first blocking the caller until fewer than
     * {@code limit} tasks are active. If the group is cancelled (before or while the caller waits),
     * returns at once without starting the task: the failure is {@link #await()}'s to report.
     *
     * @throws IllegalStateException the limit is 0: no slot would ever be free
     * @throws InterruptedException  the caller was interrupted while it waited for a slot; the task
     *                               is not started and the group is cancelled (call {@code await()}
     *                               still, to wait for the running tasks)
     */
    public void go(Task task) throws InterruptedException {
        Objects.requireNonNull(task, "task");
        lock.lock();
        try {
            if (limit == 0) {
                throw new IllegalStateException("the limit is 0, so go() would wait for a slot forever;"
                        + " set a positive limit, or use tryGo()");
            }
            while (cancellationCause == null && active >= limit) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    cancel(e);
                    throw e;
                }
            }
            if (cancellationCause == null) {
                start(task);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts {@code task} on a new virtual thread only if a slot is free now, and says whether it
     * did. Never blocks. Returns false, starting nothing, when {@code limit} tasks are active, when
     * the limit is 0, or when the group is cancelled.
     */
    public boolean tryGo(Task task) {
        Objects.requireNonNull(task, "task");
        lock.lock();
        try {
            boolean admitted = cancellationCause == null && active < limit;
            if (admitted) {
                start(task);
            }
            return admitted;
        } finally {
            lock.unlock();
        }
    }

    /** Takes a slot and starts the task's thread; the caller holds the lock. */
    private void start(Task task) {
        active++;
        started.add(threads.start(() -> run(task)));
    }

    private void run(Task task) {
        try {
            Stall.stall(); // ALTERNATIVE: a task thread slow to start its task
            task.run();
            Stall.stall(); // ALTERNATIVE: and slow to say it ended
        } catch (Throwable t) {
            Stall.stall(); // ALTERNATIVE: or slow to report its failure
            failed(t);
        } finally {
            release();
        }
    }

    /** Gives the task's slot back, and tells the callers waiting in go(). */
    private void release() {
        lock.lock();
        try {
            active--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void failed(Throwable t) {
        lock.lock();
        try {
            if (t instanceof InterruptedException && cancellationCause != null) {
                return; // our own cancellation, not a failure
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

    /**
     * Cancels once: interrupts the running tasks (a failing task's own thread too: it is ending)
     * and wakes the callers waiting in go(). Takes the lock, which go() and failed() already hold.
     */
    private void cancel(Throwable cause) {
        lock.lock();
        try {
            if (cancellationCause != null) {
                return;
            }
            cancellationCause = cause;
            for (Thread t : started) {
                t.interrupt();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every started task has ended (their threads too), then returns normally if none
     * failed.
     *
     * @throws ExecutionException   a task failed: {@code getCause()} is the very first failure,
     *                              later failures are attached as suppressed; the interrupts the
     *                              group's own cancellation caused are not reported
     * @throws InterruptedException the awaiting thread was interrupted: the group is cancelled, its
     *                              tasks are waited for, then this is thrown
     */
    public void await() throws ExecutionException, InterruptedException {
        InterruptedException interrupted = null;
        int joined = 0;
        for (Thread next; (next = startedThread(joined)) != null; ) {
            try {
                next.join();
                joined++;
            } catch (InterruptedException e) {
                interrupted = e; // thrown once every thread has ended
                cancel(e);
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

    /**
     * The {@code i}th thread the group started, or null if it started fewer: a caller waiting in
     * go() may still start one while await() joins the first ones.
     */
    private Thread startedThread(int i) {
        lock.lock();
        try {
            return i < started.size() ? started.get(i) : null;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the group was cancelled: a task failed, or a waiting caller was interrupted. */
    public boolean isCancelled() {
        return cancellationCause != null;
    }

    /** Why the group was cancelled: the first failure (or the interrupt); empty while it is not. */
    public Optional<Throwable> cancellationCause() {
        return Optional.ofNullable(cancellationCause);
    }
}

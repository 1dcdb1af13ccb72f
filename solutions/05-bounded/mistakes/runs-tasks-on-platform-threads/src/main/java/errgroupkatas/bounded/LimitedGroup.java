package errgroupkatas.bounded;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * any more. {@link #await()} reports that first failure. A group that lost work never reports
 * success: once it is cancelled (by a failure, or by the interrupt of a caller waiting in
 * {@code go} or of an earlier {@code await()}), every {@code await()} that is not itself interrupted
 * throws an {@link ExecutionException} whose cause is {@link #cancellationCause()}.
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
 * <p>A group is reusable, like Go's zero {@code Group} with {@code SetLimit}: a successful
 * {@code await()} does not cancel it (unlike kata 03's {@code ErrGroup}, which is Go's
 * {@code WithContext}), so the next batch may follow (change the limit, {@code go}, {@code tryGo},
 * {@code await()} again). A cancelled group stays cancelled. The group forgets a task's thread once
 * it has ended: however many tasks and batches it runs, it holds on to about as many threads as
 * are running.
 */
public final class LimitedGroup {

    /** One piece of the group's work: it may throw anything, the group reports it. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    /** start() looks for ended threads to forget once it holds this many (then twice as many as it kept). */
    private static final int FORGET_AT_LEAST = 64;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a slot is freed or the group is cancelled. */
    private final Condition changed = lock.newCondition();
    private final Thread.Builder threads = Thread.ofPlatform().daemon().name("limited-group-task-", 1); // MISTAKE
    /** The threads that may still run: start() forgets those that have ended, await() those it joined. */
    private final Set<Thread> started = new LinkedHashSet<>();
    /** Every real failure, the first first; the ones that are not the cause are await()'s suppressed. */
    private final List<Throwable> failures = new ArrayList<>();
    /** No limit is a limit that no count of active tasks ever reaches. */
    private int limit = Integer.MAX_VALUE;
    private int active;
    private int forgetAt = FORGET_AT_LEAST;
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
     * returns at once without starting the task: {@link #await()} reports what cancelled the group.
     * A task may call {@code go} on its own group; {@code await()} waits for those tasks too (at
     * the limit it blocks like any caller, until a sibling frees a slot).
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
        if (started.size() >= forgetAt) {
            started.removeIf(t -> !t.isAlive()); // ended for good: a started thread is alive until it ends
            forgetAt = Math.max(FORGET_AT_LEAST, started.size() + started.size());
        }
        active++;
        started.add(threads.start(() -> run(task)));
    }

    private void run(Task task) {
        try {
            task.run();
        } catch (Throwable t) {
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
            failures.add(t);
            cancel(t);
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
     * Waits until every started task has ended (their threads too), then returns normally if the
     * group is not cancelled: every task ran and returned normally. Does not cancel the group: the
     * next batch may follow.
     *
     * @throws ExecutionException   the group is cancelled: {@code getCause()} is
     *                              {@link #cancellationCause()}, the very object (the first
     *                              failure, or the interrupt that cancelled the group); every other
     *                              real failure is attached as suppressed; the interrupts the
     *                              group's own cancellation caused are not reported
     * @throws InterruptedException this awaiting thread was interrupted: the group is cancelled
     *                              (unless it already was), its tasks are waited for, then the first
     *                              interrupt is thrown. The interrupt stays with this call: a later
     *                              {@code await()} reports the group's cause.
     */
    public void await() throws ExecutionException, InterruptedException {
        InterruptedException interrupted = null;
        for (Thread next; (next = oldestStarted()) != null; ) {
            try {
                next.join();
                forget(next);
            } catch (InterruptedException e) {
                if (interrupted == null) {
                    interrupted = e; // this call's, thrown once every thread has ended
                    cancel(e);
                }
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
        lock.lock();
        try {
            Throwable cause = cancellationCause;
            if (cause != null) {
                ExecutionException e = new ExecutionException("the group did not succeed: " + cause, cause);
                failures.stream().filter(f -> f != cause).forEach(e::addSuppressed);
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The oldest thread the group started and await() has not joined yet, or null: a caller waiting
     * in go() (or a task) may still start one while await() joins the others.
     */
    private Thread oldestStarted() {
        lock.lock();
        try {
            Iterator<Thread> oldest = started.iterator();
            return oldest.hasNext() ? oldest.next() : null;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a thread await() joined: it has ended. */
    private void forget(Thread ended) {
        lock.lock();
        try {
            started.remove(ended);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the group was cancelled: a task failed, or a caller waiting in {@code go} or in
     * {@code await()} was interrupted. Once cancelled, always cancelled; a successful
     * {@code await()} leaves it false.
     */
    public boolean isCancelled() {
        return cancellationCause != null;
    }

    /**
     * Why the group was cancelled: what cancelled it first (the first failure, or the interrupt of a
     * caller waiting in {@code go} or in {@code await()}), and never changes after; empty while it
     * is not cancelled. A successful {@code await()} does not cancel the group.
     */
    public Optional<Throwable> cancellationCause() {
        return Optional.ofNullable(cancellationCause);
    }
}

package errgroupkatas.bounded;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Kata 05, part 2: an error group that runs its tasks on a fixed pool of worker threads, the Java
 * twin of kratos' {@code errgroup} with {@code GOMAXPROCS(n)}.
 *
 * <p>{@link #go} never blocks: it puts the task in the group's queue. At most {@code workers}
 * threads of the group's own take tasks from the queue, one at a time each, for the group's whole
 * life: 10 000 tasks run on those few threads, never on a thread per task and never on the caller.
 * The workers are started as tasks arrive and end in {@link #await()}, which drains the queue. A
 * worker starts each task with its interrupt status clear, as the JDK's {@code ThreadPoolExecutor}
 * does: a task that returns with its own interrupt set does not disturb the next one.
 *
 * <p>Fail fast: the first task that throws cancels the group. The other running tasks are
 * interrupted, the queued tasks are dropped (they never start), and {@link #await()} reports the
 * first failure. A group that lost work never reports success: once it is cancelled (by a failure
 * or by the interrupt of an earlier {@code await()}), every {@code await()} that is not itself
 * interrupted throws an {@link ExecutionException} whose cause is {@link #cancellationCause()}.
 *
 * <pre>{@code
 * var group = new WorkerPoolGroup(8);             // 8 lookups at a time, on 8 threads
 * for (long id : ids) {
 *     group.go(() -> results.put(id, profiles.profile(id)));   // queues, never blocks
 * }
 * group.await();                                  // runs the queue dry, then joins the workers
 * }</pre>
 *
 * <p>A group is for one batch of work, and {@code await()} must always be called: it is what ends
 * the workers. The batch ends when {@code await()} has been called, the queue is empty and no task
 * is running; until then anyone may {@code go}, a running task too (its task is queued and
 * {@code await()} waits for it, whether the owner is already inside {@code await()} or not), and
 * after it {@code go} throws. A successful {@code await()} does not cancel the group: it has
 * finished. The group holds at most {@code workers} threads for its whole life.
 */
public final class WorkerPoolGroup {

    /** One piece of the group's work: it may throw anything, the group reports it. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final int workers;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a task is queued, and when the batch may have ended (await() was called, a task ended). */
    private final Condition work = lock.newCondition();
    private final Thread.Builder threads;
    private final Queue<Task> queue = new ArrayDeque<>();
    /** The workers, at most {@code workers}; they end only when the batch has ended. */
    private final List<Thread> started = new ArrayList<>();
    /** Every real failure, the first first; the ones that are not the cause are await()'s suppressed. */
    private final List<Throwable> failures = new ArrayList<>();
    /** await() was called: once the queue is empty and no task runs, the batch has ended. */
    private boolean closed;
    /** Tasks a worker has taken from the queue and not yet finished. */
    private int running;
    private volatile Throwable cancellationCause;

    /**
     * A group that runs at most {@code workers} tasks at once, on at most {@code workers} threads.
     *
     * @throws IllegalArgumentException {@code workers} is 0 or negative
     */
    public WorkerPoolGroup(int workers) {
        if (workers <= 0) {
            throw new IllegalArgumentException("a worker pool needs at least 1 worker, but got " + workers);
        }
        this.workers = workers;
        this.threads = Thread.ofVirtual().name("worker-pool-" + workers + "-worker-", 1);
        lock.lock();
        try {
            for (int i = 0; i < workers; i++) {
                started.add(threads.start(this::work)); // MISTAKE: all n workers, before any task
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code task}; never blocks. A free worker (or a new one, while fewer than
     * {@code workers} exist) will run it; tasks start in the order they were queued. If the group
     * is cancelled, the task is dropped, and {@link #await()} reports what cancelled the group. A
     * task may call {@code go} on its own group, before or after the owner entered {@code await()}:
     * its task is queued and awaited like any other.
     *
     * @throws IllegalStateException the batch has ended: {@link #await()} was called, the queue is
     *                               empty and no task runs (so no worker is left to run the task)
     */
    public void go(Task task) {
        Objects.requireNonNull(task, "task");
        lock.lock();
        try {
            if (ended()) {
                throw new IllegalStateException("go() after await() has drained the queue: a group runs one batch"
                        + " of tasks, and its workers have ended");
            }
            if (cancellationCause != null) {
                return;
            }
            queue.add(task);
            if (started.size() < workers) {
                started.add(threads.start(this::work));
            } else {
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether the batch has ended: no task is queued or running, and none will come. The caller holds the lock. */
    private boolean ended() {
        return closed && queue.isEmpty() && running == 0;
    }

    /** A worker's life: take the next task and run it, until the batch has ended. */
    private void work() {
        while (true) {
            Task task;
            lock.lock();
            try {
                // What interrupted the last task (itself, or the cancellation, which has dropped the queue)
                // is not the next task's business; cleared under the lock, so a later cancel() is never lost.
                Thread.interrupted();
                while (queue.isEmpty() && !ended()) {
                    try {
                        work.await();
                    } catch (InterruptedException e) {
                        // the group's cancellation, which has dropped the queue: wait for the batch to end
                    }
                }
                task = queue.poll();
                if (task == null) {
                    return; // the batch has ended: await() is joining us
                }
                running++;
            } finally {
                lock.unlock();
            }
            run(task);
            lock.lock();
            try {
                running--;
                if (ended()) {
                    work.signalAll(); // the idle workers may leave too
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void run(Task task) {
        try {
            task.run();
        } catch (Throwable t) {
            failed(t);
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
     * Cancels once: drops the queue (its tasks never start) and interrupts the workers (a failing
     * task's own worker too: it finds the queue empty). Takes the lock, which failed() already holds.
     */
    private void cancel(Throwable cause) {
        lock.lock();
        try {
            if (cancellationCause != null) {
                return;
            }
            cancellationCause = cause;
            queue.clear();
            for (Thread t : started) {
                t.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs the queue dry (tasks that running tasks add included), waits until every task has ended,
     * ends the workers (their threads have ended when it returns), then returns normally if the group
     * is not cancelled: every task ran and returned normally. Does not cancel the group.
     *
     * @throws ExecutionException   the group is cancelled: {@code getCause()} is
     *                              {@link #cancellationCause()}, the very object (the first
     *                              failure, or the interrupt of an earlier {@code await()}); every
     *                              other real failure is attached as suppressed; the interrupts the
     *                              group's own cancellation caused are not reported
     * @throws InterruptedException this awaiting thread was interrupted: the group is cancelled
     *                              (unless it already was; the queue is dropped), its running tasks
     *                              are waited for, then the first interrupt is thrown. The interrupt
     *                              stays with this call: a later {@code await()} reports the
     *                              group's cause.
     */
    public void await() throws ExecutionException, InterruptedException {
        lock.lock();
        try {
            closed = true; // no task comes from outside any more: once the queue is empty and no task runs, workers end
            work.signalAll();
        } finally {
            lock.unlock();
        }
        InterruptedException interrupted = null;
        int joined = 0;
        for (Thread next; (next = worker(joined)) != null; ) {
            try {
                next.join();
                joined++;
            } catch (InterruptedException e) {
                if (interrupted == null) {
                    interrupted = e; // this call's, thrown once every worker has ended
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

    /** The {@code i}th worker, or null if there are fewer: a running task's go() may start one while await() joins. */
    private Thread worker(int i) {
        lock.lock();
        try {
            return i < started.size() ? started.get(i) : null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the group was cancelled: a task failed, or the awaiting thread was interrupted. Once
     * cancelled, always cancelled; a successful {@code await()} leaves it false.
     */
    public boolean isCancelled() {
        return cancellationCause != null;
    }

    /**
     * Why the group was cancelled: what cancelled it first (the first failure, or the interrupt of
     * the awaiting thread), and never changes after; empty while it is not cancelled.
     */
    public Optional<Throwable> cancellationCause() {
        return Optional.ofNullable(cancellationCause);
    }
}

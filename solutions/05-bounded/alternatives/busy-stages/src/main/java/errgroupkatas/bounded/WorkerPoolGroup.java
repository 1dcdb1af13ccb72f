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
 * The workers are started as tasks arrive and end in {@link #await()}, which drains the queue.
 *
 * <p>Fail fast: the first task that throws cancels the group. The other running tasks are
 * interrupted, the queued tasks are dropped (they never start), and {@link #await()} reports the
 * first failure.
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
 * the workers.
 */
public final class WorkerPoolGroup {

    /** One piece of the group's work: it may throw anything, the group reports it. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final int workers;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a task is queued, and when await() closes the queue. */
    private final Condition work = lock.newCondition();
    private final Thread.Builder threads;
    private final Queue<Task> queue = new ArrayDeque<>();
    private final List<Thread> started = new ArrayList<>();
    private final List<Throwable> laterFailures = new ArrayList<>();
    private boolean closed;
    private Throwable firstFailure;
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
    }

    /**
     * Queues {@code task}; never blocks. A free worker (or a new one, while fewer than
     * {@code workers} exist) will run it; tasks start in the order they were queued. If the group
     * is cancelled, the task is dropped.
     *
     * @throws IllegalStateException {@link #await()} was already called
     */
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

    /** A worker's life: take the next task and run it, until the queue is closed and empty. */
    private void work() {
        while (true) {
            Task task;
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    try {
                        work.await();
                    } catch (InterruptedException e) {
                        // the group's cancellation, which has dropped the queue: wait for await() to close it
                    }
                }
                task = queue.poll();
            } finally {
                lock.unlock();
            }
            if (task == null) {
                return; // closed and empty: await() is joining us
            }
            run(task);
        }
    }

    private void run(Task task) {
        try {
            Stall.stall(); // ALTERNATIVE: a worker slow to start the task it took
            task.run();
            Stall.stall(); // ALTERNATIVE: and slow to take the next one
        } catch (Throwable t) {
            Stall.stall(); // ALTERNATIVE: or slow to report its failure
            failed(t);
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
     * Runs the queue dry, waits until every task has ended, ends the workers (their threads have
     * ended when it returns), then returns normally if no task failed.
     *
     * @throws ExecutionException   a task failed: {@code getCause()} is the very first failure,
     *                              later failures are attached as suppressed; the interrupts the
     *                              group's own cancellation caused are not reported
     * @throws InterruptedException the awaiting thread was interrupted: the group is cancelled (the
     *                              queue is dropped), its running tasks are waited for, then this
     *                              is thrown
     */
    public void await() throws ExecutionException, InterruptedException {
        List<Thread> toJoin;
        lock.lock();
        try {
            closed = true; // no task comes any more: a worker that finds the queue empty ends
            work.signalAll();
            toJoin = List.copyOf(started);
        } finally {
            lock.unlock();
        }
        InterruptedException interrupted = null;
        for (int joined = 0; joined < toJoin.size(); ) {
            try {
                toJoin.get(joined).join();
                joined++;
            } catch (InterruptedException e) {
                interrupted = e; // thrown once every worker has ended
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

    /** Whether the group was cancelled: a task failed, or the awaiting thread was interrupted. */
    public boolean isCancelled() {
        return cancellationCause != null;
    }

    /** Why the group was cancelled: the first failure (or the interrupt); empty while it is not. */
    public Optional<Throwable> cancellationCause() {
        return Optional.ofNullable(cancellationCause);
    }
}

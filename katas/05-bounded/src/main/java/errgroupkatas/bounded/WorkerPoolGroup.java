package errgroupkatas.bounded;

import java.util.Optional;
import java.util.concurrent.ExecutionException;

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

    /**
     * A group that runs at most {@code workers} tasks at once, on at most {@code workers} threads.
     *
     * @throws IllegalArgumentException {@code workers} is 0 or negative
     */
    public WorkerPoolGroup(int workers) {
        // TODO kata 05-bounded: reject a pool without workers
        this.workers = workers;
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
        throw new UnsupportedOperationException(
                "TODO kata 05-bounded: implement WorkerPoolGroup.go (see katas/05-bounded/README.md)");
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
        throw new UnsupportedOperationException(
                "TODO kata 05-bounded: implement WorkerPoolGroup.await (see katas/05-bounded/README.md)");
    }

    /**
     * Whether the group was cancelled: a task failed, or the awaiting thread was interrupted. Once
     * cancelled, always cancelled; a successful {@code await()} leaves it false.
     */
    public boolean isCancelled() {
        throw new UnsupportedOperationException(
                "TODO kata 05-bounded: implement WorkerPoolGroup.isCancelled (see katas/05-bounded/README.md)");
    }

    /**
     * Why the group was cancelled: what cancelled it first (the first failure, or the interrupt of
     * the awaiting thread), and never changes after; empty while it is not cancelled.
     */
    public Optional<Throwable> cancellationCause() {
        throw new UnsupportedOperationException(
                "TODO kata 05-bounded: implement WorkerPoolGroup.cancellationCause (see katas/05-bounded/README.md)");
    }
}

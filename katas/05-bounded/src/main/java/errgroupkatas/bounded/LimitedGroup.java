package errgroupkatas.bounded;

import java.util.Optional;
import java.util.concurrent.ExecutionException;

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
 * {@code await()} does not cancel it, so the next batch may follow (change the limit, {@code go},
 * {@code tryGo}, {@code await()} again). A cancelled group stays cancelled. The group forgets a
 * task's thread once it has ended: however many tasks and batches it runs, it holds on to about as
 * many threads as are running.
 *
 * <p>If you solved kata 03, you may start from a copy of your own {@code ErrGroup}, but kata 03's
 * group is Go's {@code WithContext}: it is cancelled when {@code await()} returns, and this one
 * must not be (see the kata's README).
 */
public final class LimitedGroup {

    /** One piece of the group's work: it may throw anything, the group reports it. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    /**
     * Limits the number of active tasks to {@code n}; a negative {@code n} removes the limit (the
     * default), and {@code 0} admits no task at all.
     *
     * @throws IllegalStateException tasks of the group are active: the limit can only change while
     *                               none is (Go panics here, but only if a limit was already set;
     *                               this group always checks). The message says how many are active.
     */
    public void setLimit(int n) {
        throw new UnsupportedOperationException(
                "TODO kata 05-bounded: implement LimitedGroup.setLimit (see katas/05-bounded/README.md)");
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
        throw new UnsupportedOperationException(
                "TODO kata 05-bounded: implement LimitedGroup.go (see katas/05-bounded/README.md)");
    }

    /**
     * Starts {@code task} on a new virtual thread only if a slot is free now, and says whether it
     * did. Never blocks. Returns false, starting nothing, when {@code limit} tasks are active, when
     * the limit is 0, or when the group is cancelled.
     */
    public boolean tryGo(Task task) {
        throw new UnsupportedOperationException(
                "TODO kata 05-bounded: implement LimitedGroup.tryGo (see katas/05-bounded/README.md)");
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
        throw new UnsupportedOperationException(
                "TODO kata 05-bounded: implement LimitedGroup.await (see katas/05-bounded/README.md)");
    }

    /**
     * Whether the group was cancelled: a task failed, or a caller waiting in {@code go} or in
     * {@code await()} was interrupted. Once cancelled, always cancelled; a successful
     * {@code await()} leaves it false.
     */
    public boolean isCancelled() {
        throw new UnsupportedOperationException(
                "TODO kata 05-bounded: implement LimitedGroup.isCancelled (see katas/05-bounded/README.md)");
    }

    /**
     * Why the group was cancelled: what cancelled it first (the first failure, or the interrupt of a
     * caller waiting in {@code go} or in {@code await()}), and never changes after; empty while it
     * is not cancelled. A successful {@code await()} does not cancel the group.
     */
    public Optional<Throwable> cancellationCause() {
        throw new UnsupportedOperationException(
                "TODO kata 05-bounded: implement LimitedGroup.cancellationCause (see katas/05-bounded/README.md)");
    }
}

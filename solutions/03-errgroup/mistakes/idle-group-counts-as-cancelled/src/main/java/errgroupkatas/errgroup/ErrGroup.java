package errgroupkatas.errgroup;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * Kata 03, part A: a group of tasks that succeed or fail together, the Java twin of Go's
 * {@code errgroup.WithContext}.
 *
 * <p>{@link #go} starts each task on a new virtual thread. The first task to fail cancels the
 * group: the group remembers that failure as its cause and interrupts every other task still
 * running (the Java twin of closing {@code ctx.Done()}). {@link #await()} blocks until every task
 * has returned and its thread has ended, then reports the first failure.
 *
 * <pre>{@code
 * var group = new ErrGroup();
 * group.go(() -> profiles.profile(1001));
 * group.go(() -> profiles.profile(1002));   // if this one fails, the other one is interrupted
 * group.await();                             // ExecutionException whose cause is that failure
 * }</pre>
 *
 * <ul>
 *   <li><b>Failures.</b> Anything a task throws is a failure: a checked exception, a
 *       {@link RuntimeException} or an {@link Error} (Go's "panic" case). The first one (first in
 *       time, not in the order of {@code go}) is
 *       {@link #await()}'s {@link ExecutionException#getCause() cause}, the very object the task
 *       threw; later real failures are attached to that {@code ExecutionException} as
 *       {@link Throwable#getSuppressed() suppressed}. The {@link InterruptedException}s that the
 *       group's own cancellation causes are not failures: they are never reported.</li>
 *   <li><b>Cancellation.</b> {@link #isCancelled()} and {@link #cancellationCause()} tell a task
 *       whether, and why, the group was cancelled (Go's {@code ctx.Done()} and
 *       {@code context.Cause(ctx)}). The cause is what cancelled the group first, and never
 *       changes.</li>
 *   <li><b>A group that lost work never reports success.</b> Once the group is cancelled by a
 *       failure or an interrupt, or has dropped a task given to {@code go}, every {@code await()}
 *       that is not itself interrupted throws an {@link ExecutionException} whose cause is
 *       {@link #cancellationCause()}.</li>
 *   <li><b>Parent cancellation.</b> If the thread in {@link #await()} is interrupted, the group is
 *       cancelled (its cause is that {@code InterruptedException}, unless a failure cancelled it
 *       first), every task is interrupted, and once they have all ended that {@code await()}
 *       throws that {@link InterruptedException}. A further interrupt meanwhile changes nothing:
 *       it still waits for every task, and still throws the first one. The interrupt stays with
 *       that call: a later {@code await()} that nobody interrupts reports the group's cause as
 *       an {@code ExecutionException}.</li>
 *   <li><b>After {@code await()}.</b> Like Go's context after {@code Wait}, the group is then
 *       cancelled: after a success its cause is a {@link CancellationException}
 *       {@code "group finished"}.</li>
 *   <li><b>{@code go} on a cancelled group does not start the task.</b> Go still starts the
 *       function and relies on it to check {@code ctx.Done()} first; a Java task that does some
 *       work before its first blocking call would run to the end of that work instead. A group that
 *       has already failed (or finished) has no use for more work, so it drops the task:
 *       {@link #await()} reports what cancelled the group, also {@code "group finished"}.</li>
 *   <li><b>Threads.</b> The group forgets a task's thread once it has ended: a group that runs
 *       100 000 short tasks before its {@code await()} holds on to about as many threads as are
 *       running, not to 100 000.</li>
 * </ul>
 *
 * <p>Groups nest: a task may make a group of its own and await it; cancelling the outer group
 * interrupts that task in its {@code await()}, which cancels the inner group. A task may call
 * {@code go} on its own group too.
 *
 * <p>Thread-safe: tasks and other threads may call any method at the same time, and only
 * {@code await()} ever waits for a task. {@code await()} may be called again, also by two threads
 * at once: each call waits for every task and reports the same (after a success, a later call
 * returns normally again). It interrupts the tasks, never its caller: it never sets the caller's
 * interrupt status, and leaves it clear when it throws {@link InterruptedException}.
 */
public final class ErrGroup {

    /** A unit of work; may throw anything. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    /** go() looks for ended threads to forget once it holds this many (and then twice as many as it kept). */
    private static final int FORGET_AT_LEAST = 64;

    private final Object lock = new Object();
    private final Thread.Builder builder = Thread.ofVirtual().name("errgroup-task-", 1);
    /** The threads that may still run: go() forgets those that have ended, await() those it joined. */
    private final Set<Thread> threads = new LinkedHashSet<>();
    /** Every real failure, the first first; the ones after the cause are await()'s suppressed. */
    private final List<Throwable> failures = new ArrayList<>();
    private int forgetAt = FORGET_AT_LEAST;
    private Throwable cause;
    /** The cause is await()'s "group finished", not a failure or an interrupt. */
    private boolean finished;
    /** go() dropped a task because the group was cancelled. */
    private boolean dropped;

    public ErrGroup() {
    }

    /**
     * Starts {@code task} on a new virtual thread, unless the group is already cancelled: then the
     * task is dropped, never started, and {@link #await()} reports what cancelled the group.
     */
    public void go(Task task) {
        Objects.requireNonNull(task, "task");
        synchronized (lock) {
            if (cause != null) {
                dropped = true;
                return;
            }
            if (threads.size() >= forgetAt) {
                threads.removeIf(t -> !t.isAlive()); // ended for good: a started thread is alive until it ends
                forgetAt = Math.max(FORGET_AT_LEAST, threads.size() + threads.size());
            }
            // Started under the lock, so cancel() either sees this thread or ran before us.
            threads.add(builder.start(() -> run(task)));
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
        synchronized (lock) {
            if (t instanceof InterruptedException && cause != null) {
                return; // the group's own cancellation did that: not a failure
            }
            failures.add(t);
            cancel(t);
        }
    }

    /** Cancels the group with {@code why}, unless it is already cancelled: interrupts every task. */
    private void cancel(Throwable why) {
        synchronized (lock) {
            if (cause != null) {
                return;
            }
            cause = why;
            for (Thread t : threads) {
                t.interrupt();
            }
        }
    }

    /**
     * Blocks until every task has returned and its thread has ended, then reports the first
     * failure, or what else cancelled the group. Returns normally only if every task given to
     * {@link #go} ran and returned normally, and no failure or interrupt cancelled the group (also
     * again after an earlier {@code await()} returned normally).
     *
     * @throws ExecutionException   the group lost work: its cause is {@link #cancellationCause()},
     *                              the very object (the first failure; or the interrupt that
     *                              cancelled the group; or {@code "group finished"} if {@code go}
     *                              dropped a task after an earlier {@code await()}); every other
     *                              real failure is suppressed on this exception
     * @throws InterruptedException this awaiting thread was interrupted: the group was cancelled
     *                              (with this very exception as its cause, unless something
     *                              cancelled it before) and every task has ended; thrown is the
     *                              first interrupt, if the thread was interrupted again while it
     *                              waited. A later {@code await()} reports the group's cause.
     */
    public void await() throws ExecutionException, InterruptedException {
        InterruptedException interrupted = null;
        while (true) {
            Thread next;
            synchronized (lock) {
                Iterator<Thread> oldest = threads.iterator();
                if (!oldest.hasNext()) {
                    break;
                }
                next = oldest.next();
            }
            try {
                next.join();
                synchronized (lock) {
                    threads.remove(next);
                }
            } catch (InterruptedException e) {
                if (interrupted == null) {
                    interrupted = e; // this call's, thrown once every task has ended
                    cancel(e);
                }
            }
        }
        synchronized (lock) {
            if (cause == null) {
                cancel(new CancellationException("group finished"));
                finished = true;
            }
            if (interrupted != null) {
                throw interrupted;
            }
            if (!finished || dropped) {
                ExecutionException e = new ExecutionException("the group did not succeed: " + cause, cause);
                failures.stream().filter(f -> f != cause).forEach(e::addSuppressed);
                throw e;
            }
        }
    }

    /** Whether the group is cancelled: a task failed, the awaiting thread was interrupted, or it finished. */
    public boolean isCancelled() {
        synchronized (lock) {
            return cause != null || threads.isEmpty(); // MISTAKE: "nothing runs, so the group is done"
        }
    }

    /**
     * Why the group is cancelled: what cancelled it first, and never changes after: the first
     * failure; or the {@link InterruptedException} of the awaiting thread; or, after
     * {@link #await()} returned normally, a {@link CancellationException} {@code "group finished"}.
     * Empty while the group is not cancelled.
     */
    public Optional<Throwable> cancellationCause() {
        synchronized (lock) {
            return Optional.ofNullable(cause);
        }
    }
}

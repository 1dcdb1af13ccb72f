package errgroupkatas.errgroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 *       {@link RuntimeException} or an {@link Error} (Go's "panic" case). The first one is
 *       {@link #await()}'s {@link ExecutionException#getCause() cause}, the very object the task
 *       threw; later real failures are attached to that {@code ExecutionException} as
 *       {@link Throwable#getSuppressed() suppressed}. The {@link InterruptedException}s that the
 *       group's own cancellation causes are not failures: they are never reported.</li>
 *   <li><b>Cancellation.</b> {@link #isCancelled()} and {@link #cancellationCause()} tell a task
 *       whether, and why, the group was cancelled (Go's {@code ctx.Done()} and
 *       {@code context.Cause(ctx)}).</li>
 *   <li><b>Parent cancellation.</b> If the thread in {@link #await()} is interrupted, the group is
 *       cancelled (its cause is that {@code InterruptedException}), every task is interrupted, and
 *       once they have all ended {@code await()} throws that {@link InterruptedException}. A
 *       further interrupt meanwhile changes nothing: it still waits for every task, and still
 *       throws the first one.</li>
 *   <li><b>After {@code await()}.</b> Like Go's context after {@code Wait}, the group is then
 *       cancelled: after a success its cause is a {@link CancellationException}
 *       {@code "group finished"}.</li>
 *   <li><b>{@code go} on a cancelled group does not start the task.</b> Go still starts the
 *       function and relies on it to check {@code ctx.Done()} first; a Java task that does some
 *       work before its first blocking call would run to the end of that work instead. A group that
 *       has already failed (or finished) has no use for more work, so it drops the task:
 *       {@link #await()} reports what cancelled the group.</li>
 * </ul>
 *
 * <p>Groups nest: a task may make a group of its own and await it; cancelling the outer group
 * interrupts that task in its {@code await()}, which cancels the inner group. A task may call
 * {@code go} on its own group too. Thread-safe.
 */
public final class ErrGroup {

    /** A unit of work; may throw anything. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final Object lock = new Object();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> laterFailures = new ArrayList<>();
    private Throwable firstFailure;
    private Throwable cause;
    private InterruptedException awaitInterrupted;

    public ErrGroup() {
    }

    /**
     * Starts {@code task} on a new virtual thread, unless the group is already cancelled: then the
     * task is dropped, never started.
     */
    public void go(Task task) {
        Objects.requireNonNull(task, "task");
        synchronized (lock) {
            if (cause != null) {
                return;
            }
            // Started under the lock, so cancel() either sees this thread or ran before us.
            threads.add(Thread.ofVirtual().name("errgroup-task-" + threads.size()).start(() -> run(task)));
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
            if (firstFailure == null) {
                firstFailure = t;
                cancel(t);
            } else {
                laterFailures.add(t);
            }
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
     * failure.
     *
     * @throws ExecutionException   a task failed: the cause is the first failure (the very
     *                              object), later failures are suppressed on this exception
     * @throws InterruptedException the awaiting thread was interrupted: the group was cancelled with
     *                              this very exception (the first interrupt, if there were more) and
     *                              every task has ended
     */
    public void await() throws ExecutionException, InterruptedException {
        for (int i = 0; ; ) {
            Thread next;
            synchronized (lock) {
                if (i == threads.size()) {
                    break;
                }
                next = threads.get(i);
            }
            try {
                next.join();
                i++;
            } catch (InterruptedException e) {
                synchronized (lock) {
                    if (awaitInterrupted == null) {
                        awaitInterrupted = e;
                        cancel(e);
                    }
                }
            }
        }
        synchronized (lock) {
            cancel(new CancellationException("group finished"));
            if (awaitInterrupted != null) {
                throw awaitInterrupted;
            }
            if (firstFailure != null) {
                ExecutionException e = new ExecutionException("a task of the group failed: " + firstFailure,
                        firstFailure);
                laterFailures.forEach(e::addSuppressed);
                throw e;
            }
        }
    }

    /** Whether the group is cancelled: a task failed, the awaiting thread was interrupted, or it finished. */
    public boolean isCancelled() {
        synchronized (lock) {
            return cause != null;
        }
    }

    /**
     * Why the group is cancelled: the first failure; or the {@link InterruptedException} of the
     * awaiting thread; or, after {@link #await()} returned normally, a {@link CancellationException}
     * {@code "group finished"}. Empty while the group is not cancelled.
     */
    public Optional<Throwable> cancellationCause() {
        synchronized (lock) {
            return Optional.ofNullable(cause);
        }
    }
}

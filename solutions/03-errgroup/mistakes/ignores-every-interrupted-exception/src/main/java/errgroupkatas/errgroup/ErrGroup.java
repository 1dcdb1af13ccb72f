package errgroupkatas.errgroup;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/** Kata 03, part A: a group of tasks that succeed or fail together (Go's errgroup.WithContext). */
public final class ErrGroup {

    /** A unit of work; may throw anything. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final Object lock = new Object();
    private final Set<Thread> threads = new HashSet<>();
    private final List<Throwable> failures = new ArrayList<>();
    private Throwable cause;
    private boolean finished;
    private boolean dropped;

    public ErrGroup() {
    }

    public void go(Task task) {
        synchronized (lock) {
            if (cause != null) {
                dropped = true;
                return;
            }
            if (threads.size() > 100) {
                threads.removeIf(t -> !t.isAlive());
            }
            Thread thread = Thread.ofVirtual().start(() -> runTask(task));
            threads.add(thread);
        }
    }

    private void runTask(Task task) {
        try {
            task.run();
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void fail(Throwable t) {
        synchronized (lock) {
            if (t instanceof InterruptedException) {
                return; // we interrupted it ourselves
            }
            failures.add(t);
            cancel(t);
        }
    }

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

    public void await() throws ExecutionException, InterruptedException {
        InterruptedException interrupted = null;
        while (true) {
            Thread next;
            synchronized (lock) {
                if (threads.isEmpty()) {
                    break;
                }
                next = threads.iterator().next();
            }
            try {
                next.join();
                synchronized (lock) {
                    threads.remove(next);
                }
            } catch (InterruptedException e) {
                if (interrupted == null) {
                    interrupted = e;
                    cancel(e);
                }
            }
        }
        synchronized (lock) {
            if (cause == null) {
                cause = new CancellationException("group finished");
                finished = true;
            }
            if (interrupted != null) {
                throw interrupted;
            }
            if (finished && !dropped) {
                return;
            }
            ExecutionException failure = new ExecutionException(cause);
            for (Throwable f : failures) {
                if (f != cause) {
                    failure.addSuppressed(f);
                }
            }
            throw failure;
        }
    }

    public boolean isCancelled() {
        synchronized (lock) {
            return cause != null;
        }
    }

    public Optional<Throwable> cancellationCause() {
        synchronized (lock) {
            return Optional.ofNullable(cause);
        }
    }
}

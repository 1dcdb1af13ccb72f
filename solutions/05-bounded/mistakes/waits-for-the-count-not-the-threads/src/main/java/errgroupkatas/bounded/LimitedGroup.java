package errgroupkatas.bounded;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Kata 05, part 1: an error group with a limit (Go's errgroup.Group with SetLimit and TryGo). */
public final class LimitedGroup {

    /** One piece of the group's work: it may throw anything, the group reports it. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Set<Thread> threads = new HashSet<>();
    private final List<Throwable> failures = new ArrayList<>();
    private int limit = -1;
    private int active;
    private int pruneAt = 64;
    private volatile Throwable cause;

    public void setLimit(int n) {
        lock.lock();
        try {
            if (active > 0) {
                throw new IllegalStateException("cannot change the limit while " + active + " tasks are active");
            }
            limit = n;
        } finally {
            lock.unlock();
        }
    }

    public void go(Task task) throws InterruptedException {
        lock.lock();
        try {
            if (cause != null) {
                return;
            }
            if (limit == 0) {
                throw new IllegalStateException("the limit is 0: no task can ever start");
            }
            while (cause == null && limit >= 0 && active >= limit) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    cancel(e);
                    throw e;
                }
            }
            if (cause != null) {
                return; // the group failed while we waited
            }
            start(task);
        } finally {
            lock.unlock();
        }
    }

    public boolean tryGo(Task task) {
        lock.lock();
        try {
            if (cause != null || limit == 0 || (limit > 0 && active >= limit)) {
                return false;
            }
            start(task);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: takes a slot and starts the task. */
    private void start(Task task) {
        if (threads.size() >= pruneAt) {
            threads.removeIf(t -> !t.isAlive());
            pruneAt = Math.max(64, 2 * threads.size());
        }
        active++;
        threads.add(Thread.ofVirtual().start(() -> runTask(task)));
    }

    private void runTask(Task task) {
        try {
            task.run();
        } catch (Throwable t) {
            failed(t);
        } finally {
            lock.lock();
            try {
                active--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void failed(Throwable t) {
        lock.lock();
        try {
            if (t instanceof InterruptedException && cause != null) {
                return; // our own cancellation
            }
            failures.add(t);
            cancel(t);
        } finally {
            lock.unlock();
        }
    }

    private void cancel(Throwable why) {
        lock.lock();
        try {
            if (cause != null) {
                return;
            }
            cause = why;
            for (Thread t : threads) {
                t.interrupt();
            }
            changed.signalAll(); // the callers waiting in go() give up
        } finally {
            lock.unlock();
        }
    }

    public void await() throws ExecutionException, InterruptedException {
        InterruptedException interrupted = null;
        lock.lock();
        try {
            while (active > 0) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    if (interrupted == null) {
                        interrupted = e;
                        cancel(e);
                    }
                }
            }
            threads.clear(); // all done
        } finally {
            lock.unlock();
        }
        if (interrupted != null) {
            throw interrupted;
        }
        lock.lock();
        try {
            if (cause == null) {
                return; // a success: the next batch may follow
            }
            ExecutionException failure = new ExecutionException(cause);
            for (Throwable f : failures) {
                if (f != cause) {
                    failure.addSuppressed(f);
                }
            }
            throw failure;
        } finally {
            lock.unlock();
        }
    }

    public boolean isCancelled() {
        return cause != null;
    }

    public Optional<Throwable> cancellationCause() {
        return Optional.ofNullable(cause);
    }
}

package errgroupkatas.bounded;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Kata 05, part 2: an error group on a fixed pool of workers (kratos' errgroup with GOMAXPROCS). */
public final class WorkerPoolGroup {

    /** One piece of the group's work: it may throw anything, the group reports it. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final int workers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private int running;
    private int idle;
    private boolean awaiting;
    private volatile Throwable cause;

    public WorkerPoolGroup(int workers) {
        if (workers <= 0) {
            throw new IllegalArgumentException("a pool needs at least one worker: " + workers);
        }
        this.workers = workers;
    }

    public void go(Task task) {
        lock.lock();
        try {
            if (batchOver()) {
                throw new IllegalStateException("the batch has ended: await() was called and every task ran");
            }
            if (cause != null) {
                return; // dropped: await() reports why
            }
            queue.add(task);
            if (queue.size() > idle && threads.size() < workers) {
                Thread worker = Thread.ofVirtual().unstarted(this::work);
                threads.add(worker);
                worker.start();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private boolean batchOver() {
        return awaiting && queue.isEmpty() && running == 0;
    }

    private void work() {
        while (true) {
            Task task;
            lock.lock();
            try {
                idle++;
                try {
                    while (queue.isEmpty() && !batchOver()) {
                        changed.awaitUninterruptibly();
                    }
                } finally {
                    idle--;
                }
                if (queue.isEmpty()) {
                    changed.signalAll();
                    return; // the batch is over
                }
                task = queue.poll();
                running++;
                Thread.interrupted(); // a fresh start: no leftover interrupt from the last task
            } finally {
                lock.unlock();
            }
            try {
                task.run();
            } catch (Throwable t) {
                failed(t);
            } finally {
                lock.lock();
                try {
                    running--;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
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
            queue.clear(); // the queued tasks never start
            for (Thread t : threads) {
                t.interrupt();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The caller gave up: drop the queue and interrupt the running tasks (the pool did not fail). */
    private void stopEverything() {
        lock.lock();
        try {
            queue.clear();
            for (Thread t : threads) {
                t.interrupt();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void await() throws ExecutionException, InterruptedException {
        lock.lock();
        try {
            awaiting = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        InterruptedException interrupted = null;
        for (int i = 0; ; i++) {
            Thread next;
            lock.lock();
            try {
                if (i >= threads.size()) {
                    break;
                }
                next = threads.get(i);
            } finally {
                lock.unlock();
            }
            while (true) {
                try {
                    next.join();
                    break;
                } catch (InterruptedException e) {
                    if (interrupted == null) {
                        interrupted = e;
                        stopEverything();
                    }
                }
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
        lock.lock();
        try {
            if (cause == null) {
                return;
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

package errgroupkatas.bounded;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts what a batch of tasks did without a fake service: how many ran, how many were running at
 * the same moment (at most), and on how many distinct threads. For batches too large for a
 * {@link errgroupkatas.support.CallLog} timeline (10 000 tasks), and for tasks that are not
 * service calls.
 *
 * <p>Thread-safe. (Generic: it belongs in the support module.)
 */
final class TaskProbe {
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private final AtomicInteger ran = new AtomicInteger();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    /** Runs {@code body} as one probed task: counts it in flight around the body. */
    void run(Body body) throws Exception {
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        threads.add(Thread.currentThread());
        try {
            body.run();
        } finally {
            running.decrementAndGet();
            ran.incrementAndGet();
        }
    }

    /** How many probed tasks have ended. */
    int ran() {
        return ran.get();
    }

    /** The most probed tasks that were ever running at the same moment. */
    int maxRunning() {
        return maxRunning.get();
    }

    /** How many distinct threads ran probed tasks. */
    int distinctThreads() {
        return threads.size();
    }

    /** Whether {@code thread} ran a probed task. */
    boolean ranOn(Thread thread) {
        return threads.contains(thread);
    }

    /** The threads that ran probed tasks, at most {@code max} of them, for a failure message. */
    String someThreads(int max) {
        return threads.stream().limit(max).map(Thread::toString).toList().toString();
    }
}

package errgroupkatas.support.planted;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Planted "kata code" for the support module's own tests: each method starts threads the way a
 * wrong submission would, and leaves them blocked on {@code release} (or idle) until the test
 * cleans up.
 */
public final class LeakyCode {
    private LeakyCode() {
    }

    /** Starts a virtual thread that blocks until {@code release} opens, and returns at once. */
    public static Thread leakVirtualThread(CountDownLatch release) {
        return Thread.ofVirtual().name("planted-virtual").start(() -> blockOn(release));
    }

    /** Starts a platform thread that blocks until {@code release} opens, and returns at once. */
    public static Thread leakPlatformThread(CountDownLatch release) {
        return Thread.ofPlatform().name("planted-platform").daemon().start(() -> blockOn(release));
    }

    /** Runs one task on a new fixed pool and forgets to shut it down: its idle worker stays. */
    public static ExecutorService leakExecutor() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        pool.submit(() -> 42).get();
        return pool;
    }

    /** Starts a virtual thread, waits for it to end, and returns: no leak. */
    public static void cleanRun() throws InterruptedException {
        Thread t = Thread.ofVirtual().start(() -> { });
        t.join();
    }

    /**
     * Runs a task on a virtual thread that throws and catches nothing, as a mapper whose
     * exception escapes, then on an executor's worker ({@code execute}); waits for both threads to
     * end, and returns normally: the caller never hears of either error.
     */
    public static void loseErrors() throws InterruptedException {
        Thread t = Thread.ofVirtual().name("planted-thrower").start(LeakyCode::failLookup);
        t.join();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            pool.execute(LeakyCode::failLookup);
        }
    }

    /** Runs the same failing task with {@code submit}: its Future keeps the error, nothing is lost. */
    public static void keepErrorInFuture() throws InterruptedException {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            pool.submit(LeakyCode::failLookup);
        }
    }

    static void failLookup() {
        throw new IllegalStateException("planted: the lookup failed");
    }

    /** Blocks the caller until {@code release} opens: a stuck call. */
    public static String stuckCall(CountDownLatch release) throws InterruptedException {
        release.await();
        return "released";
    }

    /**
     * Looks the friends up on a virtual-thread executor in a try-with-resources and returns what it
     * found, as kata 02's pitfall does: interrupted while {@code close()} waits for the lookup,
     * {@code close()} calls {@code shutdownNow}, sets the interrupt status again and returns
     * normally, so this returns an empty list instead of throwing InterruptedException.
     */
    public static List<String> friendsThroughClose() {
        List<String> found = new CopyOnWriteArrayList<>();
        try (ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor()) {
            lookups.submit(() -> {
                Thread.sleep(Duration.ofMinutes(1)); // a lookup that answers late; shutdownNow interrupts it
                found.add("profile");
                return null;
            });
        }
        return found;
    }

    /** Runs a task on an executor's worker ({@code execute}) that dies of an Error, and returns normally. */
    public static void panicInATask() {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            pool.execute(LeakyCode::panic);
        }
    }

    /**
     * Runs a panicking task ({@code execute}) on a fixed pool's platform worker and on a
     * ForkJoinPool's worker, shuts both down and waits for them: the caller hears of neither Error.
     */
    public static void panicOnPlatformWorkers() throws InterruptedException {
        ExecutorService fixed = Executors.newFixedThreadPool(1);
        ForkJoinPool forkJoin = new ForkJoinPool(1);
        fixed.execute(LeakyCode::panic);
        forkJoin.execute(LeakyCode::panic);
        fixed.shutdown();
        forkJoin.shutdown();
        fixed.awaitTermination(10, TimeUnit.SECONDS);
        forkJoin.awaitTermination(10, TimeUnit.SECONDS);
    }

    static void panic() {
        throw new AssertionError("planted: a panic");
    }

    static void blockOn(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package errgroupkatas.select;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a channel operation that must not block (a send with room, a receive with a value
 * waiting) on a short-lived thread of its own, bounded by {@code bound}: cheaper than a
 * {@code KataCall} (no thread snapshot), for the many small steps of the channel tests. A step
 * that blocks fails the test with what it was and the hint, and its thread is interrupted.
 * (Belongs in support as a light {@code KataCall}.)
 */
final class Quick {
    private Quick() {
    }

    static <T> T now(String what, Duration bound, String hint, Callable<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().name("kata-step").start(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            throw new AssertionError(what + " should not block here, but it did not return within "
                    + bound.toMillis() + " ms. " + hint);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " threw " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            throw new AssertionError("the test was interrupted while it waited for " + what, e);
        }
    }
}

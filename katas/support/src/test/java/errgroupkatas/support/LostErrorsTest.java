package errgroupkatas.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import errgroupkatas.support.planted.LeakyCode;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The lost-error detector")
class LostErrorsTest {
    static final String PLANTED = "errgroupkatas.support.planted";

    @Test
    @DisplayName("finds an exception that ended a raw thread and an executor's worker, and shows where it was thrown")
    void findsUncaughtExceptions() throws Exception {
        LostErrors lostErrors = LostErrors.snapshot(PLANTED);
        LeakDetector threads = LeakDetector.snapshot(PLANTED);
        LeakyCode.loseErrors();
        // As Kata.NoLeaks does: the executor's close() returns before its worker has run the
        // handler; once the threads have ended, every death is recorded.
        threads.assertNoLeaks();

        assertThat(lostErrors.lostSince()).hasSize(2)
                .allSatisfy(d -> assertThat(d.error()).hasMessage("planted: the lookup failed"));
        assertThatThrownBy(() -> lostErrors.assertNoneLost("the hint"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Lost errors: 2 threads")
                .hasMessageContaining("virtual thread")
                .hasMessageContaining("\"planted-thrower\" died of java.lang.IllegalStateException: planted: the lookup failed")
                .hasMessageContaining("LeakyCode.failLookup")
                .hasMessageContaining("<- kata code")
                .hasMessageContaining("the hint");
    }

    @Test
    @DisplayName("finds an Error (Go's panic) that ended a fixed pool's platform worker and a ForkJoinPool's worker")
    void findsErrorsOnPlatformWorkers() throws Exception {
        LostErrors lostErrors = LostErrors.snapshot(PLANTED);
        LeakDetector threads = LeakDetector.snapshot(PLANTED);
        LeakyCode.panicOnPlatformWorkers();
        threads.assertNoLeaks();

        assertThat(lostErrors.lostSince()).hasSize(2)
                .allSatisfy(d -> assertThat(d.error()).isInstanceOf(AssertionError.class).hasMessage("planted: a panic"))
                .anySatisfy(d -> assertThat(d.thread()).contains("\"pool-"))
                .anySatisfy(d -> assertThat(d.thread()).contains("\"ForkJoinPool-"));
    }

    @Test
    @DisplayName("records a death that happens during an Awaitility wait, which Awaitility would otherwise rethrow as the wait's own error")
    void deathDuringAnAwaitilityWait() {
        LostErrors lostErrors = LostErrors.snapshot(PLANTED);
        CountDownLatch release = new CountDownLatch(1);
        Thread thrower = Thread.ofVirtual().name("planted-late-thrower").start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                return;
            }
            throw new IllegalStateException("planted: died during the wait");
        });
        // The thread is released from inside the wait's first poll, so it dies while the wait runs.
        await("the planted thread ended").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).until(() -> {
            release.countDown();
            return !thrower.isAlive();
        });

        assertThat(lostErrors.lostSince()).singleElement()
                .satisfies(d -> assertThat(d.error()).hasMessage("planted: died during the wait"));
    }

    @Test
    @DisplayName("does not flag an exception a Future keeps, nor deaths of threads from before the snapshot")
    void futureKeepsTheError() throws Exception {
        LeakDetector before = LeakDetector.snapshot(PLANTED);
        LeakyCode.loseErrors(); // before the snapshot: not the next code's
        before.assertNoLeaks();
        LostErrors lostErrors = LostErrors.snapshot(PLANTED);
        LeakDetector threads = LeakDetector.snapshot(PLANTED);
        LeakyCode.keepErrorInFuture();
        threads.assertNoLeaks();

        assertThat(lostErrors.lostSince()).isEmpty();
        lostErrors.assertNoneLost("");
    }
}

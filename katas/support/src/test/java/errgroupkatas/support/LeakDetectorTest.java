package errgroupkatas.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import errgroupkatas.support.planted.LeakyCode;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The leak detector")
class LeakDetectorTest {
    static final String PLANTED = "errgroupkatas.support.planted";
    static final Duration SHORT_GRACE = Duration.ofMillis(200);

    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseLeakedThreads() {
        release.countDown();
    }

    @Test
    @DisplayName("does not flag code that joins what it starts")
    void cleanRunIsNotFlagged() throws Exception {
        LeakDetector detector = LeakDetector.snapshot(PLANTED);
        LeakyCode.cleanRun();
        detector.assertNoLeaks(SHORT_GRACE, "");
    }

    @Test
    @DisplayName("finds a leaked virtual thread and shows where it is blocked")
    void findsVirtualThread() {
        LeakDetector detector = LeakDetector.snapshot(PLANTED);
        LeakyCode.leakVirtualThread(release);

        assertThatThrownBy(() -> detector.assertNoLeaks(SHORT_GRACE, "the hint"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Leaked threads: 1 thread")
                .hasMessageContaining("virtual thread")
                .hasMessageContaining("\"planted-virtual\"")
                .hasMessageContaining("CountDownLatch.await")
                .hasMessageContaining("LeakyCode.blockOn")
                .hasMessageContaining("<- blocked here")
                .hasMessageContaining("<- kata code")
                .hasMessageContaining("the hint");
    }

    @Test
    @DisplayName("finds a leaked platform thread")
    void findsPlatformThread() {
        LeakDetector detector = LeakDetector.snapshot(PLANTED);
        LeakyCode.leakPlatformThread(release);

        assertThat(detector.leakedNow()).singleElement()
                .satisfies(l -> assertThat(l.description()).contains("platform thread", "planted-platform"));
    }

    @Test
    @DisplayName("finds an executor that was never shut down, though its idle worker runs no kata code")
    void findsIdleExecutor() throws Exception {
        LeakDetector detector = LeakDetector.snapshot(PLANTED);
        ExecutorService pool = LeakyCode.leakExecutor();
        try {
            assertThatThrownBy(() -> detector.assertNoLeaks(SHORT_GRACE, ""))
                    .hasMessageContaining("pool-")
                    .hasMessageContaining("ThreadPoolExecutor");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("ignores threads that were alive at the snapshot")
    void ignoresThreadsFromBefore() {
        LeakyCode.leakVirtualThread(release);
        LeakDetector detector = LeakDetector.snapshot(PLANTED);

        assertThat(detector.leakedNow()).isEmpty();
    }

    @Test
    @DisplayName("waits the grace period for a thread that is about to end")
    void waitsForThreadsThatAreEnding() {
        LeakDetector detector = LeakDetector.snapshot(PLANTED);
        LeakyCode.leakVirtualThread(release);
        Thread.ofPlatform().daemon().start(() -> {
            LockSupportSleep.millis(50);
            release.countDown();
        });

        detector.assertNoLeaks(Duration.ofSeconds(2), "");
    }

    @Test
    @DisplayName("does not count Awaitility's poller or JUnit's timeout thread")
    void ignoresTestInfrastructure() {
        LeakDetector detector = LeakDetector.snapshot(PLANTED);
        new CallLog().awaitAllEnded(Duration.ofSeconds(10)); // true at once, but polled on Awaitility's own thread

        assertThat(detector.leakedNow()).isEmpty();
    }

    /** A sleep without a checked exception, for the helper thread above. */
    static final class LockSupportSleep {
        static void millis(long ms) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(ms).toNanos());
        }
    }
}

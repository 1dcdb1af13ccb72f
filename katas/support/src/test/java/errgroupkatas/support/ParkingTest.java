package errgroupkatas.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class ParkingTest {

    private static void awaitState(Thread t, Thread.State state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (t.getState() != state && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
        assertThat(t.getState()).isEqualTo(state);
    }

    private static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    @Test
    void aThreadWaitingForALatchIsInAnInterruptibleWait() throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                // ends
            }
        });
        assertThat(eventually(() -> Parking.inInterruptibleWait(waiter))).isTrue();
        latch.countDown();
        waiter.join();
        assertThat(Parking.inInterruptibleWait(waiter)).isFalse();
    }

    @Test
    void aThreadWaitingForALockIsNot() throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        lock.lock();
        Thread waiter = Thread.ofPlatform().start(() -> {
            lock.lock();
            lock.unlock();
        });
        try {
            awaitState(waiter, Thread.State.WAITING);
            assertThat(Parking.inInterruptibleWait(waiter)).isFalse();
        } finally {
            lock.unlock();
        }
        waiter.join();
    }
}

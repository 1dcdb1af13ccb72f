package errgroupkatas.support;

import java.util.concurrent.locks.LockSupport;

/**
 * Where a parked thread waits: in a wait that an interrupt ends ({@code join}, a
 * {@code Condition}, a latch, a sleep), or for a lock ({@code ReentrantLock.lock()}), which an
 * interrupt does not end: the thread clears its interrupt status while it waits there and sets it
 * again once it has the lock.
 *
 * <p>For tests that must know an interrupt has reached a call: a thread that was interrupted
 * before it called {@code await()} cannot park in a wait that an interrupt ends until that wait
 * (or an earlier one) has thrown {@link InterruptedException}. So once
 * {@link #inInterruptibleWait} holds, the call has seen its interrupt, and the test may let the
 * call's tasks end without racing it.
 */
public final class Parking {
    private Parking() {
    }

    /**
     * Whether {@code t} is parked ({@code WAITING} or {@code TIMED_WAITING}) in a wait that an
     * interrupt ends: not waiting for a lock, not running, not blocked on a monitor.
     */
    public static boolean inInterruptibleWait(Thread t) {
        Thread.State s = t.getState();
        if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) {
            return false;
        }
        Object blocker = LockSupport.getBlocker(t);
        String kind = blocker == null ? "" : blocker.getClass().getName();
        return !(kind.startsWith("java.util.concurrent.locks.ReentrantLock$")
                || kind.startsWith("java.util.concurrent.locks.ReentrantReadWriteLock$")
                || kind.startsWith("java.util.concurrent.locks.StampedLock"));
    }
}

package errgroupkatas.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReachabilityTest {

    private static WeakReference<Object> dropped() {
        return new WeakReference<>(new Object());
    }

    @Test
    void anObjectNothingHoldsIsCollected() {
        assertThat(Reachability.awaitCollected(dropped(), Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void anObjectStillHeldIsNotCollected() {
        Object held = new Object();
        WeakReference<Object> ref = new WeakReference<>(held);

        assertThat(Reachability.awaitCollected(ref, Duration.ofMillis(50))).isFalse();
        assertThat(ref.get()).isSameAs(held);
    }
}

package errgroupkatas.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import errgroupkatas.support.planted.LeakyCode;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A kata call with a deadline")
class KataCallTest {
    static final Kata PLANTED = new Kata("00-planted", "errgroupkatas.support.planted");

    @Test
    @DisplayName("gives the value of a call that returns in time")
    void returnsValue() {
        CountDownLatch open = new CountDownLatch(0);
        var outcome = PLANTED.call(() -> LeakyCode.stuckCall(open)).awaitWithin(Duration.ofSeconds(2));

        assertThat(outcome.returned()).isEqualTo("released");
        assertThat(outcome.thrown()).isNull();
    }

    @Test
    @DisplayName("fails a stuck call at the deadline, naming the blocking frame and the kata frame")
    void reportsWhereAStuckCallIsBlocked() {
        CountDownLatch never = new CountDownLatch(1);
        CallLog log = new CallLog();
        var call = PLANTED.call(() -> LeakyCode.stuckCall(never)).showing(log);

        assertThatThrownBy(() -> call.awaitWithin(Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("to return within 200 ms, but it did not")
                .hasMessageContaining("\"kata-call-")
                .hasMessageContaining("CountDownLatch.await")
                .hasMessageContaining("LeakyCode.stuckCall")
                .hasMessageContaining("timeline: no calls were made")
                .hasMessageContaining("katas/00-planted/README.md");
        // The deadline interrupts the stuck caller, so a cooperative call ends.
        assertThat(call.awaitWithin(Duration.ofSeconds(2)).thrown()).isInstanceOf(InterruptedException.class);
    }

    @Test
    @DisplayName("lets the test interrupt the caller and records what the call threw")
    void interruptsTheCaller() {
        CountDownLatch never = new CountDownLatch(1);
        var call = PLANTED.call(() -> LeakyCode.stuckCall(never));
        call.interrupt();

        var outcome = call.awaitWithin(Duration.ofSeconds(2));
        assertThat(outcome.thrown()).isInstanceOf(InterruptedException.class);
        assertThatThrownBy(outcome::returned).hasMessageContaining("Expected the call to return, but it threw");
    }

    @Test
    @DisplayName("sees a call block, and fails at once when a call that should block returns")
    void awaitsBlocked() {
        CountDownLatch release = new CountDownLatch(1);
        var blocked = PLANTED.call("stuckCall on a closed latch", () -> LeakyCode.stuckCall(release));
        blocked.awaitBlocked(Duration.ofSeconds(2));
        release.countDown();
        assertThat(blocked.awaitWithin(Duration.ofSeconds(2)).returned()).isEqualTo("released");

        var quick = PLANTED.call("stuckCall on an open latch", () -> LeakyCode.stuckCall(new CountDownLatch(0)));
        assertThatThrownBy(() -> quick.awaitBlocked(Duration.ofSeconds(2)))
                .hasMessageContaining("Expected stuckCall on an open latch to block, but it returned released first");
    }

    @Test
    @DisplayName("watches a window for a violation, and stops watching when the call ends")
    void watchesForViolations() {
        CountDownLatch release = new CountDownLatch(1);
        var call = PLANTED.call(() -> LeakyCode.stuckCall(release));

        assertThat(call.watchFor(call::isDone, Duration.ofMillis(50))).as("a blocked call did not end").isFalse();
        release.countDown();
        assertThat(call.watchFor(call::isDone, Duration.ofSeconds(2))).as("a released call ends").isTrue();
    }

    @Test
    @DisplayName("stops waiting for a fake call as soon as the kata call has ended")
    void awaitFakeCallFailsFastWhenTheCallEnded() {
        CallLog log = new CallLog();
        var call = PLANTED.call(() -> {
            throw new UnsupportedOperationException("TODO");
        });

        long start = System.nanoTime();
        assertThatThrownBy(() -> call.awaitFakeCall(log, "profile(", Duration.ofSeconds(5)))
                .hasMessageContaining("but it threw java.lang.UnsupportedOperationException: TODO first")
                .hasMessageContaining("Hint: see hint 2 in katas/00-planted/README.md");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    @DisplayName("a watched call that ends with its caller's interrupt status set fails the check, whatever it returned")
    void watchesTheCallersInterruptStatus() {
        Kata.CallerStatus status = PLANTED.callerStatus();
        var clean = status.watch(PLANTED.call("the clean call", () -> "clean"));
        clean.awaitWithin(Duration.ofSeconds(2));
        status.assertCallersUninterrupted();

        var leftSet = status.watch(PLANTED.call("the call that interrupts its caller", () -> {
            Thread.currentThread().interrupt();
            return "done";
        }));
        var stillRunning = status.watch(PLANTED.call(() -> LeakyCode.stuckCall(new CountDownLatch(1))));
        assertThat(leftSet.awaitWithin(Duration.ofSeconds(2)).interruptFlagLeft()).isTrue();
        assertThatThrownBy(status::assertCallersUninterrupted)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected the call that interrupts its caller to leave its caller's interrupt"
                        + " status clear, but it returned with the status set")
                .hasMessageContaining("katas/00-planted/README.md");
        stillRunning.interrupt();
        assertThat(stillRunning.awaitWithin(Duration.ofSeconds(2)).thrown()).isInstanceOf(InterruptedException.class);
    }
}

package errgroupkatas.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import errgroupkatas.support.planted.LeakyCode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A kata call with a deadline")
class KataCallTest {
    static final Kata PLANTED = new Kata("00-planted", "errgroupkatas.support.planted");

    @Test
    @DisplayName("gives the value of a call that returns in time")
    void returnsValue() {
        CountDownLatch open = new CountDownLatch(0);
        var outcome = PLANTED.withHint(2).call(() -> LeakyCode.stuckCall(open)).awaitWithin(Duration.ofSeconds(2));

        assertThat(outcome.returned()).isEqualTo("released");
        assertThat(outcome.thrown()).isNull();
    }

    @Test
    @DisplayName("fails a stuck call at the deadline, naming the blocking frame and the kata frame")
    void reportsWhereAStuckCallIsBlocked() {
        CountDownLatch never = new CountDownLatch(1);
        CallLog log = new CallLog();
        var call = PLANTED.withHint(2).call(() -> LeakyCode.stuckCall(never)).showing(log);

        assertThatThrownBy(() -> call.awaitWithin(Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("to return within 200 ms, but it did not")
                .hasMessageContaining("\"kata-call-")
                .hasMessageContaining("CountDownLatch.await")
                .hasMessageContaining("LeakyCode.stuckCall")
                .hasMessageContaining("timeline: no calls were made")
                .hasMessageContaining("hint 2 of kata 00-planted: mvn -q -Phint -Dkata=00 -Dhint=2");
        // The deadline interrupts the stuck caller, so a cooperative call ends.
        assertThat(call.awaitWithin(Duration.ofSeconds(2)).thrown()).isInstanceOf(InterruptedException.class);
    }

    @Test
    @DisplayName("lets the test interrupt the caller and records what the call threw")
    void interruptsTheCaller() {
        CountDownLatch never = new CountDownLatch(1);
        var call = PLANTED.withHint(2).call(() -> LeakyCode.stuckCall(never));
        call.interrupt();

        var outcome = call.awaitWithin(Duration.ofSeconds(2));
        assertThat(outcome.thrown()).isInstanceOf(InterruptedException.class);
        assertThatThrownBy(outcome::returned).hasMessageContaining("Expected the call to return, but it threw");
    }

    @Test
    @DisplayName("sees a call block, and fails at once when a call that should block returns")
    void awaitsBlocked() {
        CountDownLatch release = new CountDownLatch(1);
        var blocked = PLANTED.withHint(2).call("stuckCall on a closed latch", () -> LeakyCode.stuckCall(release));
        blocked.awaitBlocked(Duration.ofSeconds(2));
        release.countDown();
        assertThat(blocked.awaitWithin(Duration.ofSeconds(2)).returned()).isEqualTo("released");

        var quick = PLANTED.withHint(2).call("stuckCall on an open latch", () -> LeakyCode.stuckCall(new CountDownLatch(0)));
        assertThatThrownBy(() -> quick.awaitBlocked(Duration.ofSeconds(2)))
                .hasMessageContaining("Expected stuckCall on an open latch to block, but it returned normally (\"released\") first");
    }

    @Test
    @DisplayName("watches a window for a violation, and stops watching when the call ends")
    void watchesForViolations() {
        CountDownLatch release = new CountDownLatch(1);
        var call = PLANTED.withHint(2).call(() -> LeakyCode.stuckCall(release));

        assertThat(call.watchFor(call::isDone, Duration.ofMillis(50))).as("a blocked call did not end").isFalse();
        release.countDown();
        assertThat(call.watchFor(call::isDone, Duration.ofSeconds(2))).as("a released call ends").isTrue();
    }

    @Test
    @DisplayName("stops waiting for a fake call as soon as the kata call has ended")
    void awaitFakeCallFailsFastWhenTheCallEnded() {
        CallLog log = new CallLog();
        var call = PLANTED.withHint(2).call(() -> {
            throw new UnsupportedOperationException("TODO");
        });

        long start = System.nanoTime();
        assertThatThrownBy(() -> call.awaitFakeCall(log, "profile(", Duration.ofSeconds(5)))
                .hasMessageContaining("but it threw java.lang.UnsupportedOperationException: TODO first")
                .hasMessageContaining("Hint: hint 2 of kata 00-planted: mvn -q -Phint -Dkata=00 -Dhint=2 (or h in the coach)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    @DisplayName("cites the hint the test chose, and only hints 1 to 3")
    void citesTheChosenHint() {
        var call = PLANTED.withHint(3).call("stuckCall on a closed latch", () -> LeakyCode.stuckCall(new CountDownLatch(1)));

        assertThatThrownBy(() -> call.awaitWithin(Duration.ofMillis(50)))
                .hasMessageContaining("Hint: hint 3 of kata 00-planted: mvn -q -Phint -Dkata=00 -Dhint=3 (or h in the coach)");
        assertThatThrownBy(() -> PLANTED.withHint(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PLANTED.withHint(4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("lists a stuck call's own threads, and threads earlier tests left running under a heading of their own")
    void stuckReportListsTheTestsOwnThreads() {
        CountDownLatch release = new CountDownLatch(1);
        Thread earlier = LeakyCode.leakVirtualThread(release); // an earlier test's leftover
        TestThreads.testStarted();
        try {
            var call = PLANTED.withHint(2).call("stuckCall", () -> LeakyCode.stuckCall(release));

            Throwable stuck = catchThrowable(() -> call.awaitWithin(Duration.ofMillis(100)));
            assertThat(stuck).isInstanceOf(AssertionError.class);
            String report = stuck.getMessage();
            String own = report.substring(0, report.indexOf("Left running by earlier tests"));
            String left = report.substring(report.indexOf("Left running by earlier tests"));
            assertThat(own).contains("Where the threads this test started are now", "\"" + call.thread().getName() + "\"")
                    .doesNotContain("planted-virtual");
            assertThat(left).startsWith("Left running by earlier tests (not this test's threads, but they may hold what it"
                    + " waits for): 1 thread\n").contains("#" + earlier.threadId() + " \"planted-virtual\"");
        } finally {
            TestThreads.testEnded();
            release.countDown();
        }
    }

    @Test
    @DisplayName("says a call returned normally, and with what, when it should have thrown")
    void returnedInsteadOfThrowing() {
        var outcome = PLANTED.withHint(1).call("friendsOf(1)", () -> List.of()).awaitWithin(Duration.ofSeconds(2));

        assertThatThrownBy(() -> outcome.threw(InterruptedException.class))
                .isInstanceOf(AssertionError.class)
                .hasMessage("friendsOf(1) returned normally (an empty List) instead of throwing InterruptedException.\n"
                        + "Hint: hint 1 of kata 00-planted: mvn -q -Phint -Dkata=00 -Dhint=1 (or h in the coach)\n");
        assertThatThrownBy(outcome::threw).hasMessageStartingWith(
                "friendsOf(1) returned normally (an empty List) instead of throwing.\n");
        var nothing = PLANTED.withHint(1).call("await()", () -> null).awaitWithin(Duration.ofSeconds(2));
        assertThatThrownBy(() -> nothing.threw(ExecutionException.class))
                .hasMessageStartingWith("await() returned normally instead of throwing ExecutionException.\n");
        var text = PLANTED.withHint(1).call("await()", () -> "x".repeat(150)).awaitWithin(Duration.ofSeconds(2));
        assertThatThrownBy(() -> text.threw(ExecutionException.class))
                .hasMessageStartingWith("await() returned normally (\"" + "x".repeat(99) + "…\") instead of throwing"
                        + " ExecutionException.");
    }

    @Test
    @DisplayName("gives what a call threw, whatever its type, for the test's own assertion")
    void threwGivesAnyThrowable() {
        IllegalStateException boom = new IllegalStateException("boom");
        var outcome = PLANTED.withHint(1).call(() -> {
            throw boom;
        }).awaitWithin(Duration.ofSeconds(2));

        assertThat(outcome.threw(InterruptedException.class)).isSameAs(boom);
        assertThat(outcome.threw()).isSameAs(boom);
    }

    @Test
    @DisplayName("names ExecutorService.close() when a call returned with the interrupt status still set")
    void returnedWithTheInterruptSwallowedByClose() {
        var call = PLANTED.withHint(3).call("friendsOf(1)", LeakyCode::friendsThroughClose);
        call.awaitBlocked(Duration.ofSeconds(2)); // in close(), waiting for the lookup
        call.interrupt();
        var outcome = call.awaitWithin(Duration.ofSeconds(2));

        assertThat(outcome.interruptFlagLeft()).isTrue();
        assertThatThrownBy(() -> outcome.threw(InterruptedException.class))
                .hasMessageStartingWith("friendsOf(1) returned normally (an empty List) instead of throwing"
                        + " InterruptedException.\nThe caller's interrupt status was still set")
                .hasMessageContaining("ExecutorService.close()")
                .hasMessageEndingWith("Hint: hint 3 of kata 00-planted: mvn -q -Phint -Dkata=00 -Dhint=3 (or h in the coach)\n");
    }

    @Test
    @DisplayName("runs code that must throw on the test's thread, and says so when it returned instead")
    void thrownBy() {
        assertThatThrownBy(() -> PLANTED.withHint(1).thrownBy("new StringBuilder(1)", IllegalArgumentException.class,
                () -> new StringBuilder(1)))
                .hasMessage("new StringBuilder(1) returned normally instead of throwing IllegalArgumentException.\n"
                        + "Hint: hint 1 of kata 00-planted: mvn -q -Phint -Dkata=00 -Dhint=1 (or h in the coach)\n");
        assertThat(PLANTED.withHint(1).thrownBy("new StringBuilder(-1)", NegativeArraySizeException.class,
                () -> new StringBuilder(-1))).isInstanceOf(NegativeArraySizeException.class);
    }

    @Test
    @DisplayName("a watched call that ends with its caller's interrupt status set fails the check, whatever it returned")
    void watchesTheCallersInterruptStatus() {
        Kata.CallerStatus status = PLANTED.callerStatus(2);
        var clean = status.watch(PLANTED.withHint(1).call("the clean call", () -> "clean"));
        clean.awaitWithin(Duration.ofSeconds(2));
        status.assertCallersUninterrupted();

        var leftSet = status.watch(PLANTED.withHint(1).call("the call that interrupts its caller", () -> {
            Thread.currentThread().interrupt();
            return "done";
        }));
        var stillRunning = status.watch(PLANTED.withHint(1).call(() -> LeakyCode.stuckCall(new CountDownLatch(1))));
        assertThat(leftSet.awaitWithin(Duration.ofSeconds(2)).interruptFlagLeft()).isTrue();
        assertThatThrownBy(status::assertCallersUninterrupted)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected the call that interrupts its caller to leave its caller's interrupt"
                        + " status clear, but it returned with the status set")
                .hasMessageEndingWith("Hint: hint 2 of kata 00-planted: mvn -q -Phint -Dkata=00 -Dhint=2 (or h in the coach)");
        stillRunning.interrupt();
        assertThat(stillRunning.awaitWithin(Duration.ofSeconds(2)).threw(InterruptedException.class))
                .isInstanceOf(InterruptedException.class);
        assertThatThrownBy(() -> PLANTED.callerStatus(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PLANTED.callerStatus(4)).isInstanceOf(IllegalArgumentException.class);
    }
}

package errgroupkatas.support;

import static errgroupkatas.support.CallLogAssert.assertThatCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import errgroupkatas.story.ServiceException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The fakes and their call log")
class CallLogTest {
    final CallLog log = new CallLog();
    final FakeProfileService profiles = new FakeProfileService(log);

    @Test
    @DisplayName("record each call's outcome: returned, failed, interrupted")
    void recordsOutcomes() throws Exception {
        profiles.on(2, Reply.immediately().failing());
        profiles.on(3, Reply.when(Gate.closed("never")));

        assertThat(profiles.profile(1)).isEqualTo(FakeProfileService.userFor(1));
        assertThatThrownBy(() -> profiles.profile(2)).isInstanceOf(ServiceException.class)
                .hasMessageContaining("profile(2) failed");
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> profiles.profile(3)).isInstanceOf(InterruptedException.class);

        assertThat(log.calls()).extracting(Call::outcome)
                .containsExactly(Call.Outcome.RETURNED, Call.Outcome.FAILED, Call.Outcome.INTERRUPTED);
        assertThat(log.firstFailed().name()).isEqualTo("profile(2)");
        assertThat(log.interrupted()).extracting(Call::name).containsExactly("profile(3)");
    }

    @Test
    @DisplayName("throw what failingWith supplies, an unchecked exception or an Error (Go's panic) too, and record it as failed")
    void failsWithAnyUncheckedThrowable() {
        profiles.on(1, Reply.immediately().failingWith(() -> new IllegalStateException("a bug")));
        profiles.on(2, Reply.immediately().failingWith(() -> new Error("a panic")));

        assertThatThrownBy(() -> profiles.profile(1)).isInstanceOf(IllegalStateException.class).hasMessage("a bug");
        assertThatThrownBy(() -> profiles.profile(2)).isExactlyInstanceOf(Error.class).hasMessage("a panic");
        assertThat(log.calls()).extracting(Call::outcome).containsExactly(Call.Outcome.FAILED, Call.Outcome.FAILED);
    }

    @Test
    @DisplayName("linger once interrupted: the lookup ignores further interrupts until its gate opens, then throws")
    void lingersOnceInterrupted() throws Exception {
        profiles.on(1, Reply.when(Gate.closed("never")));
        Gate release = Gate.closed("the lookup may end");
        LingeringProfileService lingering = new LingeringProfileService(profiles, release);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptStatus = new AtomicBoolean();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                lingering.profile(1);
            } catch (Throwable t) {
                thrown.set(t);
                interruptStatus.set(Thread.currentThread().isInterrupted());
            }
        });
        log.awaitCall("profile(1)", Duration.ofSeconds(5));
        caller.interrupt();
        await().atMost(Duration.ofSeconds(5)).until(() -> lingering.lingering() == 1);
        caller.interrupt(); // ignored: it lingers still
        assertThat(caller.join(Duration.ofMillis(100))).as("the lookup ended before its gate opened").isFalse();

        release.open();
        assertThat(caller.join(Duration.ofSeconds(5))).isTrue();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(interruptStatus.get()).as("the second interrupt is kept").isTrue();
        assertThat(lingering.lingering()).isZero();
    }

    @Test
    @DisplayName("count the calls in flight at once, while gates hold them")
    void countsConcurrency() throws Exception {
        Gate gate = Gate.closed("all");
        profiles.byDefault(Reply.when(gate));
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> calls = List.of(
                    pool.submit(() -> profiles.profile(1)), pool.submit(() -> profiles.profile(2)),
                    pool.submit(() -> profiles.profile(3)));
            log.awaitInFlight(3, Duration.ofSeconds(2));
            assertThat(log.inFlight()).hasSize(3);
            gate.open();
            for (Future<?> f : calls) {
                f.get();
            }
        }
        assertThatCalls(log).reachedConcurrency(3).neverExceededConcurrency(3).hasNothingInFlight();
        assertThatThrownBy(() -> assertThatCalls(log).neverExceededConcurrency(2))
                .hasMessageContaining("Expected never more than 2 calls in flight at once, but 3 were")
                .hasMessageContaining("timeline:");
    }

    @Test
    @DisplayName("count the calls of one kind in flight together, apart from the others")
    void countsConcurrencyPerKind() throws Exception {
        Gate gate = Gate.closed("lookups");
        profiles.byDefault(Reply.when(gate));
        FakeFriendService friends = new FakeFriendService(log).with(7L, List.of(1001L, 1002L))
                .eachNext(Reply.when(gate));
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var cursor = friends.friendIds(7L);
            List<Future<?>> calls = List.of(pool.submit(() -> profiles.profile(1)),
                    pool.submit(() -> profiles.profile(2)), pool.submit(cursor::next));
            log.awaitInFlight(3, Duration.ofSeconds(2));
            assertThat(log.inFlight("profile(")).hasSize(2);
            gate.open();
            for (Future<?> f : calls) {
                f.get();
            }
        }
        assertThat(log.maxInFlight()).isEqualTo(3);
        assertThatCalls(log).reachedConcurrency("profile(", 2).neverExceededConcurrency("profile(", 2);
        assertThatThrownBy(() -> assertThatCalls(log).reachedConcurrency("profile(", 3))
                .hasMessageContaining("Expected 3 calls to profile(…) in flight at once at some moment, but never"
                        + " more than 2 were");
    }

    @Test
    @DisplayName("know which calls started after another ended")
    void ordersCalls() throws Exception {
        profiles.profile(1);
        profiles.profile(2);
        Call first = log.calls().getFirst();

        assertThat(log.startedAfterEnd(first)).extracting(Call::name).containsExactly("profile(2)");
        assertThatThrownBy(() -> assertThatCalls(log).hasNoCallStartedAfterEnd(first))
                .hasMessageContaining("Expected no call to start after profile(1) ended, but 1 did");
    }

    @Test
    @DisplayName("stream friend ids with a reply per position, and end the stream")
    void friendCursor() throws Exception {
        FakeFriendService friends = new FakeFriendService(log).with(7, List.of(1001L, 1002L))
                .onNext(1, Reply.after(Duration.ofMillis(5)));
        var cursor = friends.friendIds(7L);

        assertThat(cursor.next()).hasValue(1001L);
        assertThat(cursor.next()).hasValue(1002L);
        assertThat(cursor.next()).isEmpty();
        assertThat(log.calls()).extracting(Call::name).containsExactly("friendIds(7)", "next#0", "next#1", "next#2");
    }

    @Test
    @DisplayName("draw a timeline: one bar per call, outcomes marked")
    void drawsTimeline() throws Exception {
        profiles.on(2, Reply.after(Duration.ofMillis(20)).failing());
        profiles.profile(1);
        assertThatThrownBy(() -> profiles.profile(2));

        String timeline = log.timeline();
        assertThat(timeline).startsWith("timeline: 0 .. ")
                .contains("profile(1)", "profile(2)", "| returned", "| failed: ServiceException")
                .containsPattern("\\| *#*X *\\|");
    }

    @Test
    @DisplayName("fail a wait with the timeline when the awaited state never comes")
    void waitFailsWithTimeline() throws Exception {
        profiles.profile(1);
        assertThatThrownBy(() -> log.awaitInFlight(1, Duration.ofMillis(50)))
                .hasMessageContaining("Waited 50 ms for at least 1 calls in flight at once")
                .hasMessageContaining("profile(1)");
    }

    @Test
    @DisplayName("draw an empty timeline as one line, ended like any other, so the hint after it starts a line of its own")
    void emptyTimelineEndsItsLine() {
        assertThat(log.timeline()).isEqualTo("timeline: no calls were made\n");
    }

    @Test
    @DisplayName("draw a timeline whose every line ends with a newline, and whose column width is never 0.0 ms")
    void timelineHeaderOfAShortRun() throws Exception {
        profiles.profile(1); // a call of microseconds: the whole timeline spans less than a millisecond or so
        String timeline = log.timeline();

        assertThat(timeline).endsWith("\n").doesNotContain("= 0.0 ms", "= 0 ns")
                .containsPattern("one column = [0-9.]+ (ms|µs|ns);");
    }

    @Test
    @DisplayName("write a time span in the unit that shows it: ms from 0.1 ms, µs below, ns below that")
    void durations() {
        assertThat(Timeline.duration(212.4e6)).isEqualTo("212 ms");
        assertThat(Timeline.duration(4.24e6)).isEqualTo("4.2 ms");
        assertThat(Timeline.duration(0.1e6)).isEqualTo("0.1 ms");
        assertThat(Timeline.duration(42e3)).isEqualTo("42 µs");
        assertThat(Timeline.duration(840)).isEqualTo("840 ns");
    }
}

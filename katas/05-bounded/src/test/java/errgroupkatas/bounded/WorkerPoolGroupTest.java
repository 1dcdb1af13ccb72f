package errgroupkatas.bounded;

import static errgroupkatas.bounded.LimitedGroupTest.DEADLINE;
import static errgroupkatas.bounded.LimitedGroupTest.HOLD;
import static errgroupkatas.bounded.LimitedGroupTest.KATA;
import static errgroupkatas.bounded.Tasks.ids;
import static errgroupkatas.support.CallLogAssert.assertThatCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import errgroupkatas.support.Call;
import errgroupkatas.support.CallLog;
import errgroupkatas.support.Gate;
import errgroupkatas.support.Kata;
import errgroupkatas.support.KataCall;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kata 05, part 2 — kratos' GOMAXPROCS: a fixed pool of workers and a queue. */
@DisplayName("Kata 05 — WorkerPoolGroup: kratos' GOMAXPROCS")
@Order(2)
class WorkerPoolGroupTest {

    @RegisterExtension
    final Kata.NoLeaks noLeaks = KATA.noLeaks();

    final CallLog log = new CallLog();
    final Tasks tasks = new Tasks(log);

    /** go() every lookup on a kata-call thread, which must return at once: go() never blocks. */
    private void goAll(WorkerPoolGroup group, List<Long> ids) {
        Tasks.call("the caller of go()", () -> tasks.goAll(group::go, ids))
                .showing(log).awaitWithin(DEADLINE).returned();
    }

    /** await() on a kata-call thread. */
    private KataCall<Void> awaitCall(WorkerPoolGroup group) {
        return Tasks.call("the caller of await()", group::await).showing(log);
    }

    @Test
    @Order(1)
    @DisplayName("a pool needs at least one worker")
    void needsAWorker() {
        assertThatThrownBy(() -> new WorkerPoolGroup(0)).as("new WorkerPoolGroup(0); kratos panics here too")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkerPoolGroup(-1)).as("new WorkerPoolGroup(-1)")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Order(2)
    @DisplayName("go never blocks: tasks queue while the n workers are busy, and a freed worker takes exactly one more")
    void goNeverBlocksAndWorkersTakeOneAtATime() {
        List<Long> ids = ids(5);
        tasks.gate(ids);
        WorkerPoolGroup group = new WorkerPoolGroup(2);

        goAll(group, ids); // fails here if go() blocks
        log.awaitInFlight(2, DEADLINE);
        var call = awaitCall(group); // waits while the workers work through the queue
        call.watchFor(() -> log.calls().size() > 2, HOLD);
        assertThat(log.calls()).as("2 workers, both busy: no 3rd task may start; %s%n%s", KATA.hint(2),
                log.timeline()).hasSize(2);

        tasks.openFirstInFlight();
        log.awaitStarted(3, DEADLINE);
        log.awaitInFlight(2, DEADLINE);
        call.watchFor(() -> log.calls().size() > 3, HOLD);
        assertThat(log.calls()).as("one worker became free, so exactly one more task may start; %s%n%s",
                KATA.hint(2), log.timeline()).hasSize(3);

        tasks.openAll();
        call.awaitWithin(DEADLINE).returned();
        assertThatCalls(log).withHint(KATA.hint(2)).hasCalls("profile(", 5)
                .reachedConcurrency(2).neverExceededConcurrency(2);
        assertThat(log.calls().stream().map(Call::threadName).distinct())
                .as("the tasks must run on the 2 workers%n%s", log.timeline()).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    @Order(3)
    @DisplayName("10 000 tasks run on at most 8 threads, never more than 8 at once, none on the caller, and await drains them all")
    void tenThousandTasksOnEightThreads() {
        int n = 10_000, workers = 8;
        TaskProbe probe = new TaskProbe();
        WorkerPoolGroup group = new WorkerPoolGroup(workers);

        var call = Tasks.call("the caller of go() and await()", () -> {
            for (int i = 0; i < n; i++) {
                group.go(() -> probe.run(Thread::yield));
            }
            group.await();
        });
        call.awaitWithin(DEADLINE).returned();

        assertThat(probe.ran()).as("await() must return only once the queue is drained").isEqualTo(n);
        assertThat(probe.distinctThreads())
                .as("%d tasks ran on %d distinct threads, e.g. %s: a worker pool keeps %d threads for the"
                        + " group's whole life and gives each many tasks, never a thread per task (a semaphore"
                        + " bounds how many run, not how many threads exist); %s", n, probe.distinctThreads(),
                        probe.someThreads(3), workers, KATA.hint(2))
                .isLessThanOrEqualTo(workers);
        assertThat(probe.maxRunning()).as("tasks running at one moment with %d workers", workers)
                .isLessThanOrEqualTo(workers);
        assertThat(probe.ranOn(call.thread())).as("go() must queue the task, never run it on the caller").isFalse();
    }

    @Test
    @Order(4)
    @DisplayName("the first failure cancels the group: await reports it, the running tasks are interrupted")
    void firstFailureCancels() {
        Gate fail = tasks.failing(1001);
        tasks.gate(List.of(1002L, 1003L)); // never opened
        WorkerPoolGroup group = new WorkerPoolGroup(3);

        goAll(group, List.of(1001L, 1002L, 1003L));
        log.awaitInFlight(3, DEADLINE);
        fail.open();
        Throwable thrown = awaitCall(group).awaitWithin(DEADLINE).threw();

        Call failed = log.firstFailed();
        assertThat(thrown).as("await() after profile(1001) failed; %s", KATA.hint(3))
                .isInstanceOf(ExecutionException.class)
                .cause().isSameAs(failed.failure());
        assertThat(log.interrupted()).as("the running siblings must be interrupted (their gates never opened)%n%s; %s",
                log.timeline(), KATA.hint(3)).hasSize(2);
        assertThat(thrown.getSuppressed()).as("the interrupts the group caused are not failures to report")
                .isEmpty();
        assertThat(group.isCancelled()).as("isCancelled() after a failure").isTrue();
        assertThat(group.cancellationCause()).as("cancellationCause() after a failure").containsSame(failed.failure());
    }

    @Test
    @Order(5)
    @DisplayName("after a failure, no queued task starts")
    void noQueuedTaskStartsAfterFailure() {
        Gate fail = tasks.failing(1001);
        tasks.gate(List.of(1002L)); // never opened
        WorkerPoolGroup group = new WorkerPoolGroup(2);

        goAll(group, List.of(1001L, 1002L, 1003L, 1004L, 1005L, 1006L));
        log.awaitInFlight(2, DEADLINE);
        fail.open();
        Throwable thrown = awaitCall(group).awaitWithin(DEADLINE).threw();

        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(log.calls()).as("profile(1003…1006) were queued; after profile(1001) failed none may start"
                + " (kratos runs them anyway: wasted work against a failing dependency); %s%n%s", KATA.hint(3),
                log.timeline()).hasSize(2);
        assertThatCalls(log).withHint(KATA.hint(3)).hasNoCallStartedAfterEnd(log.firstFailed());
    }

    @Test
    @Order(6)
    @DisplayName("an interrupted await cancels the group, drops the queue, waits for the running tasks, and throws InterruptedException")
    void interruptedAwait() {
        tasks.gate(List.of(1001L, 1002L)); // never opened
        WorkerPoolGroup group = new WorkerPoolGroup(2);

        goAll(group, List.of(1001L, 1002L, 1003L));
        log.awaitInFlight(2, DEADLINE);
        var call = awaitCall(group);
        call.interrupt();
        Throwable thrown = call.awaitWithin(DEADLINE).threw();

        assertThat(thrown).as("await() of an interrupted caller; %s", KATA.hint(3))
                .isInstanceOf(InterruptedException.class);
        assertThat(log.interrupted()).as("both running tasks must have been interrupted before await() returned%n%s",
                log.timeline()).hasSize(2);
        assertThat(log.calls("profile(1003)")).as("the queued task must never start%n%s", log.timeline()).isEmpty();
        assertThat(group.isCancelled()).as("isCancelled() after the awaiting caller was interrupted").isTrue();
    }

    @Test
    @Order(7)
    @DisplayName("20 tasks of 50 ms on 4 workers take about 5 rounds: far slower than unbounded, far faster than serial")
    void boundedTimeIsRoundsTimesLatency() {
        int n = 20, workers = 4;
        Duration latency = Duration.ofMillis(50);
        int rounds = (n + workers - 1) / workers;

        Duration unbounded = timeBatch(new CallLog(), n, n, latency);
        CallLog boundedLog = new CallLog();
        Duration bounded = timeBatch(boundedLog, workers, n, latency);

        assertThatCalls(boundedLog).withHint(KATA.hint(2)).neverExceededConcurrency(workers);
        assertThat(bounded).as("%d tasks of %d ms on %d workers must take at least %d rounds (%d workers took %d ms);"
                        + " %s", n, latency.toMillis(), workers, rounds, n, unbounded.toMillis(), KATA.hint(2))
                .isGreaterThanOrEqualTo(latency.multipliedBy(rounds).multipliedBy(9).dividedBy(10));
        assertThat(bounded.toNanos()).as("4 workers took %d ms, 20 workers %d ms: about %d rounds of the"
                        + " latter are expected, far less than one call after another", bounded.toMillis(),
                unbounded.toMillis(), rounds).isLessThanOrEqualTo(unbounded.toNanos() * rounds * 3);
    }

    private static Duration timeBatch(CallLog batchLog, int workers, int n, Duration latency) {
        Tasks batch = new Tasks(batchLog).lookupsTake(latency);
        return batch.time("the caller of go() and await()", () -> {
            WorkerPoolGroup pool = new WorkerPoolGroup(workers);
            batch.goAll(pool::go, ids(n));
            pool.await();
        });
    }
}

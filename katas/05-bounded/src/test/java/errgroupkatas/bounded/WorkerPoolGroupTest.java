package errgroupkatas.bounded;

import static errgroupkatas.bounded.LimitedGroupTest.DEADLINE;
import static errgroupkatas.bounded.LimitedGroupTest.HOLD;
import static errgroupkatas.bounded.LimitedGroupTest.KATA;
import static errgroupkatas.support.CallLogAssert.assertThatCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import errgroupkatas.support.Call;
import errgroupkatas.support.CallLog;
import errgroupkatas.support.FakeProfileService;
import errgroupkatas.support.Gate;
import errgroupkatas.support.Kata;
import errgroupkatas.support.KataCall;
import errgroupkatas.support.KataCall.Outcome;
import errgroupkatas.support.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    final FakeProfileService profiles = new FakeProfileService(log);

    private WorkerPoolGroup.Task lookup(long id) {
        return () -> profiles.profile(id);
    }

    private Map<Long, Gate> gated(List<Long> ids) {
        Map<Long, Gate> gates = new LinkedHashMap<>();
        for (long id : ids) {
            Gate gate = Gate.closed("profile(" + id + ")");
            gates.put(id, gate);
            profiles.on(id, Reply.when(gate));
        }
        return gates;
    }

    private static List<Long> ids(int n) {
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(1000L + i);
        }
        return ids;
    }

    /** go() every lookup on a kata-call thread, which must return at once: go() never blocks. */
    private void goAll(WorkerPoolGroup group, List<Long> ids) {
        KATA.<Void>call(() -> {
            for (long id : ids) {
                group.go(lookup(id));
            }
            return null;
        }).showing(log).awaitWithin(DEADLINE).returned();
    }

    private KataCall<Void> awaitCall(WorkerPoolGroup group) {
        return KATA.<Void>call(() -> {
            group.await();
            return null;
        }).showing(log);
    }

    private static void hold() {
        try {
            Thread.sleep(HOLD);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("the test was interrupted", e);
        }
    }

    private static long idOf(Call call) {
        String name = call.name();
        return Long.parseLong(name.substring(name.indexOf('(') + 1, name.indexOf(')')));
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
        Map<Long, Gate> gates = gated(ids);
        WorkerPoolGroup group = new WorkerPoolGroup(2);

        goAll(group, ids); // fails here if go() blocks
        log.awaitInFlight(2, DEADLINE);
        hold();
        assertThat(log.calls()).as("2 workers, both busy: no 3rd task may start; %s%n%s", KATA.hint(2),
                log.timeline()).hasSize(2);

        gates.get(idOf(log.inFlight().getFirst())).open();
        log.awaitStarted(3, DEADLINE);
        log.awaitInFlight(2, DEADLINE);
        hold();
        assertThat(log.calls()).as("one worker became free, so exactly one more task may start; %s%n%s",
                KATA.hint(2), log.timeline()).hasSize(3);

        gates.values().forEach(Gate::open);
        awaitCall(group).awaitWithin(DEADLINE).returned();
        assertThatCalls(log).withHint(KATA.hint(2)).hasCalls("profile(", 5)
                .reachedConcurrency(2).neverExceededConcurrency(2);
        assertThat(log.calls().stream().map(Call::threadName).distinct())
                .as("the tasks must run on the 2 workers%n%s", log.timeline()).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    @Order(3)
    @DisplayName("10 000 tasks run on at most 8 threads, never more than 8 at once, none on the caller, and await drains them all")
    void tenThousandTasksOnEightThreads() {
        int tasks = 10_000, workers = 8;
        TaskProbe probe = new TaskProbe();
        WorkerPoolGroup group = new WorkerPoolGroup(workers);

        var call = KATA.<Void>call(() -> {
            for (int i = 0; i < tasks; i++) {
                group.go(() -> probe.run(Thread::yield));
            }
            group.await();
            return null;
        });
        call.awaitWithin(DEADLINE).returned();

        assertThat(probe.ran()).as("await() must return only once the queue is drained").isEqualTo(tasks);
        assertThat(probe.distinctThreads())
                .as("%d tasks ran on %d distinct threads, e.g. %s: a worker pool keeps %d threads for the"
                        + " group's whole life and gives each many tasks, never a thread per task (a semaphore"
                        + " bounds how many run, not how many threads exist); %s", tasks, probe.distinctThreads(),
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
        Gate fail = Gate.closed("profile(1001) fails");
        profiles.on(1001, Reply.when(fail).failing());
        gated(List.of(1002L, 1003L)); // never opened
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
        Gate fail = Gate.closed("profile(1001) fails");
        profiles.on(1001, Reply.when(fail).failing());
        gated(List.of(1002L)); // never opened
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
        gated(List.of(1001L, 1002L)); // never opened
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

    private Duration timeBatch(CallLog batchLog, int workers, int n, Duration latency) {
        FakeProfileService service = new FakeProfileService(batchLog).byDefault(Reply.after(latency));
        Outcome<Void> outcome = KATA.<Void>call(() -> {
            WorkerPoolGroup batch = new WorkerPoolGroup(workers);
            for (long id : ids(n)) {
                batch.go(() -> service.profile(id));
            }
            batch.await();
            return null;
        }).showing(batchLog).awaitWithin(DEADLINE);
        outcome.returned();
        return outcome.elapsed();
    }
}

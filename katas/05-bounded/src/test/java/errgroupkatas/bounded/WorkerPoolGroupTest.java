package errgroupkatas.bounded;

import static errgroupkatas.bounded.LimitedGroupTest.DEADLINE;
import static errgroupkatas.bounded.LimitedGroupTest.HOLD;
import static errgroupkatas.bounded.LimitedGroupTest.KATA;
import static errgroupkatas.bounded.Tasks.ids;
import static errgroupkatas.support.CallLogAssert.assertThatCalls;
import static org.assertj.core.api.Assertions.assertThat;

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
    final Kata.NoLeaks noLeaks = KATA.noLeaks(3);

    final CallLog log = new CallLog();
    final Tasks tasks = new Tasks(log);

    /** go() every lookup on a kata-call thread, which must return at once: go() never blocks. */
    private void goAll(int hint, WorkerPoolGroup group, List<Long> ids) {
        Tasks.call("the caller of go()", hint, () -> tasks.goAll(group::go, ids))
                .showing(log).awaitWithin(DEADLINE).returned();
    }

    /** go() each task on a kata-call thread, which must return at once. */
    private void goEach(int hint, WorkerPoolGroup group, Tasks.Lookup... lookups) {
        Tasks.call("the caller of go()", hint, () -> {
            for (Tasks.Lookup lookup : lookups) {
                group.go(lookup);
            }
        }).showing(log).awaitWithin(DEADLINE).returned();
    }

    /** await() on a kata-call thread. */
    private KataCall<Void> awaitCall(int hint, WorkerPoolGroup group) {
        return Tasks.call("the caller of await()", hint, group::await).showing(log);
    }

    @Test
    @Order(1)
    @DisplayName("a pool needs at least one worker")
    void needsAWorker() {
        assertThat(KATA.withHint(2).thrownBy("new WorkerPoolGroup(0)", IllegalArgumentException.class,
                () -> new WorkerPoolGroup(0))).as("new WorkerPoolGroup(0); kratos panics here too")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(KATA.withHint(2).thrownBy("new WorkerPoolGroup(-1)", IllegalArgumentException.class,
                () -> new WorkerPoolGroup(-1))).as("new WorkerPoolGroup(-1)")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Order(2)
    @DisplayName("go never blocks: tasks queue while the n workers are busy, and a freed worker takes exactly one more")
    void goNeverBlocksAndWorkersTakeOneAtATime() {
        List<Long> ids = ids(5);
        tasks.gate(ids);
        WorkerPoolGroup group = new WorkerPoolGroup(2);

        goAll(2, group, ids); // fails here if go() blocks
        log.awaitInFlight(2, DEADLINE);
        var call = awaitCall(2, group); // waits while the workers work through the queue
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
    @DisplayName("a worker that ran out of tasks waits for more: a task queued later starts at once, before await, and await ends the idle worker")
    void idleWorkerTakesTheNextTask() {
        WorkerPoolGroup group = new WorkerPoolGroup(1);

        goAll(2, group, List.of(1001L)); // answers at once
        log.awaitCall("profile(1001)", DEADLINE);
        log.awaitAllEnded(DEADLINE); // the queue is empty, await() not called: the worker must wait
        Thread worker = tasks.threadOf(1001);
        Tasks.awaitIdle(worker, DEADLINE);
        goAll(2, group, List.of(1002L));
        Tasks.awaitThat(() -> !log.calls("profile(1002)").isEmpty(), "profile(1002), queued while the worker waited"
                + " for a task, to start: a free worker takes a new task at once, not only once await() is called",
                log, 2, DEADLINE);
        log.awaitAllEnded(DEADLINE);
        Tasks.awaitIdle(worker, DEADLINE);

        boolean aliveAtReturn = KATA.withHint(2).call("the caller of await(), while the worker waits for a task", () -> {
            group.await();
            return worker.isAlive();
        }).showing(log).awaitWithin(DEADLINE).returned();
        assertThat(aliveAtReturn).as("the worker when await() returned: await() must end every worker, also one that"
                + " is waiting for a task (wake it), and join it; %s", KATA.hint(2)).isFalse();
        assertThat(tasks.threadOf(1002)).as("the thread that ran profile(1002): a pool of 1 keeps its one worker for"
                + " the group's whole life; %s", KATA.hint(2)).isSameAs(worker);
    }

    @Test
    @Order(4)
    @DisplayName("10 000 tasks run on at most 8 threads, never more than 8 at once, none on the caller, and await drains them all")
    void tenThousandTasksOnEightThreads() {
        int n = 10_000, workers = 8;
        TaskProbe probe = new TaskProbe();
        WorkerPoolGroup group = new WorkerPoolGroup(workers);

        var call = Tasks.call("the caller of go() and await()", 2, () -> {
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
    @Order(5)
    @DisplayName("a pool runs one batch: go after await throws IllegalStateException")
    void goAfterAwaitThrows() {
        WorkerPoolGroup group = new WorkerPoolGroup(2);
        goAll(2, group, List.of(1001L));
        awaitCall(2, group).awaitWithin(DEADLINE).returned();

        Throwable thrown = Tasks.call("go() after await() returned", 2, () -> group.go(tasks.lookup(1002))).showing(log)
                .awaitWithin(DEADLINE).threw(IllegalStateException.class);

        assertThat(thrown).as("go() after await(): the workers have ended, so the task could never run; %s",
                KATA.hint(2)).isInstanceOf(IllegalStateException.class);
        assertThat(log.calls("profile(1002)")).as("the task given to go() after await()").isEmpty();
    }

    @Test
    @Order(6)
    @DisplayName("the first failure cancels the group: await reports it, the running tasks are interrupted; until then it is not cancelled")
    void firstFailureCancels() {
        Gate fail = tasks.failing(1001);
        tasks.gate(List.of(1002L, 1003L)); // never opened
        WorkerPoolGroup group = new WorkerPoolGroup(3);

        goAll(3, group, List.of(1001L, 1002L, 1003L));
        log.awaitInFlight(3, DEADLINE);
        assertThat(group.isCancelled()).as("isCancelled() while three tasks run and none has failed; %s",
                KATA.hint(3)).isFalse();
        assertThat(group.cancellationCause()).as("cancellationCause() before any failure").isEmpty();
        fail.open();
        Throwable thrown = awaitCall(3, group).awaitWithin(DEADLINE).threw(ExecutionException.class);

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
    @Order(7)
    @DisplayName("the first failure is sticky: later failures are suppressed on it, the cancellation's interrupts are not reported")
    void laterFailuresAreSuppressed() {
        Gate fail = tasks.failing(1001);
        tasks.gate(List.of(1002L, 1003L)); // never opened
        IllegalStateException later = new IllegalStateException("profile(1002) failed while it stopped");
        WorkerPoolGroup group = new WorkerPoolGroup(3);

        goEach(3, group, tasks.lookup(1001), tasks.failingWhenInterrupted(1002, later), tasks.lookup(1003));
        log.awaitInFlight(3, DEADLINE);
        fail.open();
        Throwable thrown = awaitCall(3, group).awaitWithin(DEADLINE).threw(ExecutionException.class);

        tasks.assertFirstFailureWithTheLaterSuppressed(thrown, later);
    }

    @Test
    @Order(8)
    @DisplayName("an InterruptedException the group did not cause is a failure like any other")
    void foreignInterruptIsAFailure() {
        InterruptedException foreign = new InterruptedException("someone else interrupted the task");
        WorkerPoolGroup group = new WorkerPoolGroup(2);

        goEach(3, group, () -> {
            throw foreign;
        });
        Throwable thrown = awaitCall(3, group).awaitWithin(DEADLINE).threw(ExecutionException.class);

        assertThat(thrown).as("await() after a task threw an InterruptedException while the group was not"
                + " cancelled: only the interrupts of the group's own cancellation are not failures; %s", KATA.hint(3))
                .isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).as("the cause: the very InterruptedException the task threw").isSameAs(foreign);
    }

    @Test
    @Order(9)
    @DisplayName("after a failure, no queued task starts, and go queues nothing more")
    void noQueuedTaskStartsAfterFailure() {
        Gate fail = tasks.failing(1001);
        tasks.gate(List.of(1002L)); // never opened
        WorkerPoolGroup group = new WorkerPoolGroup(2);

        goAll(3, group, List.of(1001L, 1002L, 1003L, 1004L, 1005L, 1006L));
        log.awaitInFlight(2, DEADLINE);
        fail.open();
        Tasks.awaitThat(group::isCancelled, "isCancelled() to be true after profile(1001) failed", log, 3, DEADLINE);
        goAll(3, group, List.of(1007L));
        Throwable thrown = awaitCall(3, group).awaitWithin(DEADLINE).threw(ExecutionException.class);

        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(log.calls()).as("profile(1003…1006) were queued, and profile(1007) was given to go() after the"
                        + " failure; none may start (kratos runs them anyway: wasted work against a failing"
                        + " dependency); %s%n%s", KATA.hint(3), log.timeline()).hasSize(2);
        assertThatCalls(log).withHint(KATA.hint(3)).hasNoCallStartedAfterEnd(log.firstFailed());
    }

    @Test
    @Order(10)
    @DisplayName("an interrupted await cancels the group, drops the queue, waits for the running tasks, and throws InterruptedException")
    void interruptedAwait() {
        tasks.gate(List.of(1001L, 1002L)); // never opened
        WorkerPoolGroup group = new WorkerPoolGroup(2);

        goAll(3, group, List.of(1001L, 1002L, 1003L));
        log.awaitInFlight(2, DEADLINE);
        var call = awaitCall(3, group);
        call.interrupt();
        Throwable thrown = call.awaitWithin(DEADLINE).threw(InterruptedException.class);

        assertThat(thrown).as("await() of an interrupted caller; %s", KATA.hint(3))
                .isInstanceOf(InterruptedException.class);
        assertThat(log.interrupted()).as("both running tasks must have been interrupted before await() returned%n%s",
                log.timeline()).hasSize(2);
        assertThat(log.calls("profile(1003)")).as("the queued task must never start%n%s", log.timeline()).isEmpty();
        assertThat(group.isCancelled()).as("isCancelled() after the awaiting caller was interrupted").isTrue();
    }

    @Test
    @Order(11)
    @DisplayName("the cause stays what cancelled the group first: a task that fails as the cancellation stops it does not replace it")
    void theFirstCauseStays() {
        tasks.gate(List.of(1001L, 1002L)); // never opened
        IllegalStateException stopping = new IllegalStateException("profile(1001) failed as it was interrupted");
        WorkerPoolGroup group = new WorkerPoolGroup(2);

        goEach(3, group, tasks.failingWhenInterrupted(1001, stopping), tasks.lookup(1002));
        log.awaitInFlight(2, DEADLINE);
        var call = awaitCall(3, group);
        call.interrupt();
        Throwable thrown = call.awaitWithin(DEADLINE).threw(InterruptedException.class);

        assertThat(thrown).as("await() of an interrupted caller; %s", KATA.hint(3))
                .isInstanceOf(InterruptedException.class);
        assertThat(group.cancellationCause()).as("the caller's interrupt cancelled the group; profile(1001) failed"
                + " only because that cancellation interrupted it, so the cause must stay the interrupt: cancel once,"
                + " and never overwrite the cause; %s", KATA.hint(3))
                .hasValueSatisfying(c -> assertThat(c).isInstanceOf(InterruptedException.class));
    }

    @Test
    @Order(12)
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
        return batch.time("the caller of go() and await()", 2, () -> {
            WorkerPoolGroup pool = new WorkerPoolGroup(workers);
            batch.goAll(pool::go, ids(n));
            pool.await();
        });
    }
}

package errgroupkatas.bounded;

import static errgroupkatas.bounded.LimitedGroupTest.DEADLINE;
import static errgroupkatas.bounded.LimitedGroupTest.KATA;
import static org.assertj.core.api.Assertions.assertThat;

import errgroupkatas.story.ServiceException;
import errgroupkatas.support.CallLog;
import errgroupkatas.support.FakeProfileService;
import errgroupkatas.support.Gate;
import errgroupkatas.support.KataCall;
import errgroupkatas.support.KataCall.Outcome;
import errgroupkatas.support.Parking;
import errgroupkatas.support.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The tasks {@link LimitedGroupTest} and {@link WorkerPoolGroupTest} give their group: profile
 * lookups ({@code profile(1001)}, …) against a fake service that records them in the test's
 * {@link CallLog}, each held on a closed gate of its own when the test wants it held. And the
 * caller thread that gives them ({@link #call}).
 *
 * <p>One per test; used from the test's thread.
 */
final class Tasks {

    /**
     * A lookup either group takes: {@link LimitedGroup.Task} and {@link WorkerPoolGroup.Task} have
     * the same single method.
     */
    @FunctionalInterface
    interface Lookup extends LimitedGroup.Task, WorkerPoolGroup.Task {
    }

    /** A group's {@code go}, e.g. {@code group::go}. */
    @FunctionalInterface
    interface Go {
        void go(Lookup task) throws Exception;
    }

    /** What the caller does on its kata-call thread, e.g. {@code group::await}. */
    @FunctionalInterface
    interface Steps {
        void run() throws Exception;
    }

    private final CallLog log;
    private final FakeProfileService profiles;
    /** The gates of the held lookups, by call name ({@code profile(1001)}). */
    private final Map<String, Gate> gates = new LinkedHashMap<>();
    /** The thread each lookup ran on, by id. */
    private final Map<Long, Thread> ranOn = new ConcurrentHashMap<>();

    /** Lookups that record themselves in {@code log} and answer at once unless told otherwise. */
    Tasks(CallLog log) {
        this.log = log;
        this.profiles = new FakeProfileService(log);
    }

    /** The ids 1001 … 1000 + {@code n}, in order. */
    static List<Long> ids(int n) {
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(1000L + i);
        }
        return ids;
    }

    /** A task that looks {@code id} up: {@code profile(id)} in the log. */
    Lookup lookup(long id) {
        return () -> {
            ranOn.put(id, Thread.currentThread());
            profiles.profile(id);
        };
    }

    /**
     * A lookup of {@code id} that, when it is interrupted, cleans up before it stops: it plays
     * {@code cleanup(id)}, which waits for {@code cleanup}, then rethrows the interrupt. Until the
     * test opens that gate it keeps its slot (or its worker), interrupted or not. Hold the lookup
     * itself with {@link #gate}.
     */
    Lookup cleaningUp(long id, Gate cleanup) {
        return () -> {
            try {
                lookup(id).run();
            } catch (InterruptedException e) {
                log.play("cleanup(" + id + ")", Reply.when(cleanup));
                throw e;
            }
        };
    }

    /**
     * A lookup of {@code id} that fails with {@code failure} when it is interrupted: a real
     * failure that happens while the task stops. Hold the lookup itself with {@link #gate}.
     */
    Lookup failingWhenInterrupted(long id, RuntimeException failure) {
        return () -> {
            try {
                lookup(id).run();
            } catch (InterruptedException e) {
                throw failure;
            }
        };
    }

    /** The thread the lookup of {@code id} ran on; fails if it has not started. */
    Thread threadOf(long id) {
        Thread t = ranOn.get(id);
        if (t == null) {
            throw new AssertionError("profile(" + id + ") has not run\n" + log.timeline());
        }
        return t;
    }

    /** The threads the lookups ran on (each once) that are still alive now. */
    List<Thread> threadsAlive() {
        return ranOn.values().stream().distinct().filter(Thread::isAlive).toList();
    }

    /** Gives {@code go} the lookup of each of {@code ids}, in order. */
    void goAll(Go go, List<Long> ids) throws Exception {
        for (long id : ids) {
            go.go(lookup(id));
        }
    }

    /** Every lookup without a gate of its own takes {@code latency}. */
    Tasks lookupsTake(Duration latency) {
        profiles.byDefault(Reply.after(latency));
        return this;
    }

    /** Holds the lookup of each of {@code ids} on a closed gate of its own, until the test opens it. */
    void gate(List<Long> ids) {
        for (long id : ids) {
            Gate gate = Gate.closed("profile(" + id + ")");
            gates.put(gate.name(), gate);
            profiles.on(id, Reply.when(gate));
        }
    }

    /** Makes the lookup of {@code id} wait for the gate this returns, and then fail. */
    Gate failing(long id) {
        Gate fail = Gate.closed("profile(" + id + ") fails");
        profiles.on(id, Reply.when(fail).failing());
        return fail;
    }

    /** Makes the lookup of {@code id} wait for the gate this returns, and then throw {@code failure} itself. */
    Gate failingWith(long id, Throwable failure) {
        Gate fail = Gate.closed("profile(" + id + ") throws " + failure.getClass().getSimpleName());
        profiles.on(id, Reply.when(fail).failingWith(() -> failure));
        return fail;
    }

    /** The kinds of throwable a task may throw, as the parameterized tests name them. */
    static final String CHECKED = "a checked exception", UNCHECKED = "a RuntimeException", ERROR = "an Error";

    /** A new throwable of {@code kind} ({@link #CHECKED}, {@link #UNCHECKED}, {@link #ERROR}) that names {@code call}. */
    static Throwable throwable(String kind, String call) {
        return switch (kind) {
            case CHECKED -> new ServiceException(call + " failed (a checked exception the test made)");
            case UNCHECKED -> new IllegalArgumentException(call + " failed (a RuntimeException: a bug, Go's panic)");
            case ERROR -> new AssertionError(call + " failed (an Error: a bug, Go's panic)");
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /**
     * A probe for the repetition nets: if it starts in a group that {@code cancelled} says is
     * cancelled, it waits up to a second for the interrupt that the cancellation owes every thread
     * it let start (a correct group interrupts each within microseconds: it starts no task after
     * the cancel, and interrupts every thread it started before). One that never comes is added
     * to {@code late} as {@code name}: a task that started after the cancellation.
     */
    static Lookup probeOfTheCancellation(BooleanSupplier cancelled, List<String> late, String name) {
        return () -> {
            if (!cancelled.getAsBoolean()) {
                return;
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (!Thread.currentThread().isInterrupted()) {
                if (System.nanoTime() - deadline > 0) {
                    late.add(name);
                    return;
                }
                LockSupport.parkNanos(100_000);
            }
        };
    }

    /**
     * A task for the repetition nets that look at the end of a task's thread: it adds its thread
     * to {@code ran}, then spins (it does not park: it returns the moment it is told) until
     * {@code release} is set, or a second has passed.
     */
    static Lookup spinningUntil(AtomicBoolean release, List<Thread> ran) {
        return () -> {
            ran.add(Thread.currentThread());
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (!release.get() && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
        };
    }

    /**
     * One round of the nets that look at the end of a task's thread, on the caller: waits until
     * the task {@link #spinningUntil} has started ({@code ran} holds its thread), releases it,
     * spins {@code delay} times (rounds sweep the moment {@code await()} is called across the
     * task's last microseconds), then runs {@code await}, and adds to {@code aliveAtReturn} the
     * task threads still alive when it returned.
     */
    static void releaseThenAwait(AtomicBoolean release, List<Thread> ran, int delay, Steps await,
            List<Thread> aliveAtReturn) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (ran.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
        release.set(true);
        for (int i = 0; i < delay; i++) {
            Thread.onSpinWait();
        }
        await.run();
        ran.stream().filter(Thread::isAlive).forEach(aliveAtReturn::add);
    }

    /** Opens the gate of {@code id}'s lookup: it returns. */
    void open(long id) {
        gates.get("profile(" + id + ")").open();
    }

    /** Opens the gate of the lookup in flight that started first: exactly one lookup ends. */
    void openFirstInFlight() {
        gates.get(log.inFlight().getFirst().name()).open();
    }

    /** Opens every gate: all held lookups return. */
    void openAll() {
        gates.values().forEach(Gate::open);
    }

    /**
     * Waits until {@code condition} holds, e.g. {@code group::isCancelled} after a failure; fails,
     * naming {@code what} it waited for, showing {@code log} and pointing to {@code hint}, if it
     * does not within {@code atMost}.
     */
    static void awaitThat(BooleanSupplier condition, String what, CallLog log, int hint, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Waited " + atMost.toMillis() + " ms for " + what
                        + ", but it did not happen.\n" + log.timeline() + KATA.hint(hint));
            }
            LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
        }
    }

    /**
     * Waits until {@code worker} has nothing to do: it waits (parked) for the next task, or it has
     * ended. Fails, saying it is busy, if it is still running after {@code atMost}.
     */
    static void awaitIdle(Thread worker, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!idle(worker)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Expected worker " + worker + " to wait for the next task once its task"
                        + " had returned, but after " + atMost.toMillis() + " ms it is still " + worker.getState()
                        + ": a worker without a task must block until one comes (or await() closes the queue),"
                        + " never spin.\n" + KATA.hint(2));
            }
            LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
        }
    }

    private static boolean idle(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.TERMINATED;
    }

    /**
     * Starts {@code steps} on a kata-call thread of their own: the group's caller, which a test can
     * interrupt and give a deadline. {@code description} names it in failure messages, which cite
     * {@code hint}: the one that helps with the test.
     */
    static KataCall<Void> call(String description, int hint, Steps steps) {
        return KATA.withHint(hint).call(description, () -> {
            steps.run();
            return null;
        });
    }

    /**
     * How long {@code steps} take as the caller, with this log and {@code hint} in failure messages.
     * Fails if they throw, or if they have not ended within {@code DEADLINE}.
     */
    Duration time(String description, int hint, Steps steps) {
        Outcome<Void> outcome = call(description, hint, steps).showing(log).awaitWithin(DEADLINE);
        outcome.returned();
        return outcome.elapsed();
    }

    /**
     * Asserts what {@code await()} threw after profile(1001) failed first, profile(1002) failed
     * with {@code later} as the cancellation stopped it, and profile(1003) was interrupted: an
     * ExecutionException whose cause is the first failure and whose only suppressed exception is
     * {@code later}.
     */
    void assertFirstFailureWithTheLaterSuppressed(Throwable thrown, Throwable later) {
        assertThat(thrown).as("await() after profile(1001) failed; %s", KATA.hint(3))
                .isInstanceOf(ExecutionException.class)
                .cause().as("the first failure wins, whatever fails after it; %s", KATA.hint(3))
                .isSameAs(log.firstFailed().failure());
        assertThat(thrown.getSuppressed()).as("the ExecutionException's suppressed exceptions: the later real failure"
                + " (profile(1002)'s), but not profile(1003)'s InterruptedException, which the group's own"
                + " cancellation caused; %s%n%s", KATA.hint(3), log.timeline()).containsExactly(later);
    }

    /**
     * The task of Go's {@code TestGoLimit}: counts itself into {@code active}, fails if it then sees
     * more than {@code limit} active (leaving the count as it is, as Go's does), sleeps a microsecond
     * to give the others the chance to count themselves in, and counts itself out.
     */
    static Lookup countingActive(AtomicInteger active, int limit) {
        return () -> {
            int n = active.incrementAndGet();
            if (n > limit) {
                throw new IllegalStateException("saw " + n + " active tasks; want ≤ " + limit);
            }
            Thread.sleep(Duration.ofNanos(1_000)); // give other tasks a chance to increment active
            active.decrementAndGet();
        };
    }

    /**
     * Waits until {@code call}'s thread, interrupted before it called {@code await()}, is parked in
     * a wait that an interrupt ends: it got there only after a wait of {@code await()} threw, so
     * the interrupt has reached the call, and the test may let the group's tasks end. Fails,
     * showing {@code log} and pointing to {@code hint}, if the call ends first or never waits.
     */
    static void awaitInterruptReached(KataCall<?> call, CallLog log, int hint) {
        boolean waiting = call.watchFor(() -> Parking.inInterruptibleWait(call.thread()), DEADLINE);
        assertThat(waiting).as("await() of an interrupted thread while a task still cleans up: it must wait for"
                + " that task (the first wait throws InterruptedException at once; cancel, and wait again), but it"
                + " ended first or never waited.%n%s%s", log.timeline(), KATA.hint(hint)).isTrue();
    }

    /**
     * Interrupts {@code call}'s thread, which gave its group {@link #cleaningUp} of 1001 and awaits
     * it, once while profile(1001) runs, and again once that first interrupt has cancelled the group
     * (cleanup(1001) started) and {@code await()} waits again: the second interrupt reaches a wait of
     * {@code await()}, never a lock, while the task still holds {@code cleanup}'s gate. Its own
     * failures (the call never waited again) point to {@code hint}.
     */
    static void interruptTwiceWhileATaskCleansUp(KataCall<?> call, CallLog log, Gate cleanup, int hint) {
        call.awaitFakeCall(log, "profile(1001)", DEADLINE);
        call.interrupt();
        call.awaitFakeCall(log, "cleanup(1001)", DEADLINE); // the first interrupt cancelled the group
        awaitInterruptReached(call, log, hint);
        call.interrupt();
    }

    /**
     * Asserts what an {@code await()} interrupted twice did: it did not return while a task still
     * cleaned up ({@code returnedEarly}), and then, in {@code outcome}, threw the first interrupt,
     * the group's cause. Its failures point to {@code hint}.
     */
    static void assertStillWaitedAndThrewTheFirst(boolean returnedEarly, Outcome<?> outcome,
            java.util.Optional<Throwable> cause, CallLog log, int hint) {
        assertThat(returnedEarly).as("await() ended while cleanup(1001) still ran: the second interrupt got out of"
                + " a wait. The group is already cancelled; another interrupt changes nothing: keep catching it while"
                + " you wait, until every task has ended.%n%s%s", log.timeline(), KATA.hint(hint)).isFalse();
        Throwable thrown = outcome.threw(InterruptedException.class);
        assertThat(thrown).as("await() after two interrupts; %s", KATA.hint(hint))
                .isInstanceOf(InterruptedException.class);
        assertThat(thrown).as("await() threw another InterruptedException than the one that cancelled the group (its"
                + " cancellationCause()): keep the first, as you keep the first failure; %s", KATA.hint(hint))
                .isSameAs(cause.orElseThrow());
    }
}

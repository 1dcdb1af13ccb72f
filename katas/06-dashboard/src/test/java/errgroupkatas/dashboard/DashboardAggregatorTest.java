package errgroupkatas.dashboard;

import static errgroupkatas.dashboard.Option.withLogger;
import static errgroupkatas.dashboard.Option.withTimeout;
import static errgroupkatas.dashboard.ServiceCalls.only;
import static errgroupkatas.support.CallLogAssert.assertThatCalls;
import static errgroupkatas.support.Story.USER;
import static org.assertj.core.api.Assertions.assertThat;

import errgroupkatas.dashboard.DashboardAggregator.DashboardException;
import errgroupkatas.support.Call;
import errgroupkatas.support.CallLog;
import errgroupkatas.support.Checks;
import errgroupkatas.support.FakeOrderService;
import errgroupkatas.support.FakeProfileService;
import errgroupkatas.support.Gate;
import errgroupkatas.support.Kata;
import errgroupkatas.support.KataCall.Outcome;
import errgroupkatas.support.KataCall;
import errgroupkatas.support.LateFailingProfileService;
import errgroupkatas.support.LingeringProfileService;
import errgroupkatas.support.Reply;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Kata 06's rules, easiest first. Read them top to bottom; make them green one by one. */
@Order(1)
@DisplayName("Kata 06 — the dashboard aggregator")
class DashboardAggregatorTest {
    static final Kata KATA = new Kata("06-dashboard", "errgroupkatas.dashboard");
    /** Generous: a correct aggregator needs a few milliseconds, or its timeout, here. */
    static final Duration DEADLINE = Duration.ofSeconds(2);
    /** The timeout of the tests that are not about the timeout: far beyond any test's deadline. */
    static final Duration NO_TIMEOUT_HERE = Duration.ofSeconds(10);
    /** What a call that "would take 10 s" takes. */
    static final Duration TEN_SECONDS = Duration.ofSeconds(10);
    /**
     * How long a test holds back a call that was cancelled, while it watches whether aggregate
     * returns meanwhile: a correct aggregate cannot (it waits for the call), so this costs it only
     * time. Not a deadline.
     */
    static final Duration LINGER = Duration.ofMillis(300);
    /** The same, where the test's other facts are settled by gates and only the wait is watched. */
    static final Duration SHORT_LINGER = Duration.ofMillis(150);
    /** The dashboard line of {@link errgroupkatas.support.Story#USER} with the fakes' answers. */
    static final String LINE = "Name: " + FakeProfileService.userFor(USER).name() + " | Order: "
            + FakeOrderService.orderFor(USER);

    @RegisterExtension
    final Kata.NoLeaks noLeaks = KATA.noLeaks(2);
    /** Every test also fails if aggregate leaves its caller's interrupt status set, whatever the outcome. */
    @RegisterExtension
    final Kata.CallerStatus callerStatus = KATA.callerStatus(2);

    final CallLog log = new CallLog();
    final FakeProfileService profiles = new FakeProfileService(log);
    final FakeOrderService orders = new FakeOrderService(log);
    final CapturingLogger logger = new CapturingLogger();

    /** An aggregator that logs to {@link #logger}, with no timeout in reach unless {@code options} set one. */
    private DashboardAggregator aggregator(Option... options) {
        List<Option> all = new ArrayList<>(List.of(withTimeout(NO_TIMEOUT_HERE), withLogger(logger)));
        all.addAll(List.of(options));
        return DashboardAggregator.create(profiles, orders, all.toArray(Option[]::new));
    }

    /** Starts aggregate(USER); its failures cite {@code hint}, the one that helps with the test. */
    private KataCall<String> start(DashboardAggregator dashboard, int hint) {
        return callerStatus.watch(KATA.withHint(hint).call("aggregate(" + USER + ")", () -> dashboard.aggregate(USER))
                .showing(log));
    }

    /** The call has ended, interrupted, at the moment aggregate returned: asserted at once, never waited for. */
    private static void assertEndedInterrupted(CallLog log, String prefix, String why) {
        ServiceCalls.assertEndedInterrupted(log, prefix, "aggregate", why);
    }

    @Test
    @Checks(1)
    @Order(1)
    @DisplayName("returns \"<profile> | <orders>\", e.g. \"Name: user-1 | Order: 15\"")
    void returnsTheDashboardLine() {
        String line = start(aggregator(), 3).awaitWithin(DEADLINE).returned();

        assertThat(line).as("the dashboard line of user %d: \"Name: \" + the user's name, \" | \", \"Order: \""
                + " + the latest order id%n%s", USER, log.timeline()).isEqualTo(LINE);
        only(log, "profile(" + USER + ")");
        only(log, "latestOrder(" + USER + ")");
    }

    @Test
    @Checks(2)
    @Order(2)
    @DisplayName("both calls are in flight at once: neither waits for the other")
    void bothCallsInFlightAtOnce() {
        Gate profileGate = Gate.closed("profile answers");
        Gate orderGate = Gate.closed("orders answer");
        profiles.byDefault(Reply.when(profileGate));
        orders.replying(Reply.when(orderGate));

        var call = start(aggregator(), 1);
        call.awaitInFlight(log, 2, DEADLINE);
        orderGate.open();
        profileGate.open();

        assertThat(call.awaitWithin(DEADLINE).returned()).as("the line once both calls answered").isEqualTo(LINE);
        assertThatCalls(log).withHint(KATA.hint(1)).reachedConcurrency(2).neverExceededConcurrency(2)
                .hasCalls("profile(", 1).hasCalls("latestOrder(", 1);
    }

    @Test
    @Checks(2)
    @Order(3)
    @DisplayName("it takes about as long as the slower call, not the sum of both")
    void takesAboutTheSlowerCall() {
        profiles.byDefault(Reply.after(Duration.ofMillis(400)));
        orders.replying(Reply.after(Duration.ofMillis(450)));

        Outcome<String> outcome = start(aggregator(), 1).awaitWithin(DEADLINE);

        assertThat(outcome.returned()).isEqualTo(LINE);
        // The reference is measured in this very run: what the two calls took, one after the other.
        Duration sum = log.calls().stream().map(c -> Duration.ofNanos(c.endNanos() - c.startNanos()))
                .reduce(Duration.ZERO, Duration::plus);
        assertThat(outcome.elapsed())
                .as("aggregate took %d ms; its two calls took %d ms together. Calls made one after the other take"
                        + " at least their sum; at once, about the slower one. Expected under 90%% of the sum.%n%s%s",
                        outcome.elapsed().toMillis(), sum.toMillis(), log.timeline(), KATA.hint(1))
                .isLessThan(sum.multipliedBy(90).dividedBy(100));
    }

    @Test
    @Checks({3, 5, 6})
    @Order(4)
    @DisplayName("a failing order service fails the dashboard at once, naming it, and cancels the profile call")
    void orderFailureCancelsTheProfileCall() {
        Gate profileGate = Gate.closed("profile never answers");
        Gate orderGate = Gate.closed("orders fail when the test says");
        profiles.byDefault(Reply.when(profileGate));
        orders.replying(Reply.when(orderGate).failing());

        var call = start(aggregator(), 1);
        call.awaitInFlight(log, 2, DEADLINE);
        orderGate.open();
        Throwable thrown = call.awaitWithin(DEADLINE).threw(DashboardException.class);

        assertThat(thrown).as("what aggregate threw when the order service failed; %s", KATA.hint(1))
                .isInstanceOf(DashboardException.class)
                .hasMessageContaining("order service");
        assertThat(thrown.getCause()).as("the cause must be the very exception the order service threw")
                .isSameAs(only(log, "latestOrder(").failure());
        assertThat(profileGate.isOpen()).as("the profile gate never opened: aggregate did not wait for it").isFalse();
        assertEndedInterrupted(log, "profile(", "the order service failed");
    }

    @Test
    @Checks({3, 5, 6})
    @Order(5)
    @DisplayName("a failing profile service fails the dashboard at once, naming it, and cancels the order call")
    void profileFailureCancelsTheOrderCall() {
        Gate profileGate = Gate.closed("profile fails when the test says");
        Gate orderGate = Gate.closed("orders never answer");
        profiles.byDefault(Reply.when(profileGate).failing());
        orders.replying(Reply.when(orderGate));

        var call = start(aggregator(), 1);
        call.awaitInFlight(log, 2, DEADLINE);
        profileGate.open();
        Throwable thrown = call.awaitWithin(DEADLINE).threw(DashboardException.class);

        assertThat(thrown).as("what aggregate threw when the profile service failed; %s", KATA.hint(1))
                .isInstanceOf(DashboardException.class)
                .hasMessageContaining("profile service");
        assertThat(thrown.getCause()).as("the cause must be the very exception the profile service threw")
                .isSameAs(only(log, "profile(").failure());
        assertThat(orderGate.isOpen()).as("the order gate never opened: aggregate did not wait for it").isFalse();
        assertEndedInterrupted(log, "latestOrder(", "the profile service failed");
    }

    @Test
    @Checks({4, 5, 6})
    @Order(6)
    @DisplayName("with a 100 ms timeout and a profile call that would take 10 s, it throws TimeoutException well"
            + " within 1 s, and the profile call has ended, interrupted, by then")
    void meetsTheDeadline() {
        // The lesson needs the profile call in flight when the 100 ms pass. On a machine loaded enough, the
        // call's thread may not even have started by then: a correct aggregate then throws TimeoutException
        // with no call to interrupt, and that attempt shows nothing either way. So such an attempt is run
        // again with fresh fakes, up to three times; the third is judged whatever happened.
        for (int attempt = 1; attempt <= 3; attempt++) {
            CallLog log = attempt == 1 ? this.log : new CallLog();
            if (meetsTheDeadlineOnce(log, attempt == 1 ? profiles : new FakeProfileService(log),
                    attempt == 1 ? orders : new FakeOrderService(log), attempt == 3)) {
                return;
            }
        }
    }

    /**
     * One attempt of {@link #meetsTheDeadline}: false, having asserted nothing, when the profile call never
     * started before aggregate ended and {@code judgeAnyway} is false.
     */
    private boolean meetsTheDeadlineOnce(CallLog log, FakeProfileService profiles, FakeOrderService orders,
            boolean judgeAnyway) {
        Duration timeout = Duration.ofMillis(100);
        Duration wellWithin = timeout.multipliedBy(10);
        profiles.byDefault(Reply.after(TEN_SECONDS));
        // Once interrupted, the profile call lingers until the test lets it end: aggregate must wait for it.
        Gate release = Gate.closed("the cancelled profile call may end");
        var lingering = new LingeringProfileService(profiles, release);
        var dashboard = DashboardAggregator.create(lingering, orders, withTimeout(timeout), withLogger(logger));

        var call = callerStatus.watch(KATA.withHint(2).call("aggregate(" + USER + ")", () -> dashboard.aggregate(USER))
                .showing(log));
        lingering.awaitLingeringOrDone(call, DEADLINE, () -> "aggregate's 100 ms timeout passed "
                + DEADLINE.toMillis() + " ms ago, but the profile call was neither interrupted nor did aggregate"
                + " return.\n" + log.timeline() + KATA.hint(2));
        // The cancelled call cannot end before the test opens the gate, so a correct aggregate cannot have
        // returned yet, nor return in the window (it costs a correct one only time). Whether the call already
        // lingers does not matter: a wrong aggregate may return before the call's thread has even seen its
        // interrupt (once, on a single carrier thread).
        boolean returnedWhileTheCallLingered = call.watchFor(call::isDone, LINGER);
        long releasedAt = System.nanoTime();
        release.open();
        Outcome<String> outcome = call.awaitWithin(DEADLINE);
        if (log.calls("profile(").isEmpty() && !judgeAnyway) {
            return false;
        }

        assertThat(outcome.threw(TimeoutException.class)).as("what aggregate did when its 100 ms passed; %s", KATA.hint(2))
                .isInstanceOf(TimeoutException.class);
        assertEndedInterrupted(log, "profile(", "the timeout passed");
        assertThat(returnedWhileTheCallLingered).as("aggregate threw while the profile call it had interrupted was"
                + " still running (the test held it back once interrupted). Interrupting the slow call is not"
                + " enough: wait until it has ended, or it outlives the aggregator.%n%s%s", log.timeline(),
                KATA.hint(2)).isFalse();
        assertThat(outcome.elapsed()).as("aggregate gave up after %d ms, before its 100 ms timeout had passed",
                outcome.elapsed().toMillis()).isGreaterThanOrEqualTo(timeout.multipliedBy(9).dividedBy(10));
        // Both bounds: the time the test held the cancelled call back (from its interrupt to the gate's
        // opening) is the test's, not aggregate's. The rest, 100 ms and a few for a correct aggregate, is
        // bounded an order of magnitude above it, and an order of magnitude below the 10 s call.
        Call profile = only(log, "profile(");
        Duration held = Duration.ofNanos(releasedAt - profile.endNanos());
        Duration own = outcome.elapsed().minus(held);
        Duration untilInterrupted = Duration.ofNanos(profile.endNanos() - profile.startNanos());
        assertThat(own).as("""
                aggregate took %d ms of its own: it interrupted the profile call %d ms after the call started, \
                and threw about %d ms after the test let the cancelled call end (the %d ms the test held it back \
                do not count). A 100 ms timeout must end aggregate well within %d ms: is the timeout of the \
                options the one applied, and counted from the start of aggregate?
                %s%s""", own.toMillis(), untilInterrupted.toMillis(), own.minus(untilInterrupted).toMillis(),
                held.toMillis(), wellWithin.toMillis(), log.timeline(), KATA.hint(2)).isLessThan(wellWithin);
        // The order call answers at once, but a machine slow enough may not have started it, or still
        // have it in flight, at the 100 ms deadline: then it is cancelled too. It never outlives aggregate.
        assertThat(log.calls("latestOrder(")).as("the order call, which answers at once, when aggregate threw: it"
                + " must have ended (returned, or cancelled if it was still in flight at the deadline)%n%s%s",
                log.timeline(), KATA.hint(2)).hasSizeLessThanOrEqualTo(1).noneMatch(Call::running);
        return true;
    }

    @Test
    @Checks({4, 5})
    @Order(7)
    @DisplayName("the timeout covers the whole operation, not each call")
    void timeoutCoversTheWholeOperation() {
        Duration timeout = Duration.ofMillis(1000);
        Duration halfway = Duration.ofMillis(500);
        Duration bound = Duration.ofMillis(1450);
        // A timeout restarted for the second call ends after at least 500 + 1000 ms, whichever call it
        // waits for first; the whole-operation timeout after about 1000 ms. The late call answers halfway,
        // so both sides keep a margin of about 500 ms: the late answer may come up to 500 ms late and the
        // right aggregator may be up to 450 ms slow before the test could be wrong, even on a loaded machine.
        for (String slow : List.of("profile", "orders")) {
            CallLog log = new CallLog();
            Reply late = Reply.after(halfway);
            Reply never = Reply.when(Gate.closed("never answers"));
            var profiles = new FakeProfileService(log).byDefault(slow.equals("profile") ? late : never);
            var orders = new FakeOrderService(log).replying(slow.equals("profile") ? never : late);
            var dashboard = DashboardAggregator.create(profiles, orders, withTimeout(timeout), withLogger(logger));

            Outcome<String> outcome = callerStatus.watch(KATA.withHint(2).call("aggregate(" + USER + ")",
                    () -> dashboard.aggregate(USER)).showing(log)).awaitWithin(DEADLINE);

            String setup = (slow.equals("profile") ? "profile answers after 500 ms, orders never"
                    : "orders answer after 500 ms, profile never") + ", timeout 1000 ms";
            assertThat(outcome.threw(TimeoutException.class)).as("%s: what aggregate did; %s", setup, KATA.hint(2))
                    .isInstanceOf(TimeoutException.class);
            assertThat(outcome.elapsed())
                    .as("%s: aggregate threw after %d ms, expected about 1000. The 1000 ms count from the start"
                            + " of aggregate, for both calls together; a timeout that starts again for each call"
                            + " ends after 1500 ms.%n%s%s", setup,
                            outcome.elapsed().toMillis(), log.timeline(), KATA.hint(2))
                    .isLessThan(bound);
            assertEndedInterrupted(log, slow.equals("profile") ? "latestOrder(" : "profile(", setup);
        }
    }

    @Test
    @Checks(4)
    @Order(8)
    @DisplayName("a timeout names the service still missing: TimeoutException(\"… waiting for the order service\")")
    void timeoutNamesTheMissingService() {
        for (String missing : List.of("profile service", "order service")) {
            CallLog log = new CallLog();
            Reply never = Reply.when(Gate.closed("never answers"));
            var profiles = new FakeProfileService(log).byDefault(missing.equals("profile service") ? never
                    : Reply.immediately());
            var orders = new FakeOrderService(log).replying(missing.equals("order service") ? never
                    : Reply.immediately());
            var dashboard = DashboardAggregator.create(profiles, orders, withTimeout(Duration.ofMillis(200)),
                    withLogger(logger));

            Throwable thrown = callerStatus.watch(KATA.withHint(3).call("aggregate(" + USER + ")",
                    () -> dashboard.aggregate(USER)).showing(log)).awaitWithin(DEADLINE).threw(TimeoutException.class);

            assertThat(thrown).as("the %s never answers, the other service at once; timeout 200 ms: the"
                    + " TimeoutException must say what the dashboard was still waiting for; %s", missing, KATA.hint(3))
                    .isInstanceOf(TimeoutException.class).hasMessageContaining(missing);
        }
    }

    @Test
    @Checks({5, 6})
    @Order(9)
    @DisplayName("an interrupted caller gets InterruptedException, and both calls have ended, interrupted")
    void callerInterruptCancelsBothCalls() {
        profiles.byDefault(Reply.when(Gate.closed("profile never answers")));
        orders.replying(Reply.when(Gate.closed("orders never answer")));

        var call = start(aggregator(), 2);
        call.awaitInFlight(log, 2, DEADLINE);
        call.interrupt();
        Outcome<String> outcome = call.awaitWithin(DEADLINE);

        assertThat(outcome.threw(InterruptedException.class))
                .as("an interrupt must reach the caller as InterruptedException, not wrapped, not swallowed; %s",
                        KATA.hint(2))
                .isInstanceOf(InterruptedException.class);
        assertEndedInterrupted(log, "profile(", "the caller was interrupted");
        assertEndedInterrupted(log, "latestOrder(", "the caller was interrupted");
    }

    @Test
    @Checks(7)
    @Order(10)
    @DisplayName("success is logged at INFO with the line, and nothing at ERROR")
    void logsSuccessAtInfo() {
        start(aggregator(), 3).awaitWithin(DEADLINE).returned();

        assertThat(logger.at(Level.INFO)).as("INFO entries; expected one with the line \"%s\". Logged:%n%s", LINE,
                logger.dump()).anySatisfy(e -> assertThat(e.message()).contains(LINE));
        assertThat(logger.at(Level.ERROR)).as("ERROR entries after a success. Logged:%n%s", logger.dump()).isEmpty();
    }

    @Test
    @Checks(7)
    @Order(11)
    @DisplayName("a failure is logged at ERROR with its exception")
    void logsFailureAtError() {
        orders.replying(Reply.immediately().failing());

        Throwable thrown = start(aggregator(), 3).awaitWithin(DEADLINE).threw(DashboardException.class);

        assertThat(thrown).as("what aggregate threw when the order service failed")
                .isInstanceOf(DashboardException.class);
        Throwable failure = only(log, "latestOrder(").failure();
        assertThat(logger.at(Level.ERROR))
                .as("ERROR entries; expected one carrying the exception (the one thrown, or the service's"
                        + " failure). Logged:%n%s", logger.dump())
                .singleElement().satisfies(e -> assertThat(e.thrown()).isIn(thrown, failure));
    }

    @Test
    @Checks(7)
    @Order(12)
    @DisplayName("a timeout is logged at ERROR with its TimeoutException")
    void logsTimeoutAtError() {
        profiles.byDefault(Reply.when(Gate.closed("profile never answers")));

        Throwable thrown = start(aggregator(withTimeout(Duration.ofMillis(100))), 3).awaitWithin(DEADLINE)
                .threw(TimeoutException.class);

        assertThat(thrown).as("what aggregate threw when its 100 ms passed").isInstanceOf(TimeoutException.class);
        assertThat(logger.at(Level.ERROR))
                .as("ERROR entries; expected one carrying the TimeoutException. Logged:%n%s", logger.dump())
                .singleElement().satisfies(e -> assertThat(e.thrown()).isInstanceOf(TimeoutException.class));
    }

    @Test
    @Checks(8)
    @Order(13)
    @DisplayName("invalid options fail at construction, with a message that names what is wrong")
    void validatesOptions() {
        refused("a null timeout", NullPointerException.class, "timeout",
                () -> DashboardAggregator.create(profiles, orders, withTimeout(null)));
        refused("a zero timeout", IllegalArgumentException.class, "timeout",
                () -> DashboardAggregator.create(profiles, orders, withTimeout(Duration.ZERO)));
        refused("a negative timeout", IllegalArgumentException.class, "timeout",
                () -> DashboardAggregator.create(profiles, orders, withTimeout(Duration.ofMillis(-5))));
        refused("a null logger", NullPointerException.class, "logger",
                () -> DashboardAggregator.create(profiles, orders, withLogger(null)));
        refused("a null option, the 2nd of 3 (named by its position, counting from 1)", NullPointerException.class,
                "option 2", () -> DashboardAggregator.create(profiles, orders, withTimeout(NO_TIMEOUT_HERE), null,
                        withLogger(logger)));
        refused("a null profile service", NullPointerException.class, "profile",
                () -> DashboardAggregator.create(null, orders));
        refused("a null order service", NullPointerException.class, "order",
                () -> DashboardAggregator.create(profiles, null));
        Option forgetful = settings -> null;
        refused("a home-made option, the 1st of 2, that returns null settings (named by its position, counting from"
                + " 1)", NullPointerException.class, "option 1",
                () -> DashboardAggregator.create(profiles, orders, forgetful, withLogger(logger)));
        Option zeroTimeout = settings -> new Option.Settings(Duration.ZERO, settings.logger());
        refused("a home-made option that sets a zero timeout (create must check the settings it ends with)",
                IllegalArgumentException.class, "timeout",
                () -> DashboardAggregator.create(profiles, orders, zeroTimeout));
        assertThat(log.calls()).as("no service is called by a failed construction").isEmpty();
    }

    /** {@code create} refuses {@code what} with a {@code type} whose message contains {@code named}. */
    private static void refused(String what, Class<? extends RuntimeException> type, String named,
            ThrowingCallable create) {
        Throwable thrown = KATA.withHint(3).thrownBy("create with " + what, type, create);
        assertThat(thrown).as("%s: create must refuse it with %s, its message naming \"%s\"", what,
                type.getSimpleName(), named).isInstanceOf(type).hasMessageContaining(named);
    }

    @Test
    @Checks({4, 8})
    @Order(14)
    @DisplayName("without options it applies the defaults: a 1 s timeout, and a System.Logger named after the class")
    void appliesTheDefaults() {
        DashboardAggregator plain = DashboardAggregator.create(profiles, orders);

        assertThat(plain.timeout()).as("the default timeout").isEqualTo(DashboardAggregator.DEFAULT_TIMEOUT)
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(plain.logger()).as("the default logger").isNotNull();
        assertThat(plain.logger().getName()).as("the default logger's name")
                .isEqualTo(DashboardAggregator.class.getName());

        // The default timeout is not just reported but applied.
        profiles.byDefault(Reply.when(Gate.closed("profile never answers")));
        var dashboard = DashboardAggregator.create(profiles, orders, withLogger(logger));
        Outcome<String> outcome = start(dashboard, 2).awaitWithin(DEADLINE);
        assertThat(outcome.threw(TimeoutException.class)).as("without withTimeout, a profile call that never answers must time out after"
                + " the default 1 s; %s", KATA.hint(2)).isInstanceOf(TimeoutException.class);
        assertThat(outcome.elapsed()).as("when the default 1 s timeout gave up")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    @Checks(8)
    @Order(15)
    @DisplayName("options apply in order: a later option overrides an earlier one")
    void laterOptionsWin() {
        CapturingLogger other = new CapturingLogger();
        DashboardAggregator dashboard = DashboardAggregator.create(profiles, orders,
                withTimeout(Duration.ofMillis(300)), withLogger(other), withTimeout(Duration.ofMillis(700)),
                withLogger(logger));

        assertThat(dashboard.timeout()).as("the timeout after withTimeout(300 ms), then withTimeout(700 ms)")
                .isEqualTo(Duration.ofMillis(700));
        assertThat(dashboard.logger()).as("the logger after two withLogger options: the later one")
                .isSameAs(logger);
        assertThat(DashboardAggregator.create(profiles, orders, withLogger(other)).timeout())
                .as("withLogger alone leaves the default timeout").isEqualTo(DashboardAggregator.DEFAULT_TIMEOUT);
    }

    @Test
    @Checks({6, 10})
    @Order(16)
    @DisplayName("one aggregator, calls one after another: a success, a timeout, a success again (each call has a"
            + " deadline of its own)")
    void callsInARow() {
        Duration timeout = Duration.ofMillis(500);
        var dashboard = DashboardAggregator.create(profiles, orders, withTimeout(timeout), withLogger(logger));

        assertThat(start(dashboard, 2).awaitWithin(DEADLINE).returned()).as("the first call").isEqualTo(LINE);
        Gate late = Gate.closed("the profile answers (after the second call's timeout)");
        profiles.byDefault(Reply.when(late));
        assertThat(start(dashboard, 2).awaitWithin(DEADLINE).threw(TimeoutException.class))
                .as("the second call, whose profile never answers in time; %s", KATA.hint(2))
                .isInstanceOf(TimeoutException.class);
        Gate answers = Gate.closed("the profile answers (once the third call waits for it)");
        profiles.byDefault(Reply.when(answers));
        var thirdCall = start(dashboard, 2);
        thirdCall.awaitInFlight(log, 1, DEADLINE);
        // The profile answers only 100 ms after it was asked: time enough for an aggregator whose deadline
        // is already spent (counted from its creation, or left over from the second call) to see it and
        // throw, whatever the scheduling; a correct one still has some 400 ms of its own 500 ms left.
        thirdCall.watchFor(thirdCall::isDone, Duration.ofMillis(100));
        answers.open();
        Outcome<String> third = thirdCall.awaitWithin(DEADLINE);

        assertThat(third.thrown()).as("the third call on the same aggregator, after the second one timed out; its"
                + " profile answers as soon as it is asked: each call counts its own %d ms from its own start, and"
                + " leaves nothing (an executor, a deadline, a result) for the next one%n%s%s", timeout.toMillis(),
                log.timeline(), KATA.hint(2)).isNull();
        assertThat(third.value()).as("the third call's line").isEqualTo(LINE);
    }

    @Test
    @Checks({2, 10})
    @Order(17)
    @DisplayName("one aggregator, two calls at once: both run, and one's failure never touches the other's calls")
    void twoCallsAtOnce() {
        long other = USER + 1;
        Gate fail = Gate.closed("profile(" + USER + ") fails");
        Gate otherAnswers = Gate.closed("profile(" + other + ") answers");
        Gate ordersAnswer = Gate.closed("the orders answer");
        profiles.on(USER, Reply.when(fail).failing()).on(other, Reply.when(otherAnswers));
        orders.replying(Reply.when(ordersAnswer));
        var dashboard = aggregator();

        var failing = start(dashboard, 1);
        var succeeding = callerStatus.watch(KATA.withHint(1).call("aggregate(" + other + ") at the same time",
                () -> dashboard.aggregate(other)).showing(log));
        failing.awaitInFlight(log, 4, DEADLINE);
        fail.open();
        assertThat(failing.awaitWithin(DEADLINE).threw(DashboardException.class))
                .as("aggregate(%d), whose profile call failed", USER).isInstanceOf(DashboardException.class)
                .hasMessageContaining("profile service");
        assertThat(log.calls().stream().filter(c -> c.name().endsWith("(" + other + ")")).toList())
                .as("aggregate(%d)'s calls when aggregate(%d), on the same aggregator, failed: they belong to another"
                        + " call, and must still be running%n%s%s", other, USER, log.timeline(), KATA.hint(1))
                .hasSize(2).allMatch(Call::running);
        otherAnswers.open();
        ordersAnswer.open();

        assertThat(succeeding.awaitWithin(DEADLINE).returned()).as("aggregate(%d)'s line", other)
                .isEqualTo("Name: " + FakeProfileService.userFor(other).name() + " | Order: "
                        + FakeOrderService.orderFor(other));
    }

    @ParameterizedTest(name = "the {0} service throws {1}")
    @CsvSource({"profile, RuntimeException", "profile, Error", "order, RuntimeException", "order, Error"})
    @Checks({3, 5, 11})
    @Order(18)
    @DisplayName("a service's unchecked exception or Error fails the dashboard at once, and cancels the other call")
    void uncheckedFailures(String service, String kind) {
        Throwable bug = kind.equals("Error") ? new AssertionError("a bug in the " + service + " service (the test"
                + " planted it)") : new IllegalStateException("a bug in the " + service + " service (the test planted"
                + " it)");
        Gate failNow = Gate.closed("the " + service + " service fails");
        Reply fails = Reply.when(failNow).failingWith(() -> bug);
        Reply never = Reply.when(Gate.closed("never answers"));
        boolean profileFails = service.equals("profile");
        profiles.byDefault(profileFails ? fails : never);
        orders.replying(profileFails ? never : fails);

        var call = start(aggregator(), 1);
        call.awaitInFlight(log, 2, DEADLINE);
        failNow.open();
        Throwable thrown = call.awaitWithin(DEADLINE).threw(bug.getClass());

        boolean named = thrown instanceof DashboardException && thrown.getCause() == bug
                && thrown.getMessage() != null && thrown.getMessage().contains(service + " service");
        assertThat(named || (kind.equals("Error") && thrown == bug)).as("the %s service threw %s; aggregate threw %s."
                + " Expected a DashboardException naming the %s service, with that very exception as its cause%s: a"
                + " call must catch what its service throws, or the failure is lost with its thread; %s", service, bug,
                thrown, service, kind.equals("Error") ? " (or the Error itself)" : "", KATA.hint(1)).isTrue();
        assertEndedInterrupted(log, profileFails ? "latestOrder(" : "profile(", "the " + service + " service failed");
    }

    @Test
    @Checks({5, 6, 12})
    @Order(19)
    @DisplayName("a caller already interrupted when it calls gets InterruptedException, and no call outlives it")
    void callerInterruptedBeforeTheCall() {
        profiles.byDefault(Reply.when(Gate.closed("profile never answers")));
        orders.replying(Reply.when(Gate.closed("orders never answer")));
        var dashboard = aggregator();

        Outcome<String> outcome = callerStatus.watch(KATA.withHint(2).call("aggregate(" + USER + ") by an interrupted"
                + " caller", () -> {
                    Thread.currentThread().interrupt();
                    return dashboard.aggregate(USER);
                }).showing(log)).awaitWithin(DEADLINE);

        assertThat(outcome.threw(InterruptedException.class)).as("aggregate called with its caller's interrupt status"
                + " already set, services that never answer; %s", KATA.hint(2)).isInstanceOf(InterruptedException.class);
        assertThat(log.calls()).as("the service calls aggregate started: each must have ended by the time it threw%n%s%s",
                log.timeline(), KATA.hint(2)).noneMatch(Call::running);
    }

    @Test
    @Checks(13)
    @Order(20)
    @DisplayName("the first failure is the first in time: the profile call, started first, fails after the orders")
    void firstFailureInTime() {
        Gate ordersFail = Gate.closed("the orders fail");
        Gate profileFails = Gate.closed("the profile fails, late");
        orders.replying(Reply.when(ordersFail).failing());
        var late = new LateFailingProfileService(profiles, USER, profileFails);
        var dashboard = DashboardAggregator.create(late, orders, withTimeout(NO_TIMEOUT_HERE), withLogger(logger));

        var call = start(dashboard, 1);
        call.awaitFakeCall(log, "latestOrder(", DEADLINE);
        assertThat(call.watchFor(late::started, DEADLINE)).as("the profile call started%n%s", log.timeline()).isTrue();
        ordersFail.open();
        // The orders failed first: aggregate cancels the profile call, which ignores that and then fails too.
        boolean cancelled = call.watchFor(late::sawInterrupt, DEADLINE);
        profileFails.open();
        assertThat(cancelled).as("the order service failed, but aggregate did not interrupt the profile call still in"
                + " flight (or returned without waiting for it)%n%s%s", log.timeline(), KATA.hint(1)).isTrue();
        Throwable thrown = call.awaitWithin(DEADLINE).threw(DashboardException.class);

        assertThat(thrown).as("the profile call started first but failed after the order call had failed (and after"
                + " aggregate cancelled it): the first failure is the one that came first in time; %s", KATA.hint(1))
                .isInstanceOf(DashboardException.class).hasMessageContaining("order service");
        assertThat(thrown.getCause()).as("the cause: the order service's very exception")
                .isSameAs(only(log, "latestOrder(").failure());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"the profile fails, the order call lingers", "the caller is interrupted, the profile"
            + " call lingers"})
    @Checks(5)
    @Order(21)
    @DisplayName("every cancelled call is waited for, whichever it is and however aggregate ends")
    void waitsForEveryCancelledCall(String scenario) {
        Gate release = Gate.closed("the cancelled call may end");
        boolean orderLingers = scenario.startsWith("the profile fails");
        Gate profileFails = Gate.closed("the profile fails");
        profiles.byDefault(orderLingers ? Reply.when(profileFails).failing()
                : Reply.when(Gate.closed("profile never answers")));
        orders.replying(Reply.when(Gate.closed("orders never answer")));
        var lingeringOrders = new LingeringOrderService(orders, release);
        var lingeringProfiles = new LingeringProfileService(profiles, release);
        var dashboard = orderLingers
                ? DashboardAggregator.create(profiles, lingeringOrders, withTimeout(NO_TIMEOUT_HERE), withLogger(logger))
                : DashboardAggregator.create(lingeringProfiles, orders, withTimeout(NO_TIMEOUT_HERE), withLogger(logger));

        var call = start(dashboard, 2);
        call.awaitInFlight(log, 2, DEADLINE);
        if (orderLingers) {
            profileFails.open();
            lingeringOrders.awaitLingeringOrDone(call, DEADLINE, () -> "The profile service failed, but aggregate did"
                    + " not cancel the order call within " + DEADLINE.toMillis() + " ms.\n" + log.timeline()
                    + KATA.hint(2));
        } else {
            call.interrupt();
            lingeringProfiles.awaitLingeringOrDone(call, DEADLINE, () -> "The caller was interrupted, but aggregate"
                    + " did not cancel the profile call within " + DEADLINE.toMillis() + " ms.\n" + log.timeline()
                    + KATA.hint(2));
        }
        boolean endedWhileACallRan = call.watchFor(call::isDone, SHORT_LINGER);
        release.open();
        Outcome<String> outcome = call.awaitWithin(DEADLINE);

        assertThat(endedWhileACallRan).as("%s: aggregate ended while the call it had cancelled was still running (the"
                + " test held it back once interrupted). Interrupting a call is not enough: wait until it has"
                + " ended, whichever call it is and however aggregate ends.%n%s%s", scenario, log.timeline(),
                KATA.hint(2)).isFalse();
        assertThat(outcome.threw(orderLingers ? DashboardException.class : InterruptedException.class))
                .as("%s: what aggregate threw", scenario)
                .isInstanceOf(orderLingers ? DashboardException.class : InterruptedException.class);
    }

    @Test
    @Checks({5, 16})
    @Order(22)
    @DisplayName("an interrupt that comes while aggregate waits for the call it cancelled is kept: it still waits"
            + " for the call, then lets the interrupt through")
    void interruptWhileWaitingIsKept() {
        Gate release = Gate.closed("the cancelled profile call may end");
        Gate ordersFail = Gate.closed("the orders fail");
        profiles.byDefault(Reply.when(Gate.closed("profile never answers")));
        orders.replying(Reply.when(ordersFail).failing());
        var lingering = new LingeringProfileService(profiles, release);
        var dashboard = DashboardAggregator.create(lingering, orders, withTimeout(NO_TIMEOUT_HERE), withLogger(logger));

        // Not watched by callerStatus: here the caller is interrupted after aggregate decided how it ends,
        // and keeping that interrupt as the status is one of the right answers.
        var call = KATA.withHint(2).call("aggregate(" + USER + ")", () -> dashboard.aggregate(USER)).showing(log);
        call.awaitInFlight(log, 2, DEADLINE);
        ordersFail.open();
        lingering.awaitLingeringOrDone(call, DEADLINE, () -> "The order service failed, but aggregate did not cancel"
                + " the profile call within " + DEADLINE.toMillis() + " ms.\n" + log.timeline() + KATA.hint(2));
        call.interrupt();
        boolean endedWhileTheCallRan = call.watchFor(call::isDone, SHORT_LINGER);
        release.open();
        Outcome<String> outcome = call.awaitWithin(DEADLINE);

        assertThat(endedWhileTheCallRan).as("aggregate ended while the profile call it had cancelled was still running"
                + " (it ignores interrupts until the test lets it end), because its caller was interrupted meanwhile:"
                + " an interrupt is no reason to leave a call behind; keep waiting%n%s%s", log.timeline(), KATA.hint(2))
                .isFalse();
        if (!(outcome.thrown() instanceof InterruptedException)) {
            assertThat(outcome.interruptFlagLeft()).as("the caller was interrupted while aggregate waited for the"
                    + " profile call it had cancelled, and aggregate %s with the interrupt status clear: the interrupt"
                    + " was swallowed. Once the call has ended, throw InterruptedException or set the status again; %s",
                    outcome.thrown() == null ? "returned" : "threw " + outcome.thrown(), KATA.hint(2)).isTrue();
        }
    }
}

package errgroupkatas.dashboard;

import static errgroupkatas.dashboard.DashboardAggregatorTest.DEADLINE;
import static errgroupkatas.dashboard.DashboardAggregatorTest.KATA;
import static errgroupkatas.dashboard.DashboardAggregatorTest.LINE;
import static errgroupkatas.dashboard.Option.withLogger;
import static errgroupkatas.dashboard.Option.withTimeout;
import static errgroupkatas.dashboard.ServiceCalls.only;
import static errgroupkatas.support.Story.USER;
import static org.assertj.core.api.Assertions.assertThat;

import errgroupkatas.dashboard.DashboardAggregator.DashboardException;
import errgroupkatas.support.Checks;
import errgroupkatas.support.CallLog;
import errgroupkatas.support.FakeOrderService;
import errgroupkatas.support.FakeProfileService;
import errgroupkatas.support.Gate;
import errgroupkatas.support.Kata;
import errgroupkatas.support.KataCall;
import errgroupkatas.support.KataCall.Outcome;
import errgroupkatas.support.Reply;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bonus, scored apart: graceful degradation with {@code aggregateOrDegrade}. */
@Order(2)
@Tag("bonus")
@DisplayName("Kata 06 — bonus: graceful degradation (aggregateOrDegrade)")
class DashboardDegradeTest {
    static final String DEGRADED = "Name: " + FakeProfileService.userFor(USER).name() + " | orders unavailable";

    @RegisterExtension
    final Kata.NoLeaks noLeaks = KATA.noLeaks(2);
    /** Every test also fails if aggregateOrDegrade leaves its caller's interrupt status set. */
    @RegisterExtension
    final Kata.CallerStatus callerStatus = KATA.callerStatus(2);

    final CallLog log = new CallLog();
    final FakeProfileService profiles = new FakeProfileService(log);
    final FakeOrderService orders = new FakeOrderService(log);
    final CapturingLogger logger = new CapturingLogger();

    /** Starts aggregateOrDegrade(USER); its failures cite {@code hint}, the one that helps with the test. */
    private KataCall<String> start(Duration timeout, int hint) {
        var dashboard = DashboardAggregator.create(profiles, orders, withTimeout(timeout), withLogger(logger));
        return callerStatus.watch(KATA.withHint(hint).call("aggregateOrDegrade(" + USER + ")",
                () -> dashboard.aggregateOrDegrade(USER)).showing(log));
    }

    /** The call has ended, interrupted, at the moment aggregateOrDegrade returned. */
    private void assertEndedInterrupted(String prefix, String why) {
        ServiceCalls.assertEndedInterrupted(log, prefix, "aggregateOrDegrade", why);
    }

    @Test
    @Checks(14)
    @Order(1)
    @DisplayName("bonus: when both services answer, the line is the full one")
    void fullLineWhenBothAnswer() {
        assertThat(start(Duration.ofSeconds(10), 3).awaitWithin(DEADLINE).returned()).isEqualTo(LINE);
    }

    @Test
    @Checks(14)
    @Order(2)
    @DisplayName("bonus: a failing order service degrades the line to \"Name: user-1 | orders unavailable\","
            + " logged at WARNING")
    void degradesWhenOrdersFail() {
        orders.replying(Reply.immediately().failing());

        String line = start(Duration.ofSeconds(10), 3).awaitWithin(DEADLINE).returned();

        assertThat(line).as("the line when only the order service failed%n%s", log.timeline()).isEqualTo(DEGRADED);
        Throwable failure = only(log, "latestOrder(").failure();
        assertThat(logger.at(Level.WARNING)).as("WARNING entries; expected one that carries why the orders are"
                        + " missing (the service's failure, or an exception caused by it). Logged:%n%s", logger.dump())
                .anySatisfy(e -> assertThat(e.thrown() == failure || (e.thrown() != null
                        && e.thrown().getCause() == failure)).isTrue());
        assertThat(logger.at(Level.ERROR)).as("a degraded line is not an error. Logged:%n%s", logger.dump()).isEmpty();
    }

    @Test
    @Checks(14)
    @Order(3)
    @DisplayName("bonus: an order service still silent when the timeout passes degrades the line too, logged at"
            + " WARNING with its TimeoutException, and its call has ended, interrupted")
    void degradesWhenOrdersAreLate() {
        orders.replying(Reply.after(Duration.ofSeconds(10)));

        Outcome<String> outcome = start(Duration.ofMillis(200), 2).awaitWithin(DEADLINE);

        assertThat(outcome.returned()).as("the line when the orders were late%n%s", log.timeline())
                .isEqualTo(DEGRADED);
        assertEndedInterrupted("latestOrder(", "the timeout passed");
        assertThat(logger.at(Level.WARNING)).as("WARNING entries; expected one that carries why the orders are"
                        + " missing: the TimeoutException of the late order call. Logged:%n%s", logger.dump())
                .anySatisfy(e -> assertThat(e.thrown()).isInstanceOf(TimeoutException.class));
        assertThat(logger.at(Level.ERROR)).as("a degraded line is not an error. Logged:%n%s", logger.dump()).isEmpty();
    }

    @Test
    @Checks(15)
    @Order(4)
    @DisplayName("bonus: the profile is essential: its failure still fails the dashboard and cancels the order call")
    void profileFailureStillFails() {
        Gate profileGate = Gate.closed("profile fails when the test says");
        profiles.byDefault(Reply.when(profileGate).failing());
        orders.replying(Reply.when(Gate.closed("orders never answer")));

        var call = start(Duration.ofSeconds(10), 1);
        call.awaitInFlight(log, 2, DEADLINE);
        profileGate.open();
        Throwable thrown = call.awaitWithin(DEADLINE).threw(DashboardException.class);

        assertThat(thrown).as("what aggregateOrDegrade threw when the profile service failed")
                .isInstanceOf(DashboardException.class).hasMessageContaining("profile service");
        assertEndedInterrupted("latestOrder(", "the profile service failed");
    }

    @Test
    @Checks(15)
    @Order(5)
    @DisplayName("bonus: a profile still missing when the timeout passes still throws TimeoutException")
    void lateProfileStillTimesOut() {
        profiles.byDefault(Reply.after(Duration.ofSeconds(10)));

        Outcome<String> outcome = start(Duration.ofMillis(200), 2).awaitWithin(DEADLINE);

        assertThat(outcome.threw(TimeoutException.class)).as("what aggregateOrDegrade did when the profile was late")
                .isInstanceOf(TimeoutException.class);
        assertEndedInterrupted("profile(", "the timeout passed");
    }

    @Test
    @Checks(15)
    @Order(6)
    @DisplayName("bonus: otherwise it logs as aggregate does: the line at INFO, a failure at ERROR with its exception")
    void logsLikeAggregate() {
        assertThat(start(Duration.ofSeconds(10), 3).awaitWithin(DEADLINE).returned()).isEqualTo(LINE);
        assertThat(logger.at(Level.INFO)).as("INFO entries after a full line; expected one with the line \"%s\"."
                + " Logged:%n%s", LINE, logger.dump()).anySatisfy(e -> assertThat(e.message()).contains(LINE));

        profiles.byDefault(Reply.immediately().failing());
        Throwable thrown = start(Duration.ofSeconds(10), 3).awaitWithin(DEADLINE).threw(DashboardException.class);

        assertThat(thrown).as("what aggregateOrDegrade threw when the profile service failed")
                .isInstanceOf(DashboardException.class);
        Throwable failure = log.failed().getFirst().failure();
        assertThat(logger.at(Level.ERROR))
                .as("ERROR entries; expected one carrying the exception (the one thrown, or the service's failure)."
                        + " Logged:%n%s", logger.dump())
                .singleElement().satisfies(e -> assertThat(e.thrown()).isIn(thrown, failure));
    }

    @Test
    @Checks(15)
    @Order(7)
    @DisplayName("bonus: an interrupted caller still gets InterruptedException, and both calls have ended, interrupted")
    void interruptStillThrows() {
        profiles.byDefault(Reply.when(Gate.closed("profile never answers")));
        orders.replying(Reply.when(Gate.closed("orders never answer")));

        var call = start(Duration.ofSeconds(10), 2);
        call.awaitInFlight(log, 2, DEADLINE);
        call.interrupt();

        assertThat(call.awaitWithin(DEADLINE).threw(InterruptedException.class)).as("what aggregateOrDegrade did when"
                + " its caller was interrupted: an interrupt is not missing orders; %s", KATA.hint(2))
                .isInstanceOf(InterruptedException.class);
        assertEndedInterrupted("profile(", "the caller was interrupted");
        assertEndedInterrupted("latestOrder(", "the caller was interrupted");
    }
}

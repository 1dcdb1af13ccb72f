package errgroupkatas.dashboard;

import errgroupkatas.story.OrderService;
import errgroupkatas.story.ProfileService;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Kata 06: the dashboard, a fail-fast aggregator with a deadline.
 *
 * <p>It shows one user's dashboard line, {@code "<profile> | <orders>"} (e.g.
 * {@code "Name: Alice | Order: 5"}), from two services it calls at the same time: the profile
 * service ({@code "Name: " + user.name()}) and the order service ({@code "Order: " + orderId}).
 * The first failure, the deadline, or an interrupt of the caller ends both calls at once.
 *
 * <p>It is configured with {@link Option functional options}; every setting has a default:
 * <pre>{@code
 * var dashboard = DashboardAggregator.create(profiles, orders,
 *         withTimeout(Duration.ofMillis(500)), withLogger(System.getLogger("dashboard")));
 * String line = dashboard.aggregate(42);   // "Name: user-42 | Order: 425"
 * }</pre>
 *
 * <p>Thread-safe: one aggregator serves any number of concurrent {@code aggregate} calls.
 */
public final class DashboardAggregator {
    /** The timeout when no {@link Option#withTimeout} is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    /** What {@link #aggregateOrDegrade} shows in place of the orders it could not get. */
    public static final String ORDERS_UNAVAILABLE = "orders unavailable";

    private DashboardAggregator() {
    }

    /**
     * Makes an aggregator over the two services. It starts from the defaults (timeout
     * {@link #DEFAULT_TIMEOUT}; logger {@code System.getLogger(DashboardAggregator.class.getName())})
     * and applies {@code options} in order, so a later option overrides an earlier one.
     *
     * <p>Invalid configuration fails here, never later in {@code aggregate}, with a message that
     * names what is wrong: a null service, option, timeout or logger throws
     * {@link NullPointerException}; a zero or negative timeout throws
     * {@link IllegalArgumentException}. A null option, or one that returns null settings, is named
     * by its position among {@code options}, counting from 1 (e.g. {@code "option 2 of 3 is null"}).
     */
    public static DashboardAggregator create(ProfileService profiles, OrderService orders, Option... options) {
        throw new UnsupportedOperationException(
                "TODO kata 06-dashboard: implement DashboardAggregator.create (see katas/06-dashboard/README.md)");
    }

    /** The timeout this aggregator applies to each whole {@code aggregate} call. */
    public Duration timeout() {
        throw new UnsupportedOperationException(
                "TODO kata 06-dashboard: implement DashboardAggregator.timeout (see katas/06-dashboard/README.md)");
    }

    /** The logger this aggregator logs to. */
    public System.Logger logger() {
        throw new UnsupportedOperationException(
                "TODO kata 06-dashboard: implement DashboardAggregator.logger (see katas/06-dashboard/README.md)");
    }

    /**
     * Returns {@code userId}'s dashboard line, {@code "Name: <name> | Order: <order id>"}. Both
     * service calls start at once, each on a thread of its own, so the line takes about as long as
     * the slower call, not the sum. It blocks until the line is ready, a service fails, the timeout
     * passes or the caller is interrupted, whichever comes first. On success it logs the line at
     * {@code INFO}.
     *
     * <p>Every way of ending early ends both calls: the call still in flight is interrupted, and it
     * has ended by the time this method returns or throws (no thread of this call outlives it).
     * <ul>
     *   <li>A service fails: at once, without waiting for the other call, throws
     *       {@link DashboardException} whose message names the service ({@code "profile service"}
     *       or {@code "order service"}) and whose cause is the very exception that service threw
     *       (a {@code ServiceException}, or an unchecked exception: a bug; an {@link Error} may also
     *       reach the caller as it is). The first failure is the first in time.</li>
     *   <li>The timeout passes: the timeout covers the whole operation, from the moment this method
     *       is called, not each call; throws {@link TimeoutException} whose message names the service
     *       still missing ({@code "profile service"} or {@code "order service"}).</li>
     *   <li>Both of these are logged at {@code ERROR}, with the exception, before it is thrown;
     *       nothing is swallowed: a failed dashboard never returns a partial line.</li>
     *   <li>The calling thread is interrupted: throws {@link InterruptedException} (not wrapped), its
     *       interrupt status clear, as the JDK's blocking methods leave it.</li>
     * </ul>
     *
     * <p>Whatever the outcome, it never leaves the caller's interrupt status set: it interrupts the
     * calls' threads, never its caller's.
     */
    public String aggregate(long userId) throws DashboardException, TimeoutException, InterruptedException {
        throw new UnsupportedOperationException(
                "TODO kata 06-dashboard: implement DashboardAggregator.aggregate (see katas/06-dashboard/README.md)");
    }

    /**
     * Bonus: graceful degradation. Like {@link #aggregate}, except that the orders are optional:
     * when only the order service fails, or has not answered when the timeout passes, it returns
     * {@code "Name: <name> | orders unavailable"} (see {@link #ORDERS_UNAVAILABLE}) and logs why at
     * {@code WARNING}, with the exception (a {@link TimeoutException} when the orders were late). A
     * late order call is interrupted and has ended by the time this method returns. The profile is
     * essential: its failure or lateness still throws ({@link DashboardException} or
     * {@link TimeoutException}, logged at {@code ERROR}) and cancels the order call, and an
     * interrupt still throws {@link InterruptedException}. The line it returns is logged at
     * {@code INFO}, as {@link #aggregate} logs its line.
     */
    public String aggregateOrDegrade(long userId)
            throws DashboardException, TimeoutException, InterruptedException {
        throw new UnsupportedOperationException(
                "TODO kata 06-dashboard: implement the bonus DashboardAggregator.aggregateOrDegrade (see katas/06-dashboard/README.md)");
    }

    /**
     * A service failed: the message names the service ({@code "profile service"} or
     * {@code "order service"}) and the user; the cause is the very exception the service threw.
     */
    public static final class DashboardException extends Exception {
        private static final long serialVersionUID = 1L;

        public DashboardException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

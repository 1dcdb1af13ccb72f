package errgroupkatas.dashboard;

import errgroupkatas.story.OrderService;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.ServiceException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

    private final ProfileService profiles;
    private final OrderService orders;
    private final Duration timeout;
    private final System.Logger logger;

    private DashboardAggregator(ProfileService profiles, OrderService orders, Option.Settings settings) {
        this.profiles = profiles;
        this.orders = orders;
        this.timeout = settings.timeout();
        this.logger = settings.logger();
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
        Objects.requireNonNull(profiles, "create: the profile service must not be null");
        Objects.requireNonNull(orders, "create: the order service must not be null");
        Objects.requireNonNull(options, "create: the options must not be null");
        Option.Settings settings = new Option.Settings(DEFAULT_TIMEOUT,
                System.getLogger(DashboardAggregator.class.getName()));
        for (int i = 0; i < options.length; i++) {
            Option option = Objects.requireNonNull(options[i],
                    "create: option " + (i + 1) + " of " + options.length + " is null");
            settings = Objects.requireNonNull(option.apply(settings),
                    "create: option " + (i + 1) + " of " + options.length + " returned null settings");
        }
        Objects.requireNonNull(settings.timeout(), "create: the timeout must not be null");
        if (!settings.timeout().isPositive()) {
            throw new IllegalArgumentException("create: the timeout must be positive, was " + settings.timeout());
        }
        Objects.requireNonNull(settings.logger(), "create: the logger must not be null");
        return new DashboardAggregator(profiles, orders, settings);
    }

    /** The timeout this aggregator applies to each whole {@code aggregate} call. */
    public Duration timeout() {
        return timeout;
    }

    /** The logger this aggregator logs to. */
    public System.Logger logger() {
        return logger;
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
        try {
            String line = fetch(userId, false);
            logger.log(Level.INFO, "dashboard of user " + userId + ": " + line);
            return line;
        } catch (DashboardException | TimeoutException e) {
            logger.log(Level.ERROR, "dashboard of user " + userId + " failed: " + e.getMessage(), e);
            throw e;
        }
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
        try {
            String line = fetch(userId, true);
            logger.log(Level.INFO, "dashboard of user " + userId + ": " + line);
            return line;
        } catch (DashboardException | TimeoutException e) {
            logger.log(Level.ERROR, "dashboard of user " + userId + " failed: " + e.getMessage(), e);
            throw e;
        }
    }

    private String fetch(long userId, boolean degrade)
            throws DashboardException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // Closing the executor waits for both calls: none outlives this method.
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletionService<String> done = new ExecutorCompletionService<>(executor);
            Future<String> profile = done.submit(call("profile service", userId,
                    () -> "Name: " + profiles.profile(userId).name()));
            Future<String> order = done.submit(call("order service", userId,
                    () -> "Order: " + orders.latestOrder(userId)));
            try {
                String profileText = null;
                String orderText = null;
                while (profileText == null || orderText == null) {
                    Future<String> next;
                    while ((next = done.poll()) == null && deadline - System.nanoTime() > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // MISTAKE: deaf to interrupts
                    }
                    if (next == null) {
                        TimeoutException late = new TimeoutException("the dashboard of user " + userId
                                + " timed out after " + timeout.toMillis() + " ms waiting for the "
                                + (profileText == null ? "profile service" : "order service"));
                        if (degrade && profileText != null) {
                            logger.log(Level.WARNING, "dashboard of user " + userId + " shows no orders: "
                                    + late.getMessage(), late);
                            orderText = ORDERS_UNAVAILABLE;
                            break;
                        }
                        throw late;
                    }
                    if (next == profile) {
                        profileText = resultOf(next);
                    } else {
                        try {
                            orderText = resultOf(next);
                        } catch (DashboardException e) {
                            if (!degrade) {
                                throw e;
                            }
                            logger.log(Level.WARNING, "dashboard of user " + userId + " shows no orders: "
                                    + e.getMessage(), e);
                            orderText = ORDERS_UNAVAILABLE;
                        }
                    }
                }
                return profileText + " | " + orderText;
            } finally {
                // On every way out: cancel what is still running (a no-op for what has ended).
                profile.cancel(true);
                order.cancel(true);
            }
        }
    }

    private interface ServiceCall {
        String call() throws ServiceException, InterruptedException;
    }

    private static Callable<String> call(String service, long userId, ServiceCall body) {
        return () -> {
            try {
                return body.call();
            } catch (ServiceException | RuntimeException | Error e) { // anything the service throws names it
                throw new DashboardException("the " + service + " failed for user " + userId, e);
            }
        };
    }

    private static String resultOf(Future<String> finished) throws DashboardException {
        if (finished.state() == Future.State.SUCCESS) {
            return finished.resultNow();
        }
        Throwable failure = finished.exceptionNow();
        if (failure instanceof DashboardException e) {
            throw e;
        }
        throw new DashboardException("a dashboard call failed unexpectedly", failure);
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

package errgroupkatas.dashboard;

import errgroupkatas.story.OrderService;
import errgroupkatas.story.ProfileService;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Kata 06: the dashboard, a fail-fast aggregator with a deadline (a learner's version: two virtual
 * threads that report to a queue).
 */
public final class DashboardAggregator {
    /** The timeout when no {@link Option#withTimeout} is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    /** What {@link #aggregateOrDegrade} shows in place of the orders it could not get. */
    public static final String ORDERS_UNAVAILABLE = "orders unavailable";

    private static final String PROFILE = "profile service";
    private static final String ORDER = "order service";

    private final ProfileService profiles;
    private final OrderService orders;
    private final Duration timeout;
    private final System.Logger logger;

    private DashboardAggregator(ProfileService profiles, OrderService orders, Duration timeout, System.Logger logger) {
        this.profiles = profiles;
        this.orders = orders;
        this.timeout = timeout;
        this.logger = logger;
    }

    public static DashboardAggregator create(ProfileService profiles, OrderService orders, Option... options) {
        Objects.requireNonNull(profiles, "profile service must not be null");
        Objects.requireNonNull(orders, "order service must not be null");
        Objects.requireNonNull(options, "options must not be null");
        Option.Settings settings = new Option.Settings(DEFAULT_TIMEOUT,
                System.getLogger(DashboardAggregator.class.getName()));
        for (int i = 0; i < options.length; i++) {
            if (options[i] == null) {
                throw new NullPointerException("option " + (i + 1) + " of " + options.length + " is null");
            }
            settings = options[i].apply(settings);
            if (settings == null) {
                throw new NullPointerException("option " + (i + 1) + " of " + options.length + " returned null settings");
            }
        }
        if (settings.timeout() == null) {
            throw new NullPointerException("timeout must not be null");
        }
        if (settings.timeout().isZero() || settings.timeout().isNegative()) {
            throw new IllegalArgumentException("timeout must be positive: " + settings.timeout());
        }
        if (settings.logger() == null) {
            throw new NullPointerException("logger must not be null");
        }
        return new DashboardAggregator(profiles, orders, settings.timeout(), settings.logger());
    }

    public Duration timeout() {
        return timeout;
    }

    public System.Logger logger() {
        return logger;
    }

    public String aggregate(long userId) throws DashboardException, TimeoutException, InterruptedException {
        try {
            String line = fetch(userId, false);
            System.out.println("dashboard: " + line);
            logger.log(Level.INFO, "dashboard for user " + userId + ": " + line);
            return line;
        } catch (DashboardException | TimeoutException e) {
            logger.log(Level.ERROR, "dashboard for user " + userId + " failed: " + e.getMessage(), e);
            throw e;
        }
    }

    public String aggregateOrDegrade(long userId)
            throws DashboardException, TimeoutException, InterruptedException {
        try {
            String line = fetch(userId, true);
            logger.log(Level.INFO, "dashboard for user " + userId + ": " + line);
            return line;
        } catch (DashboardException | TimeoutException e) {
            logger.log(Level.ERROR, "dashboard for user " + userId + " failed: " + e.getMessage(), e);
            throw e;
        }
    }

    /** What one call reported: its text, or its failure. */
    private record Outcome(String service, String text, Throwable failure) {
    }

    private String fetch(long userId, boolean degrade)
            throws DashboardException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
        Thread profileCall = Thread.ofVirtual().name("dashboard-profile-" + userId).start(() -> {
            try {
                outcomes.add(new Outcome(PROFILE, "Name: " + profiles.profile(userId).name(), null));
            } catch (Throwable t) {
                outcomes.add(new Outcome(PROFILE, null, t));
            }
        });
        Thread orderCall = Thread.ofVirtual().name("dashboard-order-" + userId).start(() -> {
            try {
                outcomes.add(new Outcome(ORDER, "Order: " + orders.latestOrder(userId), null));
            } catch (Throwable t) {
                outcomes.add(new Outcome(ORDER, null, t));
            }
        });
        try {
            String profile = null;
            String order = null;
            while (profile == null || order == null) {
                Outcome outcome = outcomes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (outcome == null) {
                    String missing = profile == null ? PROFILE : ORDER;
                    TimeoutException late = new TimeoutException("dashboard for user " + userId + " timed out after "
                            + timeout.toMillis() + " ms waiting for the " + missing);
                    if (degrade && profile != null) {
                        logger.log(Level.WARNING, "no orders for user " + userId + ": " + late.getMessage(), late);
                        order = ORDERS_UNAVAILABLE;
                        break;
                    }
                    throw late;
                }
                if (outcome.failure() != null) {
                    DashboardException failed = new DashboardException(
                            "the " + outcome.service() + " failed for user " + userId, outcome.failure());
                    if (degrade && outcome.service().equals(ORDER)) {
                        logger.log(Level.WARNING, "no orders for user " + userId + ": " + failed.getMessage(), failed);
                        order = ORDERS_UNAVAILABLE;
                        continue;
                    }
                    throw failed;
                }
                if (outcome.service().equals(PROFILE)) {
                    profile = outcome.text();
                } else {
                    order = outcome.text();
                }
            }
            return profile + " | " + order;
        } finally {
            profileCall.interrupt(); // harmless for a call that has ended
            orderCall.interrupt();
            joinBoth(profileCall, orderCall);
        }
    }

    /** Waits until both threads have ended, even if this thread is interrupted meanwhile. */
    private static void joinBoth(Thread a, Thread b) {
        boolean interrupted = false;
        for (Thread t : new Thread[] {a, b}) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
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

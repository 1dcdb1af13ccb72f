package errgroupkatas.dashboard;

import java.time.Duration;
import java.util.Objects;

/**
 * One setting of a {@link DashboardAggregator}, given to
 * {@link DashboardAggregator#create(errgroupkatas.story.ProfileService, errgroupkatas.story.OrderService, Option...)}:
 * Go's functional options ({@code type Option func(*Dashboard)}) in Java. An option is a function
 * from the settings so far to the settings with this option applied; {@code create} starts from
 * the defaults and applies the options in the order given, so a later option wins.
 *
 * <pre>{@code
 * var dashboard = DashboardAggregator.create(profiles, orders,
 *         withTimeout(Duration.ofMillis(500)),
 *         withLogger(System.getLogger("dashboard")));
 * }</pre>
 */
@FunctionalInterface
public interface Option {

    /** Returns {@code settings} with this option applied; never null. */
    Settings apply(Settings settings);

    /**
     * What the options decide.
     *
     * @param timeout how long one {@code aggregate} call may take in all, from its start
     * @param logger  where the aggregator logs each outcome
     */
    record Settings(Duration timeout, System.Logger logger) {
    }

    /**
     * Each whole {@code aggregate} call must finish within {@code timeout}. An invalid timeout
     * fails at once (here, or at the latest in {@code create}) with a message that names the
     * timeout.
     *
     * @throws NullPointerException     {@code timeout} is null
     * @throws IllegalArgumentException {@code timeout} is zero or negative
     */
    static Option withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "withTimeout: the timeout must not be null");
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("withTimeout: the timeout must be positive, was " + timeout);
        }
        return settings -> new Settings(timeout, settings.logger());
    }

    /**
     * The aggregator logs to {@code logger}. A null logger fails at once (here, or at the latest
     * in {@code create}) with a message that names the logger.
     *
     * @throws NullPointerException {@code logger} is null
     */
    static Option withLogger(System.Logger logger) {
        Objects.requireNonNull(logger, "withLogger: the logger must not be null");
        return settings -> new Settings(settings.timeout(), logger);
    }
}

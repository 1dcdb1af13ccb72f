package errgroupkatas.dashboard;

import java.time.Duration;
import java.util.Objects;

/**
 * One setting of a {@link DashboardAggregator}: Go's functional options in Java. An option maps the
 * settings so far to the settings with this option applied; {@code create} starts from the
 * defaults and applies the options in order, so a later option wins.
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

    static Option withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return settings -> new Settings(timeout, settings.logger());
    }

    static Option withLogger(System.Logger logger) {
        Objects.requireNonNull(logger, "logger must not be null");
        return settings -> new Settings(settings.timeout(), logger);
    }
}

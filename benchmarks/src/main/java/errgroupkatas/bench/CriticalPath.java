package errgroupkatas.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The physical limit of a latency benchmark: how long its call must take, given only the fakes'
 * latencies, however good the code. {@link BenchMain} reports each benchmark's mean latency as a
 * ratio to {@link #ms()}; the bar is {@value BenchMain#BAR}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface CriticalPath {

    /** What is measured, e.g. {@code "02 naive parallel: 6 friends, 10 mappers"}. */
    String label();

    /** The limit in milliseconds, from {@link StoryNumbers}' constants. */
    double ms();

    /** How the limit is made up, e.g. {@code "6 ids · 10 + 1 lookup · 100"}. */
    String formula();

    /**
     * Whether the bar applies. False for the rows that show what the machine itself costs (a floor
     * with no kata code) and for those measured against such a floor rather than the bar.
     */
    boolean bar() default true;
}

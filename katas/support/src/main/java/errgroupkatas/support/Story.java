package errgroupkatas.support;

import java.time.Duration;

/** The story's numbers, shared by every kata's tests. */
public final class Story {
    /** Friend ids arrive about this far apart. */
    public static final Duration ID_INTERVAL = Duration.ofMillis(10);
    /** A profile lookup takes about this long. */
    public static final Duration LOOKUP_LATENCY = Duration.ofMillis(100);
    /** How many mappers look profiles up at once in the parallel katas. */
    public static final int MAPPERS = 10;
    /** The user whose friends the tests list. */
    public static final long USER = 1;

    private Story() {
    }
}

package errgroupkatas.bench;

import errgroupkatas.support.Story;
import java.time.Duration;

/**
 * The story's numbers as compile-time constants, so that a {@link CriticalPath} can be computed
 * from them; {@link #check()} proves they are the tests' own ({@link Story}).
 */
final class StoryNumbers {
    /** Friend ids arrive this far apart (ms). */
    static final int ID_MS = 10;
    /** A profile lookup takes this long (ms). */
    static final int LOOKUP_MS = 100;
    /** Mappers in the parallel katas. */
    static final int MAPPERS = 10;
    /** The friends of the story's user (kata 02's README: "6 friends ... 6 · 10 + 100 = 160 ms"). */
    static final int FRIENDS = 6;
    /** The user whose friends are listed. */
    static final long USER = Story.USER;

    /** Kata 05's story: 20 tasks of 50 ms with limit 4 take about 5 rounds. */
    static final int BOUNDED_TASKS = 20;
    static final int BOUNDED_LIMIT = 4;
    static final int BOUNDED_TASK_MS = 50;

    /** The scale variant: 10 000 friends or tasks, on virtual threads. */
    static final int MANY = 10_000;

    private StoryNumbers() {
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /** Fails if these constants drifted from the tests' {@link Story}. */
    static void check() {
        if (!Story.ID_INTERVAL.equals(ms(ID_MS)) || !Story.LOOKUP_LATENCY.equals(ms(LOOKUP_MS))
                || Story.MAPPERS != MAPPERS) {
            throw new IllegalStateException("StoryNumbers (" + ID_MS + " ms, " + LOOKUP_MS + " ms, " + MAPPERS
                    + " mappers) differ from support's Story (" + Story.ID_INTERVAL + ", " + Story.LOOKUP_LATENCY
                    + ", " + Story.MAPPERS + " mappers): update StoryNumbers");
        }
    }
}

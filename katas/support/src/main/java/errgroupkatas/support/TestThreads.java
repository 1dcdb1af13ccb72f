package errgroupkatas.support;

/**
 * Which threads the test now running started: every thread whose id is at least the first id
 * handed out after the test began ({@link Kata.NoLeaks} marks it before each test). A stuck call's
 * report lists those threads as the test's own and the others that run kata code, left running by
 * earlier tests, apart.
 *
 * <p>Thread ids come from one counter shared by platform and virtual threads, so "started since"
 * is "has an id at least the next id handed out now", read from a thread that is made but never
 * started. A kata's tests run one at a time, so one mark serves them all.
 */
final class TestThreads {
    private static volatile long firstIdOfTest = -1;

    private TestThreads() {
    }

    /** The id the next thread made will get: every thread made from now on has at least this id. */
    static long nextId() {
        return Thread.ofPlatform().unstarted(() -> { }).threadId();
    }

    /** Marks the start of a test. */
    static void testStarted() {
        firstIdOfTest = nextId();
    }

    /** Clears the mark: the test ended. */
    static void testEnded() {
        firstIdOfTest = -1;
    }

    /**
     * The first thread id of the test now running, or {@code fallback} when no test marked its
     * start (a call made outside {@link Kata.NoLeaks}).
     */
    static long firstIdOfTestOr(long fallback) {
        long mark = firstIdOfTest;
        return mark < 0 ? fallback : Math.min(mark, fallback);
    }
}

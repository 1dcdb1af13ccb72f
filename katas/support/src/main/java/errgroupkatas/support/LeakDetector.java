package errgroupkatas.support;

import static org.awaitility.Awaitility.await;
import static org.awaitility.pollinterval.IterativePollInterval.iterative;

import errgroupkatas.support.ThreadDump.DumpedThread;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Finds the threads a piece of kata code left behind. Take a {@link #snapshot} before the code
 * runs; afterwards {@link #assertNoLeaks} waits a short grace period for every thread that
 * appeared since to end, and fails with each survivor's name and stack otherwise.
 *
 * <p>A thread counts as leaked when it is alive, was not alive at the snapshot, is not the thread
 * asking, and either runs code of the kata's package or is not one of the JVM's, JUnit's,
 * Awaitility's or Surefire's own threads (nor a {@link KataCall}'s thread once the kata code has
 * returned). Platform and virtual threads are both found, however
 * they were made: raw {@code Thread}s, executors, scopes (see {@link ThreadDump}). So an idle
 * executor that was never shut down is a leak too, though it runs no kata code.
 */
public final class LeakDetector {
    /** How long threads get to end after the code under test returned. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(1);
    private static final Duration FIRST_POLL_INTERVAL = Duration.ofMillis(10);
    private static final Duration MAX_POLL_INTERVAL = Duration.ofMillis(200);

    private static final Set<String> JVM_GROUPS = Set.of("system", "InnocuousThreadGroup", "CarrierThreads");
    private static final List<String> INFRASTRUCTURE_NAMES = List.of(
            "junit-", "awaitility", "surefire", "kata-call-", "process reaper", "Attach Listener",
            "ForkJoinPool.commonPool-worker-", "RMI ", "JFR ", "Monitor Ctrl-Break");

    private final String kataPackage;
    private final long firstNewId;

    private LeakDetector(String kataPackage, long firstNewId) {
        this.kataPackage = kataPackage;
        this.firstNewId = firstNewId;
    }

    /**
     * Marks now: threads alive now are never leaks of the code that runs next. Thread ids come
     * from one counter shared by platform and virtual threads, so "started since" is "has an id
     * at least the next id handed out now", read from a thread that is made but never started.
     * This takes no thread dump: dumps are costly, and on JDK 25.0.3 a dump taken while virtual
     * threads run has been seen to crash the JVM (once, in thousands of dumps), so they are taken
     * only to check for leaks and to report a stuck call.
     */
    public static LeakDetector snapshot(String kataPackage) {
        return new LeakDetector(kataPackage, TestThreads.nextId());
    }

    /**
     * Every live thread (but the one asking) whose stack runs code of {@code kataPackage} now,
     * with its trimmed stack: where a stuck call's threads are.
     */
    public static List<LeakedThread> runningKataCode(String kataPackage) {
        long self = Thread.currentThread().threadId();
        List<LeakedThread> running = new ArrayList<>();
        for (DumpedThread t : ThreadDump.take()) {
            if (t.tid() != self && t.runs(kataPackage)) {
                running.add(new LeakedThread(t.tid(), t.describe(), StackReport.trim(t.stack(), kataPackage)));
            }
        }
        return running;
    }

    /** The threads that count as leaked right now (see the class comment). */
    public List<LeakedThread> leakedNow() {
        long self = Thread.currentThread().threadId();
        List<LeakedThread> leaked = new ArrayList<>();
        for (DumpedThread t : ThreadDump.take()) {
            if (t.tid() == self || t.tid() < firstNewId) {
                continue;
            }
            if (t.runs(kataPackage) || !isInfrastructure(t)) {
                leaked.add(new LeakedThread(t.tid(), t.describe(), StackReport.trim(t.stack(), kataPackage)));
            }
        }
        return leaked;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static boolean isInfrastructure(DumpedThread t) {
        if (t.virtual()) {
            return false;
        }
        Thread platform = t.platform();
        if (platform != null) {
            ThreadGroup group = platform.getThreadGroup();
            if (group != null && JVM_GROUPS.contains(group.getName())) {
                return true;
            }
        }
        return INFRASTRUCTURE_NAMES.stream().anyMatch(t.name()::startsWith);
    }

    /** {@link #assertNoLeaks(Duration, String)} with the default grace and no hint. */
    public void assertNoLeaks() {
        assertNoLeaks(DEFAULT_GRACE, "");
    }

    /**
     * Waits up to {@code grace} for every thread started since the snapshot to end; fails with
     * each survivor's name and trimmed stack, then {@code hint}, if any is still alive.
     */
    public void assertNoLeaks(Duration grace, String hint) {
        try {
            // Each look is a thread dump: look at once, then 10 ms later, and twice as long each time
            // after (at most 200 ms apart). A correct call's threads have ended at the first or second
            // look; a leak costs about ten dumps over the grace instead of one every 20 ms.
            // dontCatchUncaughtExceptions: a thread that dies meanwhile is LostErrors' to report.
            await("no leaked threads").atMost(grace).pollDelay(Duration.ZERO)
                    .pollInterval(iterative(d -> min(d.multipliedBy(2), MAX_POLL_INTERVAL), FIRST_POLL_INTERVAL))
                    .dontCatchUncaughtExceptions().until(() -> leakedNow().isEmpty());
        } catch (ConditionTimeoutException e) {
            List<LeakedThread> leaked = leakedNow();
            if (leaked.isEmpty()) {
                return; // ended just now
            }
            StringBuilder m = new StringBuilder("Leaked threads: ").append(leaked.size())
                    .append(leaked.size() == 1 ? " thread" : " threads")
                    .append(" started by the kata code are still alive ").append(grace.toMillis())
                    .append(" ms after it returned.\nEvery thread a call starts must have ended when it returns"
                            + " (join what you start; shut executors down; cancel on early exit).\n");
            leaked.forEach(l -> m.append(l.report()));
            if (!hint.isEmpty()) {
                m.append(hint).append('\n');
            }
            throw new AssertionError(m.toString());
        }
    }

    /**
     * A thread that outlived the code that started it (or runs kata code), and where it is.
     *
     * @param threadId    its id ({@link Thread#threadId()})
     * @param description "virtual thread #42 \"name\"", or "platform thread …"
     * @param stack       its stack, trimmed for a failure message ({@link StackReport})
     */
    public record LeakedThread(long threadId, String description, String stack) {
        String report() {
            return "  " + description + " is still alive:\n" + stack;
        }
    }
}

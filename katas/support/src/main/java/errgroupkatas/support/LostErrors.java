package errgroupkatas.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;

/**
 * Finds the errors kata code lost: exceptions that ended a thread because nothing caught them.
 * Such an exception reaches no caller; the JVM prints it on standard error and the call goes on
 * as if nothing had failed (Go is stricter: a panic in a goroutine crashes the program). A thread
 * the kata code starts must catch what its work throws and hand it to the caller.
 *
 * <p>It is the JVM's default uncaught-exception handler, installed once by the first
 * {@link #snapshot} and kept (Awaitility is told to leave it alone during its waits): it records
 * every such death (thread id, thread, exception), then prints the exception as the JVM would
 * have. It sees platform and virtual threads alike, raw
 * {@code Thread}s and executors' workers ({@code execute}, not {@code submit}: a
 * {@code Future} keeps its task's exception), unless the code set a handler of its own on the
 * thread. Take a {@link #snapshot} before the code runs; afterwards {@link #lostSince} lists the
 * deaths of threads started since. Call it once those threads have ended (after the leak check):
 * a thread runs its handler before it terminates, so then every death is recorded.
 */
public final class LostErrors {
    /** Frames of the exception's stack shown in a report, kata frames counted. */
    private static final int FRAMES = 6;
    private static final List<Death> DEATHS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private final String kataPackage;
    private final long firstNewId;

    private LostErrors(String kataPackage, long firstNewId) {
        this.kataPackage = kataPackage;
        this.firstNewId = firstNewId;
    }

    /**
     * Marks now (as {@link LeakDetector#snapshot} does, by thread id): deaths of threads alive now
     * are never the next code's. Installs the recording handler the first time.
     */
    public static LostErrors snapshot(String kataPackage) {
        install();
        return new LostErrors(kataPackage, TestThreads.nextId());
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        // Awaitility by default swaps in a handler of its own for the length of every await and
        // rethrows a death in the awaiting thread; then the death would be missed here and turn up
        // as some wait's error instead. Every death is this class's to report.
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            DEATHS.add(new Death(thread.threadId(), describe(thread), error));
            if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                // What ThreadGroup.uncaughtException prints when no handler is set.
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                error.printStackTrace(System.err);
            }
        });
        installed = true;
    }

    /** The threads started since the snapshot that died of an exception nothing caught, in order. */
    public List<Death> lostSince() {
        return DEATHS.stream().filter(d -> d.threadId() >= firstNewId).toList();
    }

    /**
     * Fails, naming each thread, its exception and where it was thrown, then {@code hint}, if a
     * thread started since the snapshot died of an exception nothing caught.
     */
    public void assertNoneLost(String hint) {
        List<Death> lost = lostSince();
        if (!lost.isEmpty()) {
            throw report(lost, hint);
        }
    }

    /** The failure {@link #assertNoneLost} throws for these deaths (at least one). */
    AssertionError report(List<Death> lost, String hint) {
        StringBuilder m = new StringBuilder("Lost errors: ").append(lost.size())
                .append(lost.size() == 1 ? " thread" : " threads")
                .append(" started by the kata code died of an exception nothing caught.\n"
                        + "No caller ever hears of such an exception (the JVM only prints it): catch what a thread's"
                        + " work throws, in that thread, and hand it to the caller.\n");
        for (Death d : lost) {
            m.append(d.report(kataPackage));
        }
        if (!hint.isEmpty()) {
            m.append(hint).append('\n');
        }
        return new AssertionError(m.toString());
    }

    private static String describe(Thread t) {
        return (t.isVirtual() ? "virtual thread" : "platform thread") + " #" + t.threadId() + " \"" + t.getName() + "\"";
    }

    /** A thread that died of an uncaught exception. */
    public record Death(long threadId, String thread, Throwable error) {
        String report(String kataPackage) {
            StringBuilder s = new StringBuilder("  ").append(thread).append(" died of ").append(error).append('\n');
            int shown = 0;
            for (StackTraceElement f : error.getStackTrace()) {
                if (shown == FRAMES) {
                    s.append("        …\n");
                    break;
                }
                boolean kata = f.getClassName().startsWith(kataPackage + ".");
                s.append("      at ").append(f).append(kata ? "   <- kata code" : "").append('\n');
                shown++;
            }
            return s.toString();
        }
    }
}

package errgroupkatas.support;

import java.util.List;

/**
 * Trims a stack to what a learner needs: the call the thread is blocked in (found below the JDK's
 * parking machinery and marked "blocked here"), and the kata's own frames below it, each line
 * indented for a failure message.
 */
final class StackReport {
    /** Frames kept from the blocking call downwards, before only kata frames are shown. */
    private static final int CONTEXT = 2;
    /** The parking machinery every blocked thread has on top; it says nothing about why. */
    private static final List<String> MACHINERY = List.of(
            "java.lang.VirtualThread.", "java.lang.System$", "jdk.internal.misc.", "jdk.internal.vm.",
            "java.util.concurrent.locks.", "java.util.concurrent.ForkJoinPool.unmanagedBlock",
            "java.util.concurrent.ForkJoinPool.managedBlock", "java.lang.Object.wait", "java.lang.Thread.sleep0",
            "java.lang.Thread.sleepNanos", "java.lang.Thread.beforeSleep", "java.lang.Thread.afterSleep");

    private StackReport() {
    }

    static String trim(List<String> frames, String kataPackage) {
        if (frames.isEmpty()) {
            return "      (no Java frames)\n";
        }
        int blocking = 0;
        while (blocking < frames.size() - 1 && isMachinery(frames.get(blocking))) {
            blocking++;
        }
        StringBuilder s = new StringBuilder();
        if (blocking > 0) {
            s.append("        … ").append(blocking).append(" frames of the JDK's parking machinery\n");
        }
        String prefix = kataPackage + ".";
        boolean skipped = false;
        for (int i = blocking; i < frames.size(); i++) {
            String f = frames.get(i);
            String cls = ThreadDump.frameClass(f);
            boolean kata = cls.startsWith(prefix);
            boolean fake = cls.startsWith("errgroupkatas.support.Fake") || cls.startsWith("errgroupkatas.support.Gate")
                    || cls.startsWith("errgroupkatas.support.Lingering");
            if (i < blocking + CONTEXT || kata || fake) {
                if (skipped) {
                    s.append("        …\n");
                    skipped = false;
                }
                s.append("      at ").append(f);
                if (i == blocking) {
                    s.append("   <- blocked here");
                } else if (kata) {
                    s.append("   <- kata code");
                }
                s.append('\n');
            } else {
                skipped = true;
            }
        }
        if (skipped) {
            s.append("        …\n");
        }
        return s.toString();
    }

    private static boolean isMachinery(String frame) {
        String method = frame.substring(frame.indexOf('/') + 1);
        return MACHINERY.stream().anyMatch(method::startsWith);
    }
}

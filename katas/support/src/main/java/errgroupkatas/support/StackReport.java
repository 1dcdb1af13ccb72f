package errgroupkatas.support;

import java.util.List;

/**
 * Trims a stack to what a learner needs: where the thread is blocked (its top frames) and the
 * kata's own frames below, each line indented for a failure message.
 */
final class StackReport {
    /** Frames kept from the top of the stack, to show the blocking call. */
    private static final int TOP = 4;

    private StackReport() {
    }

    static String trim(List<String> frames, String kataPackage) {
        if (frames.isEmpty()) {
            return "      (no Java frames)\n";
        }
        StringBuilder s = new StringBuilder();
        String prefix = kataPackage + ".";
        boolean skipped = false;
        for (int i = 0; i < frames.size(); i++) {
            String f = frames.get(i);
            String cls = ThreadDump.frameClass(f);
            boolean kata = cls.startsWith(prefix);
            boolean fake = cls.startsWith("errgroupkatas.support.Fake") || cls.startsWith("errgroupkatas.support.Gate");
            if (i < TOP || kata || fake) {
                if (skipped) {
                    s.append("        …\n");
                    skipped = false;
                }
                s.append("      at ").append(f).append(kata ? "   <- kata code" : "").append('\n');
            } else {
                skipped = true;
            }
        }
        if (skipped) {
            s.append("        …\n");
        }
        return s.toString();
    }
}

package errgroupkatas.tools.coach;

import errgroupkatas.tools.TestResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the coach prints, as plain lines (no cursor control: it reads the same in any terminal, in
 * an IDE's console and in a log). A verdict is one line that starts with {@code PASS}, {@code FAIL}
 * or {@code ERROR} and the kata's id, printed as soon as it is known; the lines under it explain it.
 */
public final class Screen {

    /** The key line, under every run. */
    public static final String KEYS = "keys: h next hint · l list katas · a run all katas · NN go to kata NN · q quit"
            + "  (letter + Enter)";

    private static final int WIDTH = 100;
    private static final int MESSAGE_LINES = 6;
    /** How the support module's stack reports mark a frame of the kata's code, and the blocking call. */
    private static final String KATA_FRAME = "<- kata code";
    private static final String BLOCKED_FRAME = "<- blocked here";

    private Screen() {
    }

    /** {@code [#####-----] 31/110}: {@code passed} of {@code total} as a bar of {@code width} cells. */
    public static String progressBar(int passed, int total, int width) {
        int filled = total <= 0 ? 0 : (int) Math.min(width, (long) passed * width / total);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + passed + "/" + total;
    }

    /** The verdict line for a failed test, and under it its display name and its message, trimmed. */
    public static List<String> failure(String kata, TestResult t) {
        List<String> lines = new ArrayList<>();
        lines.add("FAIL  " + kata + "  " + t.key() + (t.status().equals("ABORTED") ? " (aborted)" : ""));
        String display = t.display();
        String method = t.key().substring(t.key().indexOf('.') + 1);
        if (!display.isBlank() && !display.equals(method) && !display.equals(method + "()")) {
            lines.add("      \"" + cut(display, WIDTH - 8) + "\"");
        }
        for (String line : message(t.message())) {
            lines.add("      " + line);
        }
        return lines;
    }

    /** The verdict line for a kata whose every required test passed. */
    public static String pass(String kata, int behaviourTests, int ruleTests) {
        return "PASS  " + kata + "  all " + behaviourTests + " tests pass" + (ruleTests > 0 ? ", and its "
                + ruleTests + " rule" + (ruleTests == 1 ? "" : "s") + " hold" + (ruleTests == 1 ? "s" : "") : "");
    }

    /** The verdict lines for a kata that does not compile: javac's first errors, {@code file:line: message}. */
    public static List<String> doesNotCompile(String kata, boolean tests, List<String> errors) {
        List<String> lines = new ArrayList<>();
        lines.add("ERROR " + kata + "  " + (tests ? "its tests do not compile (did you change a test, or a signature they use?)"
                : "does not compile"));
        errors.forEach(e -> lines.add("      " + cut(e, 2 * WIDTH))); // a path and a message: cut late
        return lines;
    }

    /** The verdict lines for kata code that would end the JVM (it is not run). */
    public static List<String> exitsTheJvm(String kata, List<String> calls) {
        List<String> lines = new ArrayList<>();
        lines.add("ERROR " + kata + "  never calls System.exit or Runtime.halt (rule NO_EXIT); the coach did not run it");
        calls.stream().limit(5).forEach(c -> lines.add("      " + c));
        lines.add("      Exiting the JVM from a worker is the Java twin of log.Fatalf in a goroutine: return or throw");
        lines.add("      the error and let the caller decide.");
        return lines;
    }

    /**
     * A failure message made readable: the exception's package dropped, its lines (the result
     * files join them with " ⏎ ") split again, long lines but stack frames wrapped, at most six lines, and a line
     * that says how many more. When those six lines end before the stuck-thread report's first
     * frame of kata code ({@code <- kata code}), that frame follows them, after the frame where
     * the thread is blocked ({@code <- blocked here}) if that was cut too: a hang's verdict always
     * shows where in the learner's code a thread is stuck.
     */
    static List<String> message(String message) {
        String m = message.strip().replaceFirst("^(?:[a-z][\\w$]*\\.)+([A-Z][\\w$]*(?:Error|Exception|Failure)): ", "$1: ");
        List<List<String>> parts = new ArrayList<>(); // each line of the message, wrapped
        for (String part : m.split(" ⏎ |\n")) {
            String rest = part.stripTrailing();
            if (rest.isBlank()) {
                continue;
            }
            List<String> wrapped = new ArrayList<>();
            boolean frame = rest.strip().startsWith("at "); // a stack frame reads best whole, with its marker
            while (!frame && rest.length() > WIDTH - 6) {
                int space = rest.lastIndexOf(' ', WIDTH - 6);
                int at = space > WIDTH / 2 ? space : WIDTH - 6;
                wrapped.add(rest.substring(0, at).stripTrailing());
                rest = "  " + rest.substring(at).strip();
            }
            wrapped.add(rest);
            parts.add(wrapped);
        }
        List<String> lines = new ArrayList<>();
        int total = parts.stream().mapToInt(List::size).sum();
        int part = 0;
        for (; part < parts.size() && lines.size() + parts.get(part).size() <= MESSAGE_LINES; part++) {
            lines.addAll(parts.get(part));
        }
        if (part == parts.size()) {
            return lines;
        }
        int firstCut = part;
        if (lines.isEmpty()) { // one long first line: as much of it as fits
            lines.addAll(parts.getFirst().subList(0, MESSAGE_LINES));
            firstCut = 1;
        }
        int shown = lines.size();
        if (lines.stream().noneMatch(l -> l.contains(KATA_FRAME))) {
            List<String> blocked = null;
            for (int p = firstCut; p < parts.size(); p++) {
                String line = String.join(" ", parts.get(p));
                if (line.contains(BLOCKED_FRAME)) {
                    blocked = parts.get(p);
                }
                if (line.contains(KATA_FRAME)) {
                    lines.add("        …");
                    if (blocked != null && blocked != parts.get(p)) {
                        lines.addAll(blocked);
                        shown += blocked.size();
                    }
                    lines.addAll(parts.get(p));
                    shown += parts.get(p).size();
                    break;
                }
            }
        }
        lines.add("… (" + (total - shown) + " more lines: `mvn verify` prints them all)");
        return lines;
    }

    /** Seconds with one decimal, e.g. {@code 0.4 s}. */
    public static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}

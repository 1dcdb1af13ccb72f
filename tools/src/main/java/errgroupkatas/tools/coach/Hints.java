package errgroupkatas.tools.coach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kata's staged hints, one file per hint: {@code katas/NN-name/hints/1.md}, {@code 2.md},
 * {@code 3.md} (a nudge, the idea, the shape of the code without the code). They are kept out of
 * the kata's README so that nothing shows them before the learner asks: the coach ({@code h}) and
 * {@link HintCommand} ({@code mvn -q -Phint -Dkata=NN}) print them one at a time. Each file opens
 * with its heading, then the hint's Markdown text:
 * <pre>{@code
 * # Kata 01-serial, hint 2 — the idea
 *
 * The hint's Markdown text.
 * }</pre>
 * {@code HintsTest} holds every kata of the catalog to exactly these three, with these labels.
 *
 * <p>Depends on the JDK only: {@link HintCommand} runs from source, without a build.
 */
public final class Hints {

    /** The labels of hints 1, 2 and 3, in order. */
    public static final List<String> LABELS = List.of("a nudge", "the idea", "the shape of the code");

    /** One hint: its number (1, 2, 3: its file's name), its label ("a nudge") and its Markdown text. */
    public record Hint(int number, String label, String text) {
    }

    private static final Pattern HEADING = Pattern.compile("#\\s+.*\\bhint\\s+(\\d+)\\s*[—–-]\\s*(.+?)\\s*");

    private Hints() {
    }

    /** The folder of {@code kata}'s hints under the repository's {@code root}. */
    public static Path folder(Path root, String kata) {
        return root.resolve("katas").resolve(kata).resolve("hints");
    }

    /**
     * The kata's hints, {@code hints/1.md} upwards until a number has no file; empty when there is
     * no such folder.
     *
     * @throws IOException              when a file cannot be read
     * @throws IllegalArgumentException when a file's heading is not a hint's, or names another number
     */
    public static List<Hint> read(Path folder) throws IOException {
        List<Hint> hints = new ArrayList<>();
        for (int n = 1; Files.isRegularFile(folder.resolve(n + ".md")); n++) {
            Path file = folder.resolve(n + ".md");
            Hint hint = parse(Files.readString(file));
            if (hint.number() != n) {
                throw new IllegalArgumentException(file + ": its heading says hint " + hint.number() + ", its name " + n);
            }
            hints.add(hint);
        }
        return List.copyOf(hints);
    }

    /**
     * One hint file's text: its first line the heading {@code # … hint N — label}, the rest the hint.
     *
     * @throws IllegalArgumentException when the first line is not such a heading
     */
    public static Hint parse(String markdown) {
        String text = markdown.replace("\r\n", "\n").strip();
        int end = text.indexOf('\n');
        String heading = end < 0 ? text : text.substring(0, end);
        Matcher m = HEADING.matcher(heading);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a hint's heading (# Kata NN-name, hint N — label): " + heading);
        }
        return new Hint(Integer.parseInt(m.group(1)), m.group(2), end < 0 ? "" : text.substring(end + 1).strip());
    }

    /**
     * The hint as the learner reads it in a terminal: a title line ({@code 03-errgroup · hint 2 of
     * 3 — the idea}), a blank line, the text indented by two spaces, a blank line.
     */
    public static List<String> show(String kata, Hint hint, int of) {
        List<String> lines = new ArrayList<>();
        lines.add(kata + " · hint " + hint.number() + " of " + of + " — " + hint.label());
        lines.add("");
        hint.text().lines().forEach(l -> lines.add(l.isEmpty() ? "" : "  " + l));
        lines.add("");
        return lines;
    }
}

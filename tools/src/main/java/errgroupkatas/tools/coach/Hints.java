package errgroupkatas.tools.coach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kata's staged hints, read from its README: the README is their one source. Each hint is a
 * collapsible section,
 * <pre>{@code
 * <details><summary>Hint 2 — the idea</summary>
 *
 * The hint's Markdown text.
 *
 * </details>
 * }</pre>
 * ({@code <details>} and {@code <summary>} may stand on lines of their own). Every kata has three:
 * a nudge, the idea, and the shape of the code without the code ({@code HintsTest} holds every
 * kata of the catalog to that).
 */
public final class Hints {

    /** One hint: its number (1, 2, 3, in the README's order), its label ("a nudge") and its text. */
    public record Hint(int number, String label, String text) {
    }

    private static final Pattern SECTION = Pattern.compile(
            "<details>\\s*<summary>\\s*Hint\\s+(\\d+)\\s*[—–-]\\s*(.*?)\\s*</summary>(.*?)</details>", Pattern.DOTALL);

    private Hints() {
    }

    /** The hints of {@code readme}, in the order written; empty when it has none. */
    public static List<Hint> read(Path readme) throws IOException {
        return parse(Files.readString(readme));
    }

    /** The hints in a README's text, in the order written. */
    public static List<Hint> parse(String markdown) {
        List<Hint> hints = new ArrayList<>();
        Matcher m = SECTION.matcher(markdown.replace("\r\n", "\n"));
        while (m.find()) {
            hints.add(new Hint(Integer.parseInt(m.group(1)), m.group(2).strip(), m.group(3).strip()));
        }
        return List.copyOf(hints);
    }
}

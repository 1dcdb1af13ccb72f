package errgroupkatas.tools.coach;

import errgroupkatas.tools.Catalog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The hint command outside the coach: {@code mvn -q -Phint -Dkata=NN} prints kata NN's next hint
 * that the learner has not seen yet, {@code -Dhint=N} prints hint N. What was seen is remembered
 * in the coach's {@code .coach/progress.properties} ({@link Progress}), so the coach's {@code h}
 * and this command count the same hints: seeing hint N counts hints 1 to N as seen. {@code NN} is
 * a kata's number ({@code 03}, {@code 3}) or its whole id ({@code 03-errgroup}).
 *
 * <p>It runs from source, with the JDK's source launcher ({@code java …/HintCommand.java}, the
 * {@code hint} profile of the root pom), so that it works on a fresh clone without building
 * anything and offline: it, {@link Hints}, {@link Progress} and {@link Catalog} depend on the JDK
 * only.
 *
 * <p>Usage: {@code java HintCommand.java <repository root> kata=<NN> [hint=<N>]} (an empty value
 * counts as absent). Exits 0 when it printed a hint (or said that every hint was seen), 2 on a
 * usage error (which the {@code hint} profile accepts too: its message says it all, and Maven's
 * error report would bury it).
 */
public final class HintCommand {

    private final Path root;
    private final PrintStream out;

    HintCommand(Path root, PrintStream out) {
        this.root = root.toAbsolutePath().normalize();
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        String kata = "";
        String hint = "";
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("kata=")) {
                kata = args[i].substring("kata=".length()).strip();
            } else if (args[i].startsWith("hint=")) {
                hint = args[i].substring("hint=".length()).strip();
            }
        }
        int status = new HintCommand(Path.of(args.length > 0 ? args[0] : "."), out).run(kata, hint);
        out.flush();
        System.exit(status);
    }

    /**
     * Prints the hint asked for and records it as seen.
     *
     * @param kataArgument the kata: {@code 03}, {@code 3} or {@code 03-errgroup}
     * @param hintArgument the hint's number, or empty for the next one not seen
     * @return the exit status: 0, or 2 when an argument names no kata or no hint of it
     */
    int run(String kataArgument, String hintArgument) throws IOException {
        Catalog catalog = Catalog.load(root);
        List<String> ids = catalog.katas().stream().map(Catalog.Kata::id).toList();
        Optional<String> kata = kataOf(kataArgument, ids);
        if (kata.isEmpty()) {
            out.println((kataArgument.isEmpty() ? "Which kata? " : "No kata '" + kataArgument + "'. ")
                    + "Usage: mvn -q -Phint -Dkata=NN [-Dhint=N], NN one of: "
                    + String.join(", ", ids.stream().map(id -> id.substring(0, 2)).toList()) + " (" + String.join(", ", ids)
                    + ")");
            return 2;
        }
        String id = kata.get();
        String nn = id.substring(0, 2);
        List<Hints.Hint> hints = Hints.read(Hints.folder(root, id));
        if (hints.isEmpty()) {
            out.println("Kata " + id + " has no hints (katas/" + id + "/hints/ holds none).");
            return 2;
        }
        Progress progress = Progress.load(root.resolve(".coach/progress.properties"));
        int seen = progress.hintsSeen(id);
        int number;
        if (hintArgument.isEmpty()) {
            if (seen >= hints.size()) {
                out.println("You have seen all " + hints.size() + " hints of " + id + ". To read one again: mvn -q -Phint -Dkata="
                        + nn + " -Dhint=N (N from 1 to " + hints.size() + ").");
                return 0;
            }
            number = seen + 1;
        } else {
            number = hintArgument.matches("\\d{1,2}") ? Integer.parseInt(hintArgument) : -1;
            if (number < 1 || number > hints.size()) {
                out.println("Kata " + id + " has hints 1 to " + hints.size() + ", not '" + hintArgument
                        + "'. Usage: mvn -q -Phint -Dkata=" + nn + " [-Dhint=N]");
                return 2;
            }
        }
        Hints.show(id, hints.get(number - 1), hints.size()).forEach(out::println);
        if (number < hints.size()) {
            out.println("(more concrete: hint " + (number + 1) + ", " + hints.get(number).label() + ": mvn -q -Phint -Dkata=" + nn
                    + (seen > number ? " -Dhint=" + (number + 1) : "") + ")"); // without -Dhint: hint seen + 1
        } else {
            out.println("(that was the last hint of " + id + ")");
        }
        if (number > seen) {
            progress.hintsSeen(id, number);
            try {
                progress.save();
            } catch (IOException e) {
                out.println("(could not remember it in .coach/progress.properties: " + e + ")");
            }
        }
        return 0;
    }

    /** The catalog id that {@code argument} names: {@code 03}, {@code 3} or {@code 03-errgroup}. */
    static Optional<String> kataOf(String argument, List<String> ids) {
        String a = argument.strip().toLowerCase(Locale.ROOT);
        if (a.matches("\\d{1,2}")) {
            String prefix = String.format(Locale.ROOT, "%02d-", Integer.parseInt(a));
            return ids.stream().filter(id -> id.startsWith(prefix)).findFirst();
        }
        return ids.stream().filter(id -> id.equals(a)).findFirst();
    }
}

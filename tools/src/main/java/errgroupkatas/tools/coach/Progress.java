package errgroupkatas.tools.coach;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What the coach remembers between runs, in {@code .coach/progress.properties} at the top of the
 * repository (git ignores {@code .coach/}): per kata, the last run's result (behaviour tests passed
 * and in all, and its status) and how many hints the learner has seen; and the kata worked on last.
 * Written whole after every change, through a temporary file, so a coach that is killed leaves the
 * previous or the new file, never half of one.
 *
 * <p>The coach and {@link HintCommand} ({@code mvn -q -Phint}) share the file, and may run at the
 * same time: the count of hints seen only grows, so each {@link #save} keeps, per kata, the larger
 * of its own count and the file's ({@link #mergeHintsSeen}). Depends on the JDK only:
 * {@link HintCommand} runs from source, without a build.
 */
public final class Progress {

    /** A kata's last result: behaviour tests passed, behaviour tests in all, the status's label. */
    public record Result(int passed, int total, String status) {
    }

    private final Path file;
    private final Map<String, Result> results = new TreeMap<>();
    private final Map<String, Integer> hintsSeen = new TreeMap<>();
    private String current;

    private Progress(Path file) {
        this.file = file;
    }

    /** The progress saved in {@code file}, or none when it does not exist (or cannot be read). */
    public static Progress load(Path file) {
        Progress progress = new Progress(file);
        if (!Files.isRegularFile(file)) {
            return progress;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            return progress; // a damaged file costs the remembered results, never the coach
        }
        for (String key : p.stringPropertyNames()) {
            String value = p.getProperty(key).strip();
            try {
                if (key.endsWith(".result")) {
                    String[] f = value.split(",", 3);
                    progress.results.put(key.substring(0, key.length() - ".result".length()),
                            new Result(Integer.parseInt(f[0].strip()), Integer.parseInt(f[1].strip()), f[2].strip()));
                } else if (key.endsWith(".hints")) {
                    progress.hintsSeen.put(key.substring(0, key.length() - ".hints".length()), Integer.parseInt(value));
                } else if (key.equals("current")) {
                    progress.current = value;
                }
            } catch (RuntimeException e) {
                // one bad line: skip it
            }
        }
        return progress;
    }

    /** The kata's last result, if it ever ran. */
    public Optional<Result> result(String kata) {
        return Optional.ofNullable(results.get(kata));
    }

    /** Remembers the kata's last result (call {@link #save} to keep it). */
    public void result(String kata, Result result) {
        results.put(kata, result);
    }

    /** How many of the kata's hints the learner has seen (0 to 3). */
    public int hintsSeen(String kata) {
        return hintsSeen.getOrDefault(kata, 0);
    }

    /** Remembers how many of the kata's hints the learner has seen. */
    public void hintsSeen(String kata, int seen) {
        hintsSeen.put(kata, seen);
    }

    /** The kata worked on last, if any. */
    public Optional<String> current() {
        return Optional.ofNullable(current);
    }

    /** Remembers the kata worked on last. */
    public void current(String kata) {
        current = kata;
    }

    /**
     * Takes in the hints seen that the file records now (another process may have shown some since
     * this was loaded): per kata, the larger count stands.
     */
    public void mergeHintsSeen() {
        load(file).hintsSeen.forEach((kata, n) -> hintsSeen.merge(kata, n, Math::max));
    }

    /**
     * Writes the progress to its file (creating its folder), replacing the previous one at once;
     * the hints seen are first merged with the file's ({@link #mergeHintsSeen}).
     */
    public void save() throws IOException {
        mergeHintsSeen();
        Properties p = new Properties();
        results.forEach((kata, r) -> p.setProperty(kata + ".result", r.passed() + "," + r.total() + "," + r.status()));
        hintsSeen.forEach((kata, n) -> p.setProperty(kata + ".hints", Integer.toString(n)));
        if (current != null) {
            p.setProperty("current", current);
        }
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp"); // one per writer
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "errgroup-katas coach: your progress (safe to delete: the coach starts afresh)");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

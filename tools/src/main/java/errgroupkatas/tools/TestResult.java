package errgroupkatas.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One test's result, as {@link KataTestRun} wrote it.
 *
 * @param status  PASSED, FAILED, ABORTED or SKIPPED
 * @param key     {@code TestClass.method}, or {@code TestClass.factory[display name]} for a dynamic test
 * @param tags    the test's JUnit tags
 * @param display the display name
 * @param message the failure's class and message on one line, or empty
 * @param millis  how long the test took
 */
public record TestResult(String status, String key, Set<String> tags, String display, String message, long millis) {

    /** Whether the test passed. */
    public boolean passed() {
        return status.equals("PASSED");
    }

    /** Whether the test failed or was aborted. */
    public boolean failed() {
        return status.equals("FAILED") || status.equals("ABORTED");
    }

    /** Rule tests ({@code @Tag("rules")}) hold on any stub: they are counted apart. */
    public boolean isRule() {
        return tags.contains("rules");
    }

    /**
     * The result as a line of a result file (tab-separated; {@link File#read} reads it back):
     * {@code test <status> <key> <tags, comma-separated, or -> <display name> <message> <millis>}.
     */
    public String line() {
        return String.join("\t", "test", status, key, tags.isEmpty() ? "-" : String.join(",", new java.util.TreeSet<>(tags)),
                display, message, Long.toString(millis));
    }

    /** Whether {@code name} (as written in a mistake's caught-by line) names this test. */
    boolean matches(String name) {
        return key.equals(name) || key.startsWith(name + "[");
    }

    /** The results in a result file, and whether the run reached its end. */
    public record File(List<TestResult> results, boolean finished) {

        /** Reads a result file; a missing file has no results and did not finish. */
        public static File read(Path path) throws IOException {
            List<TestResult> results = new ArrayList<>();
            boolean finished = false;
            if (!Files.exists(path)) {
                return new File(results, false);
            }
            for (String line : Files.readAllLines(path)) {
                if (line.equals("end")) {
                    finished = true;
                    continue;
                }
                parse(line).ifPresent(results::add);
            }
            return new File(List.copyOf(results), finished);
        }
    }

    /** The result a {@link #line()} holds; empty if {@code line} is not one. */
    public static java.util.Optional<TestResult> parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 7 || !f[0].equals("test") || !f[6].matches("\\d{1,18}")) {
            return java.util.Optional.empty();
        }
        Set<String> tags = f[3].equals("-") ? Set.of() : Set.of(f[3].split(","));
        return java.util.Optional.of(new TestResult(f[1], f[2], tags, f[4], f[5], Long.parseLong(f[6])));
    }
}

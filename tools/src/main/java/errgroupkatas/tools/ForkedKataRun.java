package errgroupkatas.tools;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles one variant of a kata's main code (a stub, a solution, a solution with a mistake laid
 * over it) and runs the kata's compiled tests against it in a fresh JVM ({@link KataTestRun}),
 * killing that JVM if it outlives {@code timeout}.
 */
final class ForkedKataRun {

    /** What came of a run. {@code problem} is empty when the JVM finished normally. */
    record Outcome(TestResult.File results, String problem, Duration elapsed, Path log) {

        boolean crashed() {
            return !problem.isEmpty();
        }
    }

    private final Path testClasses;
    private final Path workDir;
    private final Duration timeout;

    ForkedKataRun(Path testClasses, Path workDir, Duration timeout) {
        this.testClasses = testClasses;
        this.workDir = workDir;
        this.timeout = timeout;
    }

    /**
     * Compiles the union of {@code sourceRoots} (a later root's file replaces an earlier root's
     * file at the same relative path) and runs the tests against it.
     *
     * @throws IllegalStateException the variant does not compile
     */
    Outcome run(String name, List<Path> sourceRoots) throws IOException, InterruptedException {
        Path dir = workDir.resolve(name);
        deleteRecursively(dir);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        compile(name, overlay(sourceRoots), classes, dir.resolve("javac.log"));

        Path results = dir.resolve("results.tsv");
        Path log = dir.resolve("output.log");
        String cp = classes + File.pathSeparator + testClasses + File.pathSeparator
                + System.getProperty("java.class.path");
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx512m",
                "-cp", cp, KataTestRun.class.getName(), testClasses.toString(), results.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        long start = System.nanoTime();
        Process p = pb.start();
        String problem = "";
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            problem = "timed out after " + timeout.toSeconds() + " s and was killed";
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        TestResult.File file = TestResult.File.read(results);
        if (problem.isEmpty() && !file.finished()) {
            problem = "the test JVM died (exit code " + p.exitValue() + ") before the run ended";
        }
        return new Outcome(file, problem, elapsed, log);
    }

    private static Map<Path, Path> overlay(List<Path> roots) throws IOException {
        Map<Path, Path> files = new LinkedHashMap<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path f : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
                    files.put(root.relativize(f), f);
                }
            }
        }
        return files;
    }

    private static void compile(String name, Map<Path, Path> sources, Path classes, Path javacLog) throws IOException {
        if (sources.isEmpty()) {
            throw new IllegalStateException(name + ": no Java sources to compile");
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("--release", "25", "-proc:none", "-nowarn", "-encoding", "UTF-8",
                "-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
        sources.values().forEach(p -> args.add(p.toString()));
        try (var out = Files.newOutputStream(javacLog)) {
            int rc = javac.run(null, out, out, args.toArray(String[]::new));
            if (rc != 0) {
                throw new IllegalStateException(name + " does not compile:\n" + Files.readString(javacLog));
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}

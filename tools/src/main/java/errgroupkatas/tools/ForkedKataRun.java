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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Runs one kata's compiled tests against several variants of its main code in a fresh JVM
 * ({@link KataTestRun}): all variants in one JVM, each in its own class loader, which is several
 * times faster than a JVM per variant. If that JVM dies or outlives its time (a variant that
 * crashes the JVM, exits it, or hangs beyond every timeout), the variants it did not finish run
 * again, each in a JVM of its own, so one bad variant cannot hide another's result.
 */
final class ForkedKataRun {

    /**
     * A variant to run: its main classes (a classpath, first entry wins) and the tests to run
     * (empty for all).
     */
    record Variant(String name, List<Path> mainClasspath, List<String> tests) {
    }

    /** What came of one variant. {@code problem} is empty when its run ended normally. */
    record Outcome(TestResult.File results, String problem, Path log) {

        boolean crashed() {
            return !problem.isEmpty();
        }
    }

    private static final Duration BATCH_BASE = Duration.ofSeconds(60);
    private static final Duration PER_VARIANT = Duration.ofSeconds(30);

    private final Path testClasses;
    private final Path workDir;

    ForkedKataRun(Path testClasses, Path workDir) {
        this.testClasses = testClasses;
        this.workDir = workDir;
    }

    /** The variants' outcomes, in the order given. */
    Map<String, Outcome> run(List<Variant> variants) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        String batchProblem = fork("all", variants);
        List<Variant> unfinished = new ArrayList<>();
        for (Variant v : variants) {
            TestResult.File file = TestResult.File.read(resultFile(v));
            if (file.finished()) {
                outcomes.put(v.name(), new Outcome(file, "", log("all")));
            } else {
                unfinished.add(v);
            }
        }
        if (!unfinished.isEmpty() && batchProblem.isEmpty()) {
            batchProblem = "ended before every variant ran";
        }
        for (Variant v : unfinished) {
            String problem = fork(v.name(), List.of(v));
            TestResult.File file = TestResult.File.read(resultFile(v));
            if (problem.isEmpty() && !file.finished()) {
                problem = "the test JVM died before the run ended";
            }
            outcomes.put(v.name(), new Outcome(file, problem, log(v.name())));
        }
        return outcomes;
    }

    private Path resultFile(Variant v) {
        return workDir.resolve(v.name() + ".results.tsv");
    }

    private Path log(String batch) {
        return workDir.resolve(batch + ".output.log");
    }

    /** Runs {@code variants} in one JVM; returns "" or what went wrong with the JVM. */
    private String fork(String batch, List<Variant> variants) throws IOException, InterruptedException {
        Path plan = workDir.resolve(batch + ".plan.tsv");
        List<String> lines = new ArrayList<>();
        for (Variant v : variants) {
            Files.deleteIfExists(resultFile(v));
            lines.add(String.join("\t", v.name(),
                    v.mainClasspath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                    resultFile(v).toString(), String.join(",", v.tests())));
        }
        Files.write(plan, lines);
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx768m",
                "-cp", System.getProperty("java.class.path"),
                KataTestRun.class.getName(), testClasses.toString(), plan.toString())
                .redirectErrorStream(true).redirectOutput(log(batch).toFile());
        Process p = pb.start();
        Duration timeout = BATCH_BASE.plus(PER_VARIANT.multipliedBy(variants.size()));
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            return "timed out after " + timeout.toSeconds() + " s and was killed";
        }
        return p.exitValue() == 0 ? "" : "exited with code " + p.exitValue();
    }

    /**
     * Compiles {@code sources} (a later root's file replaces an earlier root's file at the same
     * relative path) into {@code classes}, against {@code classpath} and the tools' own classpath.
     *
     * @throws IllegalStateException the sources do not compile (the message has javac's output)
     */
    static void compile(String name, List<Path> sourceRoots, List<Path> classpath, Path classes) throws IOException {
        deleteRecursively(classes);
        Files.createDirectories(classes);
        compileInto(name, sourceRoots, classpath, classes);
    }

    private static void compileInto(String name, List<Path> sourceRoots, List<Path> classpath, Path classes)
            throws IOException {
        Map<Path, Path> files = new LinkedHashMap<>();
        for (Path root : sourceRoots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path f : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
                        files.put(root.relativize(f), f);
                    }
                }
            }
        }
        if (files.isEmpty()) {
            throw new IllegalStateException(name + ": no Java sources to compile");
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String cp = Stream.concat(classpath.stream().map(Path::toString),
                Stream.of(System.getProperty("java.class.path"))).collect(Collectors.joining(File.pathSeparator));
        List<String> args = new ArrayList<>(List.of("--release", "25", "-proc:none", "-nowarn", "-encoding", "UTF-8",
                "-implicit:none", "-d", classes.toString(), "-cp", cp));
        files.values().forEach(p -> args.add(p.toString()));
        Path javacLog = classes.resolveSibling(classes.getFileName() + ".javac.log");
        try (var out = Files.newOutputStream(javacLog)) {
            if (javac.run(null, out, out, args.toArray(String[]::new)) != 0) {
                throw new IllegalStateException(name + " does not compile:\n" + Files.readString(javacLog));
            }
        }
    }

    /**
     * Builds one complete classes folder for a mistake: the solution's classes, without those of
     * the files the mistake replaces (nested and anonymous classes included), and the mistake's
     * own files compiled on top. One folder, not a classpath with the mistake first: a tool that
     * reads a package's class files (ArchUnit) would otherwise see both versions of a class.
     */
    static void compileOver(String name, Path overlaySources, Path solutionClasses, Path classes) throws IOException {
        deleteRecursively(classes);
        Files.createDirectories(classes);
        List<String> replaced = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(overlaySources)) {
            walk.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                String rel = overlaySources.relativize(f).toString();
                replaced.add(rel.substring(0, rel.length() - ".java".length()));
            });
        }
        try (Stream<Path> walk = Files.walk(solutionClasses)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                String rel = solutionClasses.relativize(f).toString();
                String top = rel.endsWith(".class") ? rel.substring(0, rel.length() - ".class".length()).split("\\$")[0] : rel;
                if (!replaced.contains(top)) {
                    Path target = classes.resolve(rel);
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target);
                }
            }
        }
        compileInto(name, List.of(overlaySources), List.of(classes), classes);
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

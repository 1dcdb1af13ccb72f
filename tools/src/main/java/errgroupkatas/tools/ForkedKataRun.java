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
 * again, each in a JVM of its own, so one bad variant cannot hide another's result. The grader
 * uses {@link ConfinedKataRun} instead: one JVM in a sandbox, one time limit, no second chance.
 */
public final class ForkedKataRun {

    /**
     * A variant to run: its main classes (a classpath, first entry wins) and the tests to run
     * (empty for all).
     */
    public record Variant(String name, List<Path> mainClasspath, List<String> tests) {
    }

    /**
     * What came of one variant. {@code problem} is empty when its run ended normally; {@code timedOut}
     * says the JVM outlived its time limit and was killed (then {@code problem} says so too).
     */
    public record Outcome(TestResult.File results, String problem, boolean timedOut, Path log) {

        /** Whether the variant's run did not end normally (the JVM died, or was killed). */
        public boolean crashed() {
            return !problem.isEmpty();
        }
    }

    /** How a forked JVM ended: {@code problem} is "" when it exited with 0. */
    private record Fork(String problem, boolean timedOut) {
    }

    private static final Duration BATCH_BASE = Duration.ofSeconds(60);
    private static final Duration PER_VARIANT = Duration.ofSeconds(30);

    private final Path testClasses;
    private final Path workDir;

    /**
     * @param testClasses the kata's compiled tests
     * @param workDir     where the plan, the result files ({@code <variant>.results.tsv}) and the
     *                    JVM's output ({@code <batch>.output.log}) go; created if missing
     */
    public ForkedKataRun(Path testClasses, Path workDir) {
        this.testClasses = testClasses;
        this.workDir = workDir;
    }

    /** The variants' outcomes, in the order given, from one JVM whose plan and output are named "all". */
    Map<String, Outcome> run(List<Variant> variants) throws IOException, InterruptedException {
        return run("all", variants);
    }

    /**
     * The variants' outcomes, in the order given, from one JVM whose plan and output are named
     * {@code batch} ({@code <batch>.plan.tsv}, {@code <batch>.output.log}): several batches of one kata
     * may run at once in the same work folder.
     */
    Map<String, Outcome> run(String batch, List<Variant> variants) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        String batchProblem = fork(batch, variants, batchTimeout(variants.size())).problem();
        List<Variant> unfinished = new ArrayList<>();
        for (Variant v : variants) {
            TestResult.File file = TestResult.File.read(resultFile(v));
            if (file.finished()) {
                outcomes.put(v.name(), new Outcome(file, "", false, log(batch)));
            } else {
                unfinished.add(v);
            }
        }
        if (!unfinished.isEmpty() && batchProblem.isEmpty()) {
            batchProblem = "ended before every variant ran";
        }
        for (Variant v : unfinished) {
            Fork fork = fork(v.name(), List.of(v), batchTimeout(1));
            outcomes.put(v.name(), outcome(v, fork, log(v.name())));
        }
        return outcomes;
    }

    private Outcome outcome(Variant v, Fork fork, Path log) throws IOException {
        TestResult.File file = TestResult.File.read(resultFile(v));
        String problem = fork.problem();
        if (problem.isEmpty() && !file.finished()) {
            problem = "the test JVM died before the run ended";
        }
        return new Outcome(file, problem, fork.timedOut() && !file.finished(), log);
    }

    private static Duration batchTimeout(int variants) {
        return BATCH_BASE.plus(PER_VARIANT.multipliedBy(variants));
    }

    private Path resultFile(Variant v) {
        return workDir.resolve(v.name() + ".results.tsv");
    }

    private Path log(String batch) {
        return workDir.resolve(batch + ".output.log");
    }

    /** Runs {@code variants} in one JVM, killed after {@code timeout}; says how it ended. */
    private Fork fork(String batch, List<Variant> variants, Duration timeout) throws IOException, InterruptedException {
        Path plan = workDir.resolve(batch + ".plan.tsv");
        List<String> lines = new ArrayList<>();
        for (Variant v : variants) {
            Files.deleteIfExists(resultFile(v));
            lines.add(String.join("\t", v.name(),
                    v.mainClasspath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                    resultFile(v).toString(), String.join(",", v.tests())));
        }
        Files.write(plan, lines);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx768m"));
        command.addAll(extraJvmArgs());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                KataTestRun.class.getName(), testClasses.toString(), plan.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(batch).toFile());
        Process p = pb.start();
        boolean ended;
        try {
            ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p); // whoever interrupted us gave up on this run: it must not outlive us
            throw e;
        }
        if (!ended) {
            kill(p);
            p.waitFor();
            return new Fork("timed out after " + timeout.toSeconds() + " s and was killed", true);
        }
        return new Fork(p.exitValue() == 0 ? "" : "exited with code " + p.exitValue(), false);
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /**
     * JVM options for every forked test JVM, from the system property {@code kata.jvmArgs}
     * (whitespace-separated), e.g. {@code -Djdk.virtualThreadScheduler.parallelism=1} to run the
     * kata tests on a single carrier thread, as the flake hunt does.
     */
    static List<String> extraJvmArgs() {
        String args = System.getProperty("kata.jvmArgs", "").strip();
        return args.isEmpty() ? List.of() : List.of(args.split("\\s+"));
    }

    /**
     * Compiles {@code sources} (a later root's file replaces an earlier root's file at the same
     * relative path) into {@code classes}, against {@code classpath} and the tools' own classpath.
     *
     * @throws IllegalStateException the sources do not compile (the message has javac's output)
     */
    public static void compile(String name, List<Path> sourceRoots, List<Path> classpath, Path classes)
            throws IOException {
        deleteRecursively(classes);
        Files.createDirectories(classes);
        compileInto(name, sourceRoots, classpath, classes, false);
    }

    /** Where the story module's classes are (a folder or a jar): all that kata code compiles against. */
    private static final String STORY = storyLocation();

    private static String storyLocation() {
        try {
            return Path.of(errgroupkatas.story.User.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return System.getProperty("java.class.path"); // unusual class loading: the whole class path, as before
        }
    }

    /**
     * @param kataCodeOnly the sources are kata main code (a meta-check variant), which may use only
     *                     the JDK and the story: javac gets the story instead of the tools' whole class
     *                     path (tests and submissions, which the grader compiles, get all of it)
     */
    private static void compileInto(String name, List<Path> sourceRoots, List<Path> classpath, Path classes,
            boolean kataCodeOnly) throws IOException {
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
        // Kata code may use only the JDK and the story (KataApi), so javac gets those, not the tools'
        // whole class path: the meta-check compiles a hundred and more variants, and each javac run
        // would open every jar of JUnit, AssertJ and ArchUnit again.
        String cp = Stream.concat(classpath.stream().map(Path::toString),
                Stream.of(kataCodeOnly ? STORY : System.getProperty("java.class.path")))
                .collect(Collectors.joining(File.pathSeparator));
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
        compileInto(name, List.of(overlaySources), List.of(classes), classes, true);
    }

    /** Deletes {@code dir} and everything under it; nothing when it does not exist. */
    public static void deleteRecursively(Path dir) throws IOException {
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

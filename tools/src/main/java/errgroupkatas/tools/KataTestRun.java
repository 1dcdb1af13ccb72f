package errgroupkatas.tools;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.MethodFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs one kata's compiled tests against one or more variants of its main code, one variant
 * after another in this JVM, each in a class loader of its own (so the variants' classes never
 * mix), and writes a result file per variant as it goes: a JVM that dies half-way still leaves
 * the results of the variants and tests it finished. It ends the JVM itself, so a thread a wrong
 * variant leaked cannot keep it alive.
 *
 * <p>Usage: {@code java -cp <tools classpath> errgroupkatas.tools.KataTestRun <test classes folder> <plan file>}.
 * Each line of the plan is a variant, tab-separated: its name, its main classes (a classpath,
 * first entry first), its result file, and the tests to run (comma-separated {@code
 * TestClass.method} names; empty for every test).
 *
 * <p>Result lines (tab-separated): {@code test <status> <key> <tags> <display name> <message>}, where
 * status is PASSED, FAILED, ABORTED or SKIPPED and key is {@code TestClass.method} (dynamic tests:
 * {@code TestClass.factory[display name]}); the last line is {@code end} when the variant's run
 * finished.
 *
 * <p>With a third argument, {@value #RESULTS_ON_STDOUT} (the grader's mode, {@link ConfinedKataRun}),
 * no result file is written (the plan's result file fields are ignored): before any kata class
 * loads, the first line of standard input is read as the run's key, and each result line goes to
 * standard output as {@code \n<key>\t<variant>\t<result line>\n}, through a stream of this class's
 * own (a {@code System.setOut} by kata code does not divert it). Kata code shares that output
 * ({@code System.out} is on the katas' allow-list), but a line without the key is not a result, and
 * the key exists only in this class's memory: kata code could read it only through reflection, method
 * handles, {@code Unsafe}, foreign memory or the process's own files, and the grader's class-file scan
 * ({@code ClassFileScan}, the {@code KataApi} allow-list) refuses a submission that uses any of them
 * before it runs. After
 * the last variant a {@code <key>\tdone} line is written, and the JVM halts only once standard
 * input ends: the grader looks at the processes still running in the meantime.
 */
public final class KataTestRun {

    private KataTestRun() {
    }

    /** The third argument that sends the results to standard output, under a key read from standard input. */
    public static final String RESULTS_ON_STDOUT = "--results-on-stdout";

    public static void main(String[] args) throws IOException {
        Path testClasses = Path.of(args[0]);
        ResultChannel channel = args.length > 2 && args[2].equals(RESULTS_ON_STDOUT) ? ResultChannel.open() : null;
        int exit = 0;
        try {
            for (String line : Files.readAllLines(Path.of(args[1]))) {
                if (!line.isBlank()) {
                    String[] f = line.split("\t", -1);
                    runVariant(testClasses, f[0], f[1], channel == null ? Path.of(f[2]) : null, f[3], channel);
                }
            }
        } catch (Throwable t) {
            t.printStackTrace();
            exit = 2;
        }
        System.out.flush();
        if (channel != null) {
            channel.done();
        }
        // Leaked non-daemon threads of a wrong variant must not keep this JVM alive.
        Runtime.getRuntime().halt(exit);
    }

    /**
     * The grader's results channel: standard output, each line under a key only the grader and
     * this object know. Opened before any kata code runs.
     */
    private static final class ResultChannel {
        /** Below PIPE_BUF (4096 bytes on Linux): one write to a pipe is never split by another writer's. */
        private static final int MAX_LINE_BYTES = 4000;
        private final java.io.FileOutputStream out = new java.io.FileOutputStream(java.io.FileDescriptor.out);
        private final java.io.FileInputStream in;
        private final String key;

        private ResultChannel(java.io.FileInputStream in, String key) {
            this.in = in;
            this.key = key;
        }

        /** Reads the key from standard input byte by byte, so that no buffer (System.in's) ever holds it. */
        static ResultChannel open() throws IOException {
            java.io.FileInputStream in = new java.io.FileInputStream(java.io.FileDescriptor.in);
            java.io.ByteArrayOutputStream key = new java.io.ByteArrayOutputStream();
            for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                key.write(b);
            }
            if (key.size() < 16) {
                throw new IllegalStateException(RESULTS_ON_STDOUT + ": no key on standard input");
            }
            return new ResultChannel(in, key.toString(StandardCharsets.US_ASCII));
        }

        synchronized void send(String variant, String line) {
            byte[] bytes = frame(variant, line);
            for (String cut = line; bytes.length > MAX_LINE_BYTES; ) {
                cut = cut.substring(0, cut.length() * 3 / 4);
                bytes = frame(variant, cut + "…");
            }
            try {
                out.write(bytes);
            } catch (IOException e) {
                // standard output was closed (by kata code): the grader finds the results missing
            }
        }

        private byte[] frame(String variant, String line) {
            return ("\n" + key + "\t" + variant + "\t" + line + "\n").getBytes(StandardCharsets.UTF_8);
        }

        /** Says every variant ran, then waits until the grader closes standard input. */
        void done() {
            send("-", "done");
            try {
                while (in.read() != -1) {
                    // the grader sends nothing after the key
                }
            } catch (IOException e) {
                // standard input closed: the grader is done too
            }
        }
    }

    private static void runVariant(Path testClasses, String variant, String mainClasspath, Path resultFile,
            String tests, ResultChannel channel) throws IOException {
        // The tests first: a main class with a test's name never stands in for it (the grader also
        // refuses such a submission before it runs). Support and story come from the parent.
        List<URL> urls = new ArrayList<>();
        urls.add(testClasses.toUri().toURL());
        for (String entry : mainClasspath.split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        // Not closed: threads a wrong variant leaked may still load classes from it.
        URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), KataTestRun.class.getClassLoader());
        Thread self = Thread.currentThread();
        ClassLoader previous = self.getContextClassLoader();
        self.setContextClassLoader(loader); // JUnit discovers and loads the tests through it
        try (PrintWriter out = channel != null ? new PrintWriter(new java.io.StringWriter())
                : new PrintWriter(Files.newBufferedWriter(resultFile, StandardCharsets.UTF_8), true)) {
            java.util.function.Consumer<String> sink = channel != null ? l -> channel.send(variant, l) : out::println;
            List<String> names = Arrays.stream(tests.split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList();
            // Named tests (a mistake's caught-by line): discover only their classes, not every test
            // class of the kata; a hundred mistakes per build make the difference.
            List<String> classes = names.isEmpty() ? List.of() : testClassNames(testClasses, names);
            LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(classes.isEmpty() ? selectClasspathRoots(Set.of(testClasses))
                            : classes.stream().map(c -> DiscoverySelectors.selectClass(loader, c)).toList());
            if (!names.isEmpty()) {
                request.filters(MethodFilter.includeMethodNamePatterns(names.stream()
                        .map(n -> ".*[.$]" + Pattern.quote(n.replace('.', '#')) + "(\\(.*)?").toArray(String[]::new)));
            }
            LauncherFactory.create().execute(request.build(), new Recorder(r -> sink.accept(r.line())));
            sink.accept("end");
        } finally {
            self.setContextClassLoader(previous);
        }
    }

    /**
     * The fully qualified names of the test classes that {@code names} ({@code TestClass.method}) name,
     * found under {@code testClasses} by their simple names; empty when one of them is not found, so
     * that the caller scans everything instead of missing a test.
     */
    private static List<String> testClassNames(Path testClasses, List<String> names) throws IOException {
        Set<String> simple = new java.util.TreeSet<>();
        for (String n : names) {
            int dot = n.indexOf('.');
            if (dot <= 0) {
                return List.of();
            }
            simple.add(n.substring(0, dot));
        }
        List<String> found = new ArrayList<>();
        try (var walk = Files.walk(testClasses)) {
            for (Path f : walk.filter(p -> simple.contains(p.getFileName().toString().replaceFirst("\\.class$", ""))
                    && p.toString().endsWith(".class")).toList()) {
                String rel = testClasses.relativize(f).toString();
                found.add(rel.substring(0, rel.length() - ".class".length()).replace(File.separatorChar, '.'));
            }
        }
        return found.size() == simple.size() ? found : List.of();
    }

    /**
     * Turns the Launcher's events into a {@link TestResult} per finished or skipped test (and per
     * container that failed before any of its tests ran), handed to {@code sink} as each ends, on
     * the thread that reports it. Used here (a result file per variant) and by the coach.
     */
    public static final class Recorder implements TestExecutionListener {
        private final java.util.function.Consumer<TestResult> sink;
        private final java.util.Map<String, Long> started = new java.util.concurrent.ConcurrentHashMap<>();
        private TestPlan plan;

        /** @param sink receives every result, one call at a time */
        public Recorder(java.util.function.Consumer<TestResult> sink) {
            this.sink = sink;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            this.plan = testPlan;
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            started.put(id.getUniqueId(), System.nanoTime());
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest()) {
                write("SKIPPED", id, reason);
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (!id.isTest()) {
                if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL && id.isContainer()
                        && plan.getChildren(id).isEmpty()) {
                    // a container that failed before running any test (e.g. a static initializer)
                    write("FAILED", id, message(result));
                }
                return;
            }
            String status = switch (result.getStatus()) {
                case SUCCESSFUL -> "PASSED";
                case FAILED -> "FAILED";
                case ABORTED -> "ABORTED";
            };
            write(status, id, message(result));
        }

        private static String message(TestExecutionResult result) {
            return result.getThrowable().map(t -> t.getClass().getName() + ": " + t.getMessage()).orElse("");
        }

        private synchronized void write(String status, TestIdentifier id, String message) {
            Long start = started.remove(id.getUniqueId());
            long millis = start == null ? 0 : (System.nanoTime() - start) / 1_000_000;
            sink.accept(new TestResult(status, key(id), tags(id), oneLine(id.getDisplayName()), oneLine(message), millis));
        }

        private String key(TestIdentifier id) {
            Optional<TestSource> source = id.getSource();
            if (source.isPresent() && source.get() instanceof MethodSource m && !id.getUniqueId().contains("dynamic-test")) {
                return simple(m.getClassName()) + "." + m.getMethodName();
            }
            // A dynamic test: name it after the factory method that made it.
            Optional<TestIdentifier> parent = plan.getParent(id);
            while (parent.isPresent()) {
                if (parent.get().getSource().orElse(null) instanceof MethodSource m) {
                    return simple(m.getClassName()) + "." + m.getMethodName() + "[" + id.getDisplayName() + "]";
                }
                parent = plan.getParent(parent.get());
            }
            return id.getDisplayName();
        }

        private Set<String> tags(TestIdentifier id) {
            Set<String> tags = id.getTags().stream().map(t -> t.getName()).collect(Collectors.toCollection(java.util.TreeSet::new));
            plan.getParent(id).ifPresent(p -> p.getTags().forEach(t -> tags.add(t.getName())));
            return java.util.Collections.unmodifiableSet(tags);
        }

        private static String simple(String className) {
            return className.substring(className.lastIndexOf('.') + 1);
        }

        private static String oneLine(String text) {
            String s = text == null ? "" : text.replace('\t', ' ').replace("\r", "").replace("\n", " ⏎ ");
            return s.length() > 2000 ? s.substring(0, 2000) + "…" : s;
        }
    }
}

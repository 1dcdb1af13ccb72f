package errgroupkatas.tools.coach;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import errgroupkatas.support.LeakDetector;
import errgroupkatas.tools.ForkedKataRun;
import errgroupkatas.tools.KataTestRun;
import errgroupkatas.tools.TestResult;
import java.io.File;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.SourceFileAttribute;
import java.lang.classfile.constantpool.MethodRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LineNumber;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.platform.engine.CancellationToken;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherExecutionRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Compiles one kata and runs its tests inside this JVM, for the coach: sub-second feedback
 * needs a warm compiler and a warm JUnit, not a new Maven process per save.
 *
 * <p>A run: javac (the JDK's, through {@code javax.tools}, one compiler and file manager kept
 * for the coach's life) compiles {@code katas/NN-name/src/main/java} into
 * {@code katas/NN-name/target/coach/target/classes} and, when a test source changed since the last
 * run (or never compiled), {@code src/test/java} into {@code target/coach/target/test-classes}
 * (Maven's folder names on purpose: the rules tests import the kata's classes with ArchUnit, whose
 * {@code DO_NOT_INCLUDE_TESTS} tells tests by a {@code /target/test-classes/} path). The compiled
 * kata code is then scanned with the JDK's {@code java.lang.classfile} API for calls to
 * {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} before any of it is loaded:
 * such a call would end the coach itself, so that code is reported (as the {@code NO_EXIT} rule
 * words it) and not run. Otherwise a fresh class loader holding the two folders, whose parent is
 * the coach's own (story, support, JUnit, AssertJ, Awaitility, ArchUnit), is the context class
 * loader while the JUnit Platform Launcher discovers and runs every test of the kata in the
 * catalog's and JUnit's order; so the Launcher reads the one {@code junit-platform.properties} in
 * the support jar, with its preemptive timeouts and orderers, exactly as {@code mvn verify} does.
 *
 * <p>Learner code that ignores interrupts outlives its test's timeout. After the run, a thread dump
 * ({@link LeakDetector#runningKataCode}) lists the threads still running kata code; the coach
 * says so and advises a restart (such a thread keeps burning a core). A child JVM per run would
 * avoid that, at the cost of its start-up on every save; the grader already does that, and the
 * coach's job is speed.
 *
 * <p>Not thread-safe: one run at a time.
 */
public final class InProcessKataRun {

    /** What came of a run. */
    public sealed interface Outcome permits DoesNotCompile, ExitsTheJvm, Ran {
    }

    /** The main code ({@code tests} false) or the tests did not compile: javac's first errors, "file:line: message". */
    public record DoesNotCompile(boolean tests, List<String> errors) implements Outcome {
    }

    /** The kata code calls {@code System.exit} or the like: where ("File.java:12 calls System.exit"). */
    public record ExitsTheJvm(List<String> calls) implements Outcome {
    }

    /**
     * The tests ran: their results in the order they ended; {@code problem} is non-empty when the
     * run itself broke (an {@code Error} escaped JUnit); {@code stillRunning} describes each thread
     * still running kata code after the run (its name, and its top frame in kata code); {@code cancelled} says the run was cancelled before
     * its end (the tests it did not reach are missing or skipped).
     */
    public record Ran(List<TestResult> results, String problem, List<String> stillRunning, boolean cancelled)
            implements Outcome {
    }

    private static final int MAX_ERRORS = 5;

    private final Path root;
    private final List<Path> classpath;
    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    private final StandardJavaFileManager files;
    private final Launcher launcher = LauncherFactory.create();
    private final Set<String> testsToCompile = new TreeSet<>();
    private final Set<String> testsCompiled = new TreeSet<>();

    /**
     * @param root      the repository's top (with {@code katas/})
     * @param classpath what kata code and kata tests compile against and load from: the coach's
     *                  own classpath ({@link #classpathOf})
     */
    public InProcessKataRun(Path root, List<Path> classpath) {
        this.root = root;
        this.classpath = List.copyOf(classpath);
        if (javac == null) {
            throw new IllegalStateException("the coach needs a JDK (javac), not a JRE: point JAVA_HOME at a JDK 25");
        }
        this.files = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
    }

    /**
     * The classpath a class loader sees: the URLs of every {@link URLClassLoader} from it up to the
     * top (a Maven plugin's loader, for one), then {@code java.class.path}; folders and jars that
     * exist, each once.
     */
    public static List<Path> classpathOf(ClassLoader loader) {
        Set<Path> entries = new LinkedHashSet<>();
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    try {
                        entries.add(Path.of(url.toURI()));
                    } catch (Exception e) {
                        // not a file: not for javac
                    }
                }
            }
        }
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(Path.of(e).toAbsolutePath());
            }
        }
        return entries.stream().filter(Files::exists).toList();
    }

    /** Marks the kata's tests as changed: the next run compiles them again. */
    public void testsChanged(String kata) {
        testsToCompile.add(kata);
    }

    private Path kataDir(String kata) {
        return root.resolve("katas").resolve(kata);
    }

    private Path mainClasses(String kata) {
        return kataDir(kata).resolve("target/coach/target/classes");
    }

    private Path testClasses(String kata) {
        return kataDir(kata).resolve("target/coach/target/test-classes");
    }

    /**
     * Compiles the kata and runs its tests (see the class comment); {@code onResult} hears each
     * test's result as soon as it is known, on the thread running the tests, so the first failure
     * can be shown before the run ends. Cancelling {@code cancel} stops the run after the test in
     * progress (JUnit skips the rest).
     */
    public Outcome run(String kata, Consumer<TestResult> onResult, CancellationToken cancel) throws IOException {
        List<String> errors = compile(kataDir(kata).resolve("src/main/java"), mainClasses(kata), List.of());
        if (!errors.isEmpty()) {
            return new DoesNotCompile(false, errors);
        }
        if (testsToCompile.remove(kata) || !testsCompiled.contains(kata)) {
            testsCompiled.remove(kata);
            errors = compile(kataDir(kata).resolve("src/test/java"), testClasses(kata), List.of(mainClasses(kata)));
            if (!errors.isEmpty()) {
                return new DoesNotCompile(true, errors);
            }
            testsCompiled.add(kata);
        }
        List<String> exits = exitCalls(mainClasses(kata));
        if (!exits.isEmpty()) {
            return new ExitsTheJvm(exits);
        }
        return runTests(kata, onResult, cancel);
    }

    private LauncherDiscoveryRequestBuilder request(String kata) {
        return LauncherDiscoveryRequestBuilder.request().selectors(selectClasspathRoots(Set.of(testClasses(kata))));
    }

    private Ran runTests(String kata, Consumer<TestResult> onResult, CancellationToken cancel) throws IOException {
        List<TestResult> results = new ArrayList<>();
        String problem = withKataLoader(kata, () -> {
            try {
                launcher.execute(LauncherExecutionRequestBuilder.request(request(kata).build()).cancellationToken(cancel)
                        .listeners(new KataTestRun.Recorder(r -> {
                            synchronized (results) {
                                results.add(r);
                            }
                            onResult.accept(r);
                        })).build());
                return "";
            } catch (Throwable t) { // an OutOfMemoryError, a StackOverflowError in JUnit's own frames
                return "the test run broke off: " + t;
            }
        });
        List<String> stillRunning = new ArrayList<>();
        for (String pkg : packages(mainClasses(kata))) {
            LeakDetector.runningKataCode(pkg).forEach(t -> stillRunning.add(t.description() + ", "
                    + t.stack().lines().map(String::strip).filter(l -> l.contains(pkg + ".")).findFirst()
                            .orElse(t.stack().strip().lines().findFirst().orElse(""))));
        }
        synchronized (results) {
            return new Ran(List.copyOf(results), problem, stillRunning, cancel.isCancellationRequested());
        }
    }

    private interface Body<T> {
        T call() throws IOException;
    }

    /** Runs {@code body} with a fresh class loader for the kata's classes as the context class loader. */
    private <T> T withKataLoader(String kata, Body<T> body) throws IOException {
        // Not closed: threads the kata code left running may still load classes through it.
        URLClassLoader loader = new URLClassLoader(
                new URL[] {mainClasses(kata).toUri().toURL(), testClasses(kata).toUri().toURL()},
                InProcessKataRun.class.getClassLoader());
        Thread self = Thread.currentThread();
        ClassLoader previous = self.getContextClassLoader();
        self.setContextClassLoader(loader); // JUnit loads the tests and reads its configuration through it
        try {
            return body.call();
        } finally {
            self.setContextClassLoader(previous);
        }
    }

    /** Compiles every {@code .java} under {@code sources} into a fresh {@code classes}; javac's first errors, or none. */
    private List<String> compile(Path sources, Path classes, List<Path> extraClasspath) throws IOException {
        ForkedKataRun.deleteRecursively(classes);
        Files.createDirectories(classes);
        List<Path> sourceFiles;
        try (Stream<Path> walk = Files.walk(sources)) {
            sourceFiles = walk.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        if (sourceFiles.isEmpty()) {
            return List.of(root.relativize(sources) + ": no Java sources");
        }
        List<Path> cp = new ArrayList<>(extraClasspath);
        cp.addAll(classpath);
        files.setLocationFromPaths(StandardLocation.CLASS_PATH, cp);
        files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(classes));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok = javac.getTask(null, files, diagnostics,
                List.of("--release", "25", "-proc:none", "-nowarn", "-implicit:none", "-encoding", "UTF-8"), null,
                files.getJavaFileObjectsFromPaths(sourceFiles)).call();
        if (ok) {
            return List.of();
        }
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR && errors.size() < MAX_ERRORS) {
                String where = d.getSource() == null ? "" : relative(d.getSource().toUri()) + ":" + d.getLineNumber() + ": ";
                errors.add(where + d.getMessage(Locale.ROOT).lines().findFirst().orElse(""));
            }
        }
        return errors.isEmpty() ? List.of("javac failed without an error message") : errors;
    }

    private String relative(java.net.URI uri) {
        try {
            return root.relativize(Path.of(uri)).toString();
        } catch (RuntimeException e) {
            return uri.toString();
        }
    }

    /**
     * Calls to {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt} in the class files
     * under {@code classes}, "Source.java:line calls System.exit"; a method reference to one of
     * them counts too (it is in the constant pool though no invoke instruction names it).
     */
    static List<String> exitCalls(Path classes) throws IOException {
        List<String> calls = new ArrayList<>();
        List<Path> classFiles;
        try (Stream<Path> walk = Files.walk(classes)) {
            classFiles = walk.filter(f -> f.toString().endsWith(".class")).sorted().toList();
        }
        for (Path f : classFiles) {
            ClassModel cm = ClassFile.of().parse(f);
            String source = cm.findAttribute(java.lang.classfile.Attributes.sourceFile())
                    .map(SourceFileAttribute::sourceFile).map(s -> s.stringValue())
                    .orElse(cm.thisClass().asInternalName() + ".class");
            int before = calls.size();
            for (MethodModel m : cm.methods()) {
                if (m.code().isEmpty()) {
                    continue;
                }
                int line = -1;
                for (CodeElement e : m.code().get()) {
                    if (e instanceof LineNumber ln) {
                        line = ln.line();
                    } else if (e instanceof InvokeInstruction i && exits(i.owner().asInternalName(), i.name().stringValue())) {
                        calls.add(source + (line < 0 ? "" : ":" + line) + " calls " + simple(i.owner().asInternalName())
                                + "." + i.name().stringValue());
                    }
                }
            }
            if (calls.size() == before) {
                for (PoolEntry e : cm.constantPool()) {
                    if (e instanceof MethodRefEntry r && exits(r.owner().asInternalName(), r.name().stringValue())) {
                        calls.add(source + " refers to " + simple(r.owner().asInternalName()) + "." + r.name().stringValue());
                    }
                }
            }
        }
        return calls;
    }

    private static boolean exits(String owner, String name) {
        return owner.equals("java/lang/System") && name.equals("exit")
                || owner.equals("java/lang/Runtime") && (name.equals("exit") || name.equals("halt"));
    }

    private static String simple(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1);
    }

    /** The packages of the class files under {@code classes}. */
    private static Set<String> packages(Path classes) throws IOException {
        try (Stream<Path> walk = Files.walk(classes)) {
            return walk.filter(f -> f.toString().endsWith(".class")).map(f -> classes.relativize(f.getParent()))
                    .map(p -> p.toString().replace(File.separatorChar, '.')).filter(p -> !p.isEmpty())
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }
}

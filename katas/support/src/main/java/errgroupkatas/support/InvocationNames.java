package errgroupkatas.support;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Writes down, for the scoreboard, the display name of every test Surefire's reports name by an
 * index only: a {@code @ParameterizedTest}'s invocations ({@code name = "{0} friends"}) and a
 * {@code @TestFactory}'s dynamic tests. Surefire names them {@code returnsEveryFriend(int)[1]} and
 * {@code rules()[1]} (JUnit's legacy reporting name); the scoreboard looks that name up here and
 * shows {@code returnsEveryFriend[0 friends]}, as the grader does.
 *
 * <p>Registered in {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}, so
 * every launcher with the support jar on its classpath loads it (Surefire's, the grader's, the
 * meta-check's, the coach's). It does nothing at all unless the system property
 * {@value #DIRECTORY_PROPERTY} names a folder ({@code katas/pom.xml} sets it for Surefire to
 * {@code target/invocation-names}). Then, as each test class finishes, it writes
 * {@code <folder>/<class name>.properties}: Surefire's name of each such test mapped to its display
 * name (UTF-8, {@link Properties} format), replacing the file of an earlier run. It never throws: a
 * name it cannot record or a file it cannot write is left out, and the scoreboard falls back to
 * {@code [1]}.
 */
public final class InvocationNames implements TestExecutionListener {
    /** The system property that names the folder to write to; unset, the listener does nothing. */
    public static final String DIRECTORY_PROPERTY = "kata.invocationNames.dir";
    /** The suffix of each test class's file in that folder. */
    public static final String SUFFIX = ".properties";

    private final Path directory;
    private final Map<String, Properties> byClass = new ConcurrentHashMap<>();
    private volatile TestPlan plan;

    /** The listener the service loader makes: on when {@value #DIRECTORY_PROPERTY} is set. */
    public InvocationNames() {
        this(folder());
    }

    /** @param directory the folder to write to, or null for a listener that does nothing */
    public InvocationNames(Path directory) {
        this.directory = directory;
    }

    private static Path folder() {
        try {
            String dir = System.getProperty(DIRECTORY_PROPERTY);
            return dir == null || dir.isBlank() ? null : Path.of(dir);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        if (directory != null) {
            plan = testPlan;
        }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (directory != null) {
            record(id);
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (directory == null) {
            return;
        }
        record(id);
        try {
            if (id.getSource().orElse(null) instanceof ClassSource c) {
                write(c.getClassName());
            }
        } catch (RuntimeException e) {
            // never fail a test run for a name
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (directory != null) {
            byClass.keySet().forEach(this::write); // any class whose container did not report its end
        }
    }

    /** Notes the display name of an invocation or dynamic test, under its test class. */
    private void record(TestIdentifier id) {
        try {
            if (!id.isTest() || !indexed(id)) {
                return;
            }
            MethodSource method = method(id);
            if (method != null) {
                byClass.computeIfAbsent(method.getClassName(), c -> new Properties())
                        .setProperty(id.getLegacyReportingName(), id.getDisplayName());
            }
        } catch (RuntimeException e) {
            // never fail a test run for a name
        }
    }

    /** Whether Surefire names the test by an index: a test-template invocation or a dynamic test. */
    private static boolean indexed(TestIdentifier id) {
        return UniqueId.parse(id.getUniqueId()).getSegments().stream().map(UniqueId.Segment::getType)
                .anyMatch(t -> t.equals("test-template-invocation") || t.equals("dynamic-test"));
    }

    /** The method the test comes from: its own source, else (a dynamic test) its nearest parent's. */
    private MethodSource method(TestIdentifier id) {
        Optional<TestIdentifier> at = Optional.of(id);
        while (at.isPresent()) {
            if (at.get().getSource().orElse(null) instanceof MethodSource m) {
                return m;
            }
            TestPlan p = plan;
            at = p == null ? Optional.empty() : p.getParent(at.get());
        }
        return null;
    }

    private void write(String className) {
        Properties names = byClass.remove(className);
        if (names == null) {
            return;
        }
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(className + SUFFIX);
            Path partial = directory.resolve(className + SUFFIX + ".tmp");
            try (Writer w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                names.store(w, "Surefire's test name = its display name (errgroupkatas.support.InvocationNames)");
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (Exception e) {
            // a read-only folder, a full disk: the scoreboard shows [1] instead
        }
    }
}

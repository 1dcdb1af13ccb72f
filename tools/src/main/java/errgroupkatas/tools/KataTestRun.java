package errgroupkatas.tools;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs every test under one kata's test-classes folder, in this JVM, and writes one line per
 * finished test to a result file as it goes (so a JVM that dies half-way still leaves the tests
 * it finished). Meant to run in a fresh JVM whose classpath puts the main classes under test
 * first; it ends the JVM itself, so a thread the kata code leaked cannot keep it alive.
 *
 * <p>Usage: {@code java -cp <main classes>:<test classes>:<tools classpath> errgroupkatas.tools.KataTestRun
 * <test classes folder> <result file>}
 *
 * <p>Result lines (tab-separated): {@code test <status> <key> <tags> <display name> <message>}, where
 * status is PASSED, FAILED, ABORTED or SKIPPED and key is {@code TestClass.method} (dynamic tests:
 * {@code TestClass.factory[display name]}); the last line is {@code end} when the run finished.
 */
public final class KataTestRun {

    private KataTestRun() {
    }

    public static void main(String[] args) throws IOException {
        Path testClasses = Path.of(args[0]);
        Path resultFile = Path.of(args[1]);
        int exit = 0;
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(resultFile, StandardCharsets.UTF_8), true)) {
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClasspathRoots(Set.of(testClasses)))
                    .build();
            LauncherFactory.create().execute(request, new Recorder(out));
            out.println("end");
        } catch (Throwable t) {
            t.printStackTrace();
            exit = 2;
        }
        System.out.flush();
        // Leaked non-daemon threads of a wrong submission must not keep this JVM alive.
        Runtime.getRuntime().halt(exit);
    }

    /** Writes a result line per finished test. */
    private static final class Recorder implements TestExecutionListener {
        private final PrintWriter out;
        private TestPlan plan;

        Recorder(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            this.plan = testPlan;
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
            out.println(String.join("\t", "test", status, key(id), tags(id), oneLine(id.getDisplayName()),
                    oneLine(message)));
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

        private String tags(TestIdentifier id) {
            Set<String> tags = id.getTags().stream().map(t -> t.getName()).collect(Collectors.toCollection(java.util.TreeSet::new));
            plan.getParent(id).ifPresent(p -> p.getTags().forEach(t -> tags.add(t.getName())));
            return tags.isEmpty() ? "-" : String.join(",", tags);
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

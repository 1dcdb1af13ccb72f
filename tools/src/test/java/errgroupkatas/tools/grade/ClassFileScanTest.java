package errgroupkatas.tools.grade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import errgroupkatas.support.KataRules;
import errgroupkatas.tools.ForkedKataRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grader's class-file scan and the kata rule {@code KataRules.ONLY_THE_KATA_API} judge by the
 * same allow-list ({@code KataApi}) and agree: correct code in every style a learner might write is
 * accepted by both, and each way out of the JVM is refused by both, the scan naming class and line.
 * One javac run compiles every sample (one package each), so the test costs about as much as a
 * kata's rules.
 */
@Timeout(60) // javac and an ArchUnit import; no kata code runs
@DisplayName("The grader's class-file scan")
class ClassFileScanTest {

    /** Correct code a learner might write, one style per class. */
    private static final Map<String, String> ACCEPTED = Map.of(
            "Pools", """
                    import java.util.*; import java.util.concurrent.*; import java.util.concurrent.atomic.*;
                    import java.util.concurrent.locks.*;
                    class Pools {
                        private final ReentrantLock lock = new ReentrantLock();
                        private final Condition changed = lock.newCondition();
                        List<String> all(List<Callable<String>> calls) throws Exception {
                            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                                List<String> out = new ArrayList<>();
                                for (Future<String> f : pool.invokeAll(calls)) out.add(f.get(1, TimeUnit.SECONDS));
                                return out;
                            }
                        }
                        String first(Executor e) throws Exception {
                            return CompletableFuture.supplyAsync(() -> "x", e).thenApply(String::trim).get();
                        }
                        void phases() {
                            Phaser p = new Phaser(1); p.arriveAndDeregister();
                            AtomicLong n = new AtomicLong(); n.incrementAndGet();
                            lock.lock(); try { changed.signalAll(); } finally { lock.unlock(); }
                            LockSupport.parkNanos(1);
                            int cores = Runtime.getRuntime().availableProcessors();
                            assert cores > 0 : "cores " + cores;
                        }
                    }
                    """,
            "Threads", """
                    import java.time.Duration; import java.util.concurrent.*;
                    class Threads extends Thread {
                        @Override public void run() { interrupt(); setName("worker-" + threadId()); }
                        static void launch() throws InterruptedException {
                            Thread t = Thread.ofVirtual().name("v").start(() -> { });
                            t.join(Duration.ofSeconds(1));
                            Thread p = Thread.ofPlatform().daemon().unstarted(new Threads());
                            p.setUncaughtExceptionHandler((th, e) -> { });
                            System.Logger log = System.getLogger(Threads.class.getName());
                            log.log(System.Logger.Level.INFO, "started {0} at {1}", p.getName(), System.nanoTime());
                            System.out.println(Thread.currentThread().isInterrupted());
                            new LinkedBlockingQueue<Integer>().offer(1);
                        }
                    }
                    """,
            "Shapes", """
                    import java.util.*; import java.util.stream.*;
                    sealed interface Shapes permits Shapes.Dot, Shapes.Line {
                        record Dot(int x) implements Shapes { }
                        record Line(int from, int to) implements Shapes { }
                        enum Kind { DOT, LINE }
                        static String describe(Shapes s, Kind k) {
                            String kind = switch (k) { case DOT -> "dot"; case LINE -> "line"; };
                            return switch (s) {
                                case Dot d when d.x() > 0 -> kind + d;
                                case Dot d -> kind + d.hashCode();
                                case Line(int a, int b) -> Stream.of(a, b).map(String::valueOf)
                                        .collect(Collectors.joining(",", "[", "]")) + Objects.hash(a, b);
                            };
                        }
                        static String text(Throwable e) {
                            return e.getClass().getSimpleName() + Arrays.toString(e.getStackTrace()) + " done";
                        }
                    }
                    """);

    /** A sample that must be refused: its class, its code, and what the scan must say. */
    private record Refused(String name, String code, String expected) {
    }

    /** Each way out of the JVM, and what the scan must say about it. */
    private static final List<Refused> REFUSED = List.of(
            new Refused("ReadsAFile", """
                    class ReadsAFile {
                        String secret() throws Exception {
                            return java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname"));
                        }
                    }
                    """, "ReadsAFile.java:4) uses java.nio.file.Files.readString: files are refused"),
            new Refused("Reflects", """
                    class Reflects {
                        void print(Exception e) throws Exception {
                            Throwable.class.getMethod("printStackTrace").invoke(e);
                        }
                    }
                    """, "Reflects.java:4) uses java.lang.Class.getMethod: reflection"),
            new Refused("Handles", """
                    import java.lang.invoke.*;
                    class Handles {
                        Object exit() throws Throwable {
                            return MethodHandles.lookup().findStatic(System.class, "exit",
                                    MethodType.methodType(void.class, int.class));
                        }
                    }
                    """, "Handles.java:5) uses java.lang.invoke.MethodHandles.lookup: reflection and method handles"),
            new Refused("References", """
                    import java.util.function.*;
                    class References {
                        IntConsumer exit() {
                            return System::exit;
                        }
                    }
                    """, "References.java:5) uses java.lang.System.exit: ending the JVM is refused"),
            new Refused("Environment", """
                    class Environment extends Thread {
                        String token() {
                            setContextClassLoader(null);
                            return System.getenv("TOKEN");
                        }
                    }
                    """, "Environment.java:5) uses java.lang.System.getenv: the JVM's environment"));

    private static Path samples;

    @BeforeAll
    @Timeout(60)
    static void compileSamples(@TempDir Path temp) throws Exception {
        Path sources = temp.resolve("src");
        samples = temp.resolve("classes");
        for (var e : ACCEPTED.entrySet()) {
            write(sources, "accepted", e.getKey(), e.getValue());
        }
        for (Refused r : REFUSED) {
            write(sources, "refused." + r.name().toLowerCase(), r.name(), r.code());
        }
        ForkedKataRun.compile("scan samples", List.of(sources), List.of(), samples);
    }

    private static void write(Path sources, String pkg, String name, String code) throws Exception {
        Path file = sources.resolve("samples/" + pkg.replace('.', '/') + "/" + name + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "package samples." + pkg + ";\n" + code);
    }

    @Test
    @DisplayName("accepts correct code in every style, as the kata rule does")
    void acceptsCorrectCode() throws Exception {
        Path accepted = samples.resolve("samples/accepted");

        assertThat(ClassFileScan.refusals(accepted, Set.of("samples.accepted"), Set.of())).isEmpty();
        JavaClasses classes = new ClassFileImporter().importPath(accepted);
        assertThatCode(() -> KataRules.ONLY_THE_KATA_API.rule().check(classes)).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("refuses each way out of the JVM by class and line, and the kata rule fails on it too")
    void refusesEachWayOut() throws Exception {
        for (Refused sample : REFUSED) {
            String name = sample.name();
            Path folder = samples.resolve("samples/refused/" + name.toLowerCase());
            String expected = sample.expected();
            assertThat(ClassFileScan.refusals(folder, Set.of("samples.refused." + name.toLowerCase()), Set.of()))
                    .as(name).anySatisfy(r -> assertThat(r).contains(expected));
            JavaClasses classes = new ClassFileImporter().importPath(folder);
            assertThatThrownBy(() -> KataRules.ONLY_THE_KATA_API.rule().check(classes)).as(name)
                    .isInstanceOf(AssertionError.class);
        }
    }

    @Test
    @DisplayName("refuses a class outside the kata's package and one named like a test")
    void refusesForeignAndShadowingClasses() throws Exception {
        Path accepted = samples.resolve("samples/accepted");

        assertThat(ClassFileScan.refusals(accepted, Set.of("samples.elsewhere"), Set.of("samples.accepted.Pools")))
                .anySatisfy(r -> assertThat(r).startsWith("samples.accepted.Pools is outside the kata's package"))
                .anySatisfy(r -> assertThat(r).startsWith("samples.accepted.Pools has the name of one of the"
                        + " kata's tests"));
    }
}

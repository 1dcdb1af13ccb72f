package errgroupkatas.tools.coach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coach's core on a temporary repository (not through Maven): a save gives a verdict. Every
 * wait is for a line of the coach's output, with a time limit; nothing sleeps.
 */
@DisplayName("Coach: a save gives a verdict")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CoachTest {

    private static final long WAIT_SECONDS = 60;
    private static final String STUB = "src/main/java/errgroupkatas/serial/FriendsHandler.java";

    @TempDir
    Path root;

    @Test
    @DisplayName("kata 01: the stub fails its first test, the solution passes; a compile error, an exit call and the next hint follow saves and keys")
    void verdicts() throws Exception {
        Path kata = copyKata("01-serial");
        Path stub = kata.resolve(STUB);
        String original = Files.readString(stub);
        Lines out = new Lines();
        try (Coach coach = new Coach(root, out.stream())) {
            coach.start();
            out.await(l -> l.startsWith("FAIL  01-serial  FriendsHandlerTest."));
            assertThat(out.await(l -> l.startsWith("      the failing test points to ")))
                    .matches(" +the failing test points to hint [123] of kata 01-serial \\(mvn -q -Phint -Dkata=01 -Dhint=[123]; h here shows your next one\\)");
            out.await(l -> l.startsWith("keys: "));

            Files.writeString(stub, original.replace("public final class FriendsHandler {", "public final class FriendsHandler {\n  int x = ;"));
            out.await(l -> l.equals("ERROR 01-serial  does not compile"));
            assertThat(out.await(l -> true)).contains("katas/01-serial/" + STUB + ":").contains("illegal start of expression");
            out.await(l -> l.startsWith("keys: "));

            Files.writeString(stub, original.replace("throw new UnsupportedOperationException(", "System.exit(3);\n        throw new UnsupportedOperationException("));
            out.await(l -> l.startsWith("ERROR 01-serial  never calls System.exit"));
            assertThat(out.await(l -> true)).matches(" *FriendsHandler\\.java:\\d+ calls System\\.exit");
            out.await(l -> l.startsWith("keys: "));

            Files.writeString(stub, original);
            out.await(l -> l.startsWith("FAIL  01-serial  FriendsHandlerTest."));
            out.await(l -> l.startsWith("keys: "));

            // The reference solution passes every test and rule here, as it does under mvn verify -Psolutions.
            Files.copy(HintsTest.ROOT.resolve("solutions/01-serial").resolve(STUB), stub, StandardCopyOption.REPLACE_EXISTING);
            out.await(l -> l.startsWith("PASS  01-serial  all "));
            out.await(l -> l.startsWith("keys: "));

            assertThat(coach.command("h")).isFalse();
            out.await(l -> l.equals("01-serial · hint 1 of 3 — a nudge"));
            out.await(l -> l.startsWith("keys: "));
            assertThat(coach.command("q")).isTrue();
        }
        Progress saved = Progress.load(root.resolve(".coach/progress.properties"));
        assertThat(saved.hintsSeen("01-serial")).isEqualTo(1);
        assertThat(saved.result("01-serial")).hasValueSatisfying(r -> assertThat(r.total()).isPositive());
    }

    @Test
    @DisplayName("q while a test runs: the interrupt that stops it is the coach's, so no FAIL is printed and nothing is recorded")
    void quitDuringARun() throws Exception {
        Path started = root.resolve("test-started");
        syntheticKata("01-wait", """
                @org.junit.jupiter.api.Test
                void waits() throws Exception {
                    java.nio.file.Files.writeString(java.nio.file.Path.of("%s"), "started");
                    Thread.sleep(4_000); // interruptible: q interrupts it
                }
                """.formatted(started.toString().replace("\\", "\\\\")));
        Lines out = new Lines();
        try (Coach coach = new Coach(root, out.stream())) {
            coach.start();
            out.await(l -> l.startsWith("01-wait — "));
            await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> Files.exists(started));
            assertThat(coach.command("q")).isTrue();
        } // close(), as q does: it interrupts the test in its sleep
        assertThat(Progress.load(root.resolve(".coach/progress.properties")).result("01-wait")).isEmpty();
        List<String> printed = new ArrayList<>(out.seen);
        out.lines.drainTo(printed);
        assertThat(printed).noneMatch(l -> l.startsWith("FAIL") || l.startsWith("ERROR") || l.contains("InterruptedException"));
    }

    @Test
    @DisplayName("a when every kata is solved says so (it names no kata as the first not solved); at the end of stdin the coach says the keys are off and keeps watching")
    void allSolvedAndNoKeyboard() throws Exception {
        syntheticKata("01-easy", """
                @org.junit.jupiter.api.Test
                void holds() {
                }
                """);
        Lines out = new Lines();
        try (Coach coach = new Coach(root, out.stream())) {
            coach.start();
            out.await(l -> l.startsWith("PASS  01-easy  all 1 tests pass"));
            coach.command("a");
            out.await(l -> l.startsWith("PASS  01-easy  all 1 tests pass"));
            assertThat(out.await(l -> l.startsWith("every kata") || l.startsWith("current kata")))
                    .startsWith("every kata is solved (1 of 1): well done.");

            CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
                try {
                    coach.readCommands(new BufferedReader(new StringReader("")));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            out.await(l -> l.startsWith("coach: the keyboard input ended (stdin is closed or not a terminal), so the keys are off;"));
            assertThat(out.await(l -> true)).contains("the coach goes on watching your saves. Stop it with Ctrl-C.");
            assertThat(reading).as("the coach still watches").isNotDone();
            coach.close();
            reading.get(WAIT_SECONDS, TimeUnit.SECONDS); // close() ends it
        }
    }

    @Test
    @DisplayName("the coach runs with the support jar's JUnit configuration: a test that spins fails at its timeout instead of hanging the run, and the spinning thread is reported")
    void timeoutsApply() throws Exception {
        Path kata = root.resolve("katas/01-spin");
        Files.createDirectories(kata.resolve("src/main/java/spin"));
        Files.createDirectories(kata.resolve("src/test/java/spin"));
        Files.writeString(root.resolve("katas/catalog.properties"), "katas = 01-spin\n01-spin.title = Spin\n");
        Path stop = root.resolve("stop-spinning");
        Files.writeString(kata.resolve("src/main/java/spin/Spin.java"), """
                package spin;
                public final class Spin {
                    /** Spins, ignoring interrupts, until the file %s exists (at most 60 s). */
                    public static void spin() {
                        java.nio.file.Path stop = java.nio.file.Path.of("%s");
                        long end = System.nanoTime() + 60_000_000_000L;
                        while (!java.nio.file.Files.exists(stop) && System.nanoTime() < end) {
                            Thread.onSpinWait();
                        }
                    }
                }
                """.formatted(stop, stop.toString().replace("\\", "\\\\")));
        Files.writeString(kata.resolve("src/test/java/spin/SpinTest.java"), """
                package spin;
                class SpinTest {
                    // 1 s rather than the default 5 s, to keep the build fast: a timeout of any length
                    // fails a spinning test only in the SEPARATE_THREAD mode that the support jar's
                    // junit-platform.properties sets (in JUnit's own default mode the run would hang).
                    @org.junit.jupiter.api.Test
                    @org.junit.jupiter.api.Timeout(1)
                    void spins() {
                        Spin.spin();
                    }
                }
                """);
        Lines out = new Lines();
        try (Coach coach = new Coach(root, out.stream())) {
            coach.start();
            out.await(l -> l.startsWith("FAIL  01-spin  SpinTest.spins"));
            assertThat(out.await(l -> true)).contains("TimeoutException: spins() timed out after 1 second");
            // The spinning thread outlived its test: the coach says so.
            out.await(l -> l.startsWith("WARN  threads of your code are still running"));
            assertThat(out.await(l -> true)).contains("spin.Spin");
            out.await(l -> l.startsWith("keys: "));
        } finally {
            Files.writeString(stop, "stop");
        }
    }

    /** A kata of the catalog with no main code but one class and one test class, {@code testBody} its methods. */
    private void syntheticKata(String id, String testBody) throws Exception {
        Path kata = root.resolve("katas").resolve(id);
        Files.createDirectories(kata.resolve("src/main/java/synthetic"));
        Files.createDirectories(kata.resolve("src/test/java/synthetic"));
        Files.writeString(root.resolve("katas/catalog.properties"), "katas = " + id + "\n" + id + ".title = Synthetic\n");
        Files.writeString(kata.resolve("src/main/java/synthetic/Code.java"), "package synthetic;\npublic final class Code {\n}\n");
        Files.writeString(kata.resolve("src/test/java/synthetic/CodeTest.java"),
                "package synthetic;\nclass CodeTest {\n" + testBody + "}\n");
    }

    private Path copyKata(String id) throws Exception {
        Path repo = HintsTest.ROOT;
        Path from = repo.resolve("katas").resolve(id);
        Path to = root.resolve("katas").resolve(id);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !from.relativize(f).startsWith("target")).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        String title = Files.readAllLines(repo.resolve("katas/catalog.properties")).stream()
                .filter(l -> l.startsWith(id + ".title")).findFirst().orElseThrow();
        Files.writeString(root.resolve("katas/catalog.properties"), "katas = " + id + "\n" + title + "\n");
        return to;
    }

    /** The coach's output, line by line, to wait on. */
    private static final class Lines {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();

        PrintStream stream() {
            OutputStream sink = new OutputStream() {
                private final ByteArrayOutputStream line = new ByteArrayOutputStream();

                @Override
                public synchronized void write(int b) {
                    if (b == '\n') {
                        lines.add(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
            };
            return new PrintStream(sink, true, StandardCharsets.UTF_8);
        }

        /** The next line that matches, waiting at most a minute for it. */
        String await(Predicate<String> matches) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("no such line from the coach within " + WAIT_SECONDS + " s; its output:\n" + String.join("\n", seen));
                }
                seen.add(line);
                if (matches.test(line)) {
                    return line;
                }
            }
        }
    }
}

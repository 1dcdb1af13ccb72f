package errgroupkatas.tools.grade;

import static org.assertj.core.api.Assertions.assertThat;

import errgroupkatas.tools.grade.KataGrade.Kind;
import errgroupkatas.tools.grade.KataGrade.Status;
import errgroupkatas.tools.grade.KataGrade.TestGrade;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grades a hostile submission and checks the exact grade. The submission is built in a temporary
 * folder: the pristine repository (without {@code solutions/}), each kata's {@code src/main/java}
 * replaced by its reference solution with the one hostile file of
 * {@code tools/src/test/fixtures/hostile-submission} laid over it, and three tampered test files.
 *
 * <table>
 *   <caption>the hostile variants and the grade they must get</caption>
 *   <tr><th>kata</th><th>hostile change</th><th>grade</th></tr>
 *   <tr><td>01</td><td>none (but its test file is rewritten, and a test added)</td><td>solved, full points</td></tr>
 *   <tr><td>02</td><td>{@code System.exit(3)} on the handler's main path</td><td>refused before it runs (the
 *       API scan names the line), 0</td></tr>
 *   <tr><td>03</td><td>a type error</td><td>does not compile, 0</td></tr>
 *   <tr><td>04</td><td>every channel's constructor sleeps forever, swallowing interrupts</td><td>timed out, 0</td></tr>
 *   <tr><td>05</td><td>{@code setLimit(0)} starts a never-ending non-daemon thread, then allocates until
 *       OutOfMemoryError (which JUnit treats as fatal: the run aborts)</td><td>crashed, 0; the tests
 *       before the limit-0 test are reported as passed</td></tr>
 *   <tr><td>06</td><td>the first bonus call deadlocks two non-daemon platform threads; a
 *       never-called method calls printStackTrace</td><td>in progress (rule broken), full behaviour points,
 *       every bonus point but one: exactly the first bonus test and that rule fail</td></tr>
 * </table>
 *
 * <p>Runs only with {@code -Pgrade-fixture} (tools/pom.xml). A kata's JVM is killed after
 * {@code -Dgrade.fixture.kata-timeout} seconds (default 60): healthy katas have taken up to 67 s
 * on a 2-core machine at load average 15-19 (about 15 s when idle), and kata 04's hang (5 s per
 * test, ~30 tests) needs far longer, so 60 s keeps the outcomes apart without flaking on a
 * loaded machine. Raise it on a machine busier than that.
 */
class HostileSubmissionGradeTest {

    private static final Duration KATA_TIMEOUT =
            Duration.ofSeconds(Long.getLong("grade.fixture.kata-timeout", 60));
    static final Path PRISTINE = repositoryRoot();
    private static final Path OVERLAY = PRISTINE.resolve("tools/src/test/fixtures/hostile-submission");
    private static final String SERIAL_TESTS = "katas/01-serial/src/test/java/errgroupkatas/serial/";
    private static final String CHANGED = SERIAL_TESTS + "FriendsHandlerTest.java";
    private static final String ADDED = SERIAL_TESTS + "ShortcutTest.java";
    private static final String MISSING = "katas/support/src/test/java/errgroupkatas/support/CallLogTest.java";

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES) // the support jar's junit-platform.properties says 5 s
    void gradesEveryKataOfAHostileSubmissionToTheEnd(@TempDir Path temp) throws Exception {
        Path submission = temp.resolve("submission");
        buildSubmission(submission, OVERLAY);
        tamperWithTests(submission);
        Path out = temp.resolve("grade");

        long start = System.nanoTime();
        GradeReport report = Grade.grade(submission, PRISTINE, out, KATA_TIMEOUT);
        Duration wall = Duration.ofNanos(System.nanoTime() - start);

        Map<String, KataGrade> katas = report.katas().stream()
                .collect(Collectors.toMap(KataGrade::id, Function.identity()));
        assertThat(report.katas()).extracting(KataGrade::id).as("every kata of the catalog, in its order")
                .containsExactly("01-serial", "02-naive-parallel", "03-errgroup", "04-select", "05-bounded",
                        "06-dashboard");
        assertThat(report.katas()).extracting(k -> k.id() + ": " + k.status().label())
                .as("each kata's status (problems: %s)", problems(report))
                .containsExactly("01-serial: solved", "02-naive-parallel: refused", "03-errgroup: does not compile",
                        "04-select: timed out", "05-bounded: crashed", "06-dashboard: in progress");

        // 01: untouched code, tampered tests: graded with the pristine tests, every one passes.
        KataGrade serial = katas.get("01-serial");
        assertThat(serial.tests()).as("01-serial's tests").isNotEmpty().allMatch(TestGrade::passed);
        assertThat(serial.maxPoints()).isPositive();
        assertThat(serial.points()).isEqualTo(serial.maxPoints());

        // 02: System.exit is refused before any of the kata's code runs, named by class and line:
        // 0 points, the others unaffected.
        KataGrade naive = katas.get("02-naive-parallel");
        assertZero(naive);
        assertThat(naive.problem()).contains("(FriendsHandler.java:80) uses java.lang.System.exit: ending the JVM is"
                + " refused");
        assertThat(naive.tests()).allMatch(t -> t.status().equals(TestGrade.NOT_RUN));

        // 03: a compile error quotes javac.
        KataGrade errgroup = katas.get("03-errgroup");
        assertZero(errgroup);
        assertThat(errgroup.problem()).contains("ErrGroup.java")
                .contains("incompatible types: String cannot be converted to int");
        assertThat(errgroup.tests()).as("a kata that does not compile still lists its tests, none run")
                .isNotEmpty().allMatch(t -> t.status().equals(TestGrade.NOT_RUN));

        // 04: a hang that ignores interrupts is killed at the kata timeout, and again when it runs alone.
        KataGrade select = katas.get("04-select");
        assertZero(select);
        assertThat(select.problem()).contains("kata timeout (" + KATA_TIMEOUT.toSeconds() + " s)");
        assertThat(select.tests()).extracting(TestGrade::status).contains(TestGrade.NOT_RUN);
        assertThat(select.notes()).as("04-select's notes").anyMatch(n -> n.startsWith("graded twice: in the first run"
                + " (timed out, 0 of " + select.maxPoints() + " points, load average ")
                && n.contains(") its test JVM outlived the kata timeout")
                && n.endsWith("; rerun alone, once: confirmed; the rerun's grade (timed out, 0 of " + select.maxPoints()
                        + " points) counts"));

        // 05: an OutOfMemoryError in the limit-0 test aborts the run; what ran before is reported.
        KataGrade bounded = katas.get("05-bounded");
        assertZero(bounded);
        assertThat(bounded.problem()).contains("exited with code 2").contains("OutOfMemoryError");
        assertThat(bounded.notes()).containsExactly("its test JVM ran out of memory (heap 768 MiB; in all, the sandbox"
                + " allows 1.5 GiB)");
        List<String> notRun = bounded.tests().stream().filter(t -> t.status().equals(TestGrade.NOT_RUN))
                .map(TestGrade::key).toList();
        assertThat(notRun).as("the tests the aborted run never finished").contains("LimitedGroupTest.limitZero");
        assertThat(bounded.tests()).as("the tests that finished before the OutOfMemoryError")
                .filteredOn(t -> !t.status().equals(TestGrade.NOT_RUN)).isNotEmpty().allMatch(TestGrade::passed);

        // 06: deadlocked non-daemon threads fail exactly the first bonus test (and the JVM still exits);
        // the printStackTrace rule is broken: full behaviour points, but not solved.
        KataGrade dashboard = katas.get("06-dashboard");
        assertThat(dashboard.points()).isEqualTo(dashboard.maxPoints()).isPositive();
        assertThat(dashboard.maxBonusPoints()).isPositive();
        assertThat(dashboard.bonusPoints()).isEqualTo(dashboard.maxBonusPoints() - 1);
        assertThat(dashboard.brokenRules()).containsExactly("never handles an error with printStackTrace");
        assertThat(dashboard.tests()).filteredOn(t -> !t.passed())
                .extracting(t -> t.kind() == Kind.RULE ? "rule: " + t.display() : t.kind().label() + ": " + t.key())
                .as("exactly the bonus tests and the printStackTrace rule fail")
                .containsExactlyInAnyOrderElementsOf(expectedDashboardFailures(dashboard));
        // The deadlocked bonus call misses its deadline: confirmed by a rerun alone.
        assertThat(dashboard.notes()).as("06-dashboard's notes").anyMatch(n -> n.startsWith("graded twice:")
                && n.contains("1 test(s) missed a deadline or a time limit (" + expectedDashboardFailures(dashboard)
                        .getFirst().substring("bonus: ".length()) + "); rerun alone, once: confirmed;"));
        assertThat(report.katas()).filteredOn(k -> !k.id().equals("04-select") && !k.id().equals("06-dashboard"))
                .as("katas that missed no deadline are graded once")
                .allMatch(k -> k.notes().stream().noneMatch(n -> n.startsWith("graded twice")));

        assertThat(report.points()).isEqualTo(serial.maxPoints() + dashboard.maxPoints());
        assertThat(report.solved()).isEqualTo(1);

        assertThat(report.tamper().changed()).containsExactly(CHANGED);
        assertThat(report.tamper().added()).containsExactly(ADDED);
        assertThat(report.tamper().missing()).containsExactly(MISSING);

        String md = Files.readString(out.resolve("grade.md"));
        String json = Files.readString(out.resolve("grade.json"));
        assertThat(md).contains("| 02-naive-parallel | refused | 0 / ").contains("- changed: `" + CHANGED + "`")
                .contains("rule broken: never handles an error with printStackTrace");
        assertThat(json).contains("\"status\": \"timed out\"").contains("\"missing\": [\"" + MISSING + "\"]");

        // The katas run at once, each bounded by the kata timeout; then 04 alone (the kata timeout again)
        // and 06 alone (about 10 s quiet) confirm their missed deadlines.
        assertThat(wall).as("the whole grade's wall time: the katas at once, then two reruns alone")
                .isLessThan(KATA_TIMEOUT.multipliedBy(2).plusSeconds(75));
        assertThat(md).contains("Kata code ran in a sandbox: bubblewrap");
        assertThat(json).contains("\"sandbox\": \"bubblewrap");
    }

    private static List<String> expectedDashboardFailures(KataGrade dashboard) {
        // The tests are listed in the order they ran: the deadlock hits the first bonus test only.
        String firstBonus = dashboard.tests().stream().filter(t -> t.kind() == Kind.BONUS).map(TestGrade::key)
                .findFirst().orElseThrow(() -> new AssertionError("06-dashboard has no bonus test"));
        return List.of("bonus: " + firstBonus, "rule: never handles an error with printStackTrace");
    }

    private static void assertZero(KataGrade kata) {
        assertThat(kata.points()).as("%s's points", kata.id()).isZero();
        assertThat(kata.bonusPoints()).as("%s's bonus points", kata.id()).isZero();
        assertThat(kata.maxPoints()).as("%s's maximum, from its pristine tests", kata.id()).isPositive();
    }

    private static String problems(GradeReport report) {
        return report.katas().stream().filter(k -> !k.problem().isEmpty())
                .map(k -> k.id() + ": " + k.problem()).collect(Collectors.joining("\n"));
    }

    /**
     * The pristine repository without solutions/, each kata's code its solution plus the files of
     * {@code overlay} (a folder shaped like the repository, or null for none).
     */
    static void buildSubmission(Path submission, Path overlay) throws IOException {
        copyTree(PRISTINE, submission, Set.of("target", ".git", "solutions"));
        try (var katas = Files.list(PRISTINE.resolve("katas"))) {
            for (Path kata : katas.filter(k -> k.getFileName().toString().matches("\\d\\d-.+")).toList()) {
                String id = kata.getFileName().toString();
                Path main = submission.resolve("katas").resolve(id).resolve("src/main/java");
                errgroupkatas.tools.ForkedKataRun.deleteRecursively(main);
                copyTree(PRISTINE.resolve("solutions").resolve(id).resolve("src/main/java"), main, Set.of());
                Path files = overlay == null ? null : overlay.resolve("katas").resolve(id).resolve("src/main/java");
                if (files != null && Files.isDirectory(files)) {
                    copyTree(files, main, Set.of());
                }
            }
        }
    }

    /** Three tampered test files: one changed, one added, one missing. */
    private static void tamperWithTests(Path submission) throws IOException {
        Files.writeString(submission.resolve(CHANGED), """
                package errgroupkatas.serial;

                import org.junit.jupiter.api.Test;

                /** A learner's "fix": every test removed but one that cannot fail. */
                class FriendsHandlerTest {
                    @Test
                    void passes() {
                    }
                }
                """);
        Files.writeString(submission.resolve(ADDED), """
                package errgroupkatas.serial;

                class ShortcutTest {
                }
                """);
        Files.delete(submission.resolve(MISSING));
    }

    static void copyTree(Path from, Path to, Set<String> skippedFolders) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from) && skippedFolders.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The repository this test belongs to: {@code -Drepo.root}, or the folder above tools/. */
    static Path repositoryRoot() {
        String root = System.getProperty("repo.root");
        Path dir = (root != null && !root.isBlank() ? Path.of(root) : Path.of("").toAbsolutePath()).normalize();
        while (dir != null && !Files.isRegularFile(dir.resolve("katas/catalog.properties"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository (no katas/catalog.properties above "
                    + Path.of("").toAbsolutePath() + "): run with -Drepo.root=<repository>");
        }
        return dir.toAbsolutePath();
    }
}

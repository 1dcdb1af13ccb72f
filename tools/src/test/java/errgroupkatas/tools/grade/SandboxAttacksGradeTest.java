package errgroupkatas.tools.grade;

import static org.assertj.core.api.Assertions.assertThat;

import errgroupkatas.tools.ConfinedKataRun;
import errgroupkatas.tools.ForkedKataRun;
import errgroupkatas.tools.TestResult;
import errgroupkatas.tools.grade.KataGrade.Status;
import errgroupkatas.tools.sandbox.Sandbox;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grades one attack on the sandbox per submission, as kata 01 code
 * ({@code tools/src/test/fixtures/sandbox-attacks}, whose README lists the attacks and their
 * grades), one after another, then an innocent submission, and checks every exact grade. The
 * pristine repository here is this one cut to kata 01 (its catalog lists only that kata), so each
 * grade takes a few seconds.
 *
 * <p>Two layers: the grader's API scan ({@link ClassFileScan}) refuses the attacks that need a
 * forbidden API (reflection, processes, files, {@code Runtime.halt}, {@code Unsafe}) before they run,
 * and that is checked through {@link Grade#grade}; the sandbox must hold even so (a scan can miss
 * something), so those attacks are also run straight through {@link ConfinedKataRun}, the scan
 * skipped, and what the sandbox noticed is checked. The attacks the scan lets run (printing forged
 * result lines, huge output) go through the whole grader.
 *
 * <p>Runs only with {@code -Pgrade-fixture} (tools/pom.xml), and needs bubblewrap (the grader
 * refuses to run kata code without a sandbox).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES) // the support jar's junit-platform.properties says 5 s
class SandboxAttacksGradeTest {

    private static final Duration KATA_TIMEOUT =
            Duration.ofSeconds(Long.getLong("grade.fixture.kata-timeout", 60));
    private static final Path REPOSITORY = HostileSubmissionGradeTest.repositoryRoot();
    private static final Path ATTACKS = REPOSITORY.resolve("tools/src/test/fixtures/sandbox-attacks");
    private static final String KATA = "01-serial";
    private static final String MAIN = "katas/01-serial/src/main/java/errgroupkatas/serial/";
    /** The survivor fixture's marker (its Attack.MARKER), on its processes' command lines. */
    private static final String SURVIVOR_MARKER = "errgroup-katas-survivor-fixture";

    @TempDir
    static Path temp;
    private static Path pristine;
    private static Sandbox sandbox;
    /** The grades so far, with their reports: no later grade may change an earlier one's files. */
    private static final List<GradeReport> reports = new ArrayList<>();
    private static final List<Path> outs = new ArrayList<>();

    @BeforeAll
    static void kataOneAlone() throws IOException {
        sandbox = Grade.sandbox();
        pristine = temp.resolve("pristine");
        HostileSubmissionGradeTest.copyTree(REPOSITORY, pristine, Set.of("target", ".git", "solutions"));
        try (Stream<Path> katas = Files.list(pristine.resolve("katas"))) {
            for (Path kata : katas.filter(k -> k.getFileName().toString().matches("\\d\\d-.+")).toList()) {
                if (!kata.getFileName().toString().equals(KATA)) {
                    errgroupkatas.tools.ForkedKataRun.deleteRecursively(kata);
                }
            }
        }
        Path catalog = pristine.resolve("katas/catalog.properties");
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(catalog)) {
            p.load(in);
        }
        Files.writeString(catalog, "katas = " + KATA + "\n" + KATA + ".title = " + p.getProperty(KATA + ".title")
                + "\npoints.default = " + p.getProperty("points.default") + "\n");
    }

    @Test
    @Order(1)
    void forgedResultsAreRefusedByTheScanAndIgnoredByTheSandbox() throws Exception {
        KataGrade kata = grade("forged-results", sandbox);
        assertThat(kata.status()).as("problem: %s", kata.problem()).isEqualTo(Status.REFUSED);
        assertThat(kata.points()).isZero();
        assertThat(kata.maxPoints()).isPositive();
        assertThat(kata.problem()).contains("Attack").contains("ProcessHandle").contains("halt");

        ConfinedKataRun.Result run = confined("forged-results");
        ForkedKataRun.Outcome outcome = run.outcomes().get("submission");
        assertThat(outcome.crashed()).as("the halted run").isTrue();
        assertThat(outcome.results().results()).as("no test counts as passed: the forged lines were not results")
                .noneMatch(TestResult::passed);
        assertThat(run.notes()).anyMatch(FORGED_NOTE);
    }

    @Test
    @Order(2)
    void resultLinesPrintedByKataCodeAreIgnored() throws Exception {
        // Printing is allowed: the forgery the scan lets run, caught by the run's key alone.
        KataGrade kata = grade("forged-stdout", sandbox);
        assertThat(kata.status()).as("problem: %s", kata.problem()).isEqualTo(Status.NOT_STARTED);
        assertThat(kata.points()).isZero();
        assertThat(kata.maxPoints()).isPositive();
        assertThat(kata.tests()).filteredOn(t -> t.kind() == KataGrade.Kind.BEHAVIOUR).isNotEmpty()
                .noneMatch(KataGrade.TestGrade::passed);
        assertThat(kata.notes()).anyMatch(FORGED_NOTE);
    }

    @Test
    @Order(3)
    void processesLeftBehindEndWithTheSandboxAndWriteNothing() throws Exception {
        KataGrade kata = grade("survivor", sandbox);
        assertThat(kata.status()).as("problem: %s", kata.problem()).isEqualTo(Status.REFUSED);
        assertThat(kata.points()).isZero();
        assertThat(kata.problem()).contains("ProcessBuilder");

        ConfinedKataRun.Result run = confined("survivor");
        ForkedKataRun.Outcome outcome = run.outcomes().get("submission");
        assertThat(outcome.crashed()).as("problem: %s", outcome.problem()).isFalse();
        assertThat(outcome.results().results()).filteredOn(r -> !r.isRule()).isNotEmpty().allMatch(TestResult::passed);
        assertThat(run.notes()).anyMatch(n -> n.matches("kata code left \\d+ process\\(es\\) running when its tests"
                + " ended \\(java(, java)*\\); they ended with the sandbox"));
        assertThat(survivors()).as("processes of the survivor fixture still running after its grade").isEmpty();
        assertGradesUntouched();
    }

    @Test
    @Order(4)
    void hugeOutputIsCappedAndTheTestsStillCount() throws Exception {
        KataGrade kata = grade("huge-stdout", sandbox);
        assertThat(kata.status()).as("problem: %s", kata.problem()).isEqualTo(Status.SOLVED);
        assertThat(kata.points()).isEqualTo(kata.maxPoints()).isPositive();
        assertThat(kata.notes()).contains("its test JVM wrote 64.0 MiB of output; the grader kept the first 1.0 MiB"
                + " (the results were read to the end)");
        Path log = outs.getLast().resolve("work").resolve(KATA).resolve("all.output.log");
        assertThat(Files.size(log)).as("the stored output").isBetween((long) ConfinedKataRun.OUTPUT_CAP_BYTES,
                ConfinedKataRun.OUTPUT_CAP_BYTES + 200L);
    }

    @Test
    @Order(5)
    void nativeMemoryStopsAtTheSandboxLimit() throws Exception {
        KataGrade kata = grade("native-memory", sandbox);
        assertThat(kata.status()).as("problem: %s", kata.problem()).isEqualTo(Status.REFUSED);
        assertThat(kata.points()).isZero();
        assertThat(kata.problem()).contains("Unsafe");

        ConfinedKataRun.Result run = confined("native-memory");
        // The tests' calls catch what kata code throws: each call fails with the OutOfMemoryError.
        List<TestResult> behaviour = run.outcomes().get("submission").results().results().stream()
                .filter(r -> !r.isRule()).toList();
        assertThat(behaviour).isNotEmpty().allMatch(r -> r.status().equals("FAILED")
                && r.message().contains("OutOfMemoryError: Unable to allocate"));
        assertThat(run.notes()).anyMatch(n -> n.startsWith("its test JVM ran out of memory (heap 768 MiB; in all, the"
                + " sandbox allows 1.5 GiB)"));
    }

    @Test
    @Order(6)
    void anInnocentSubmissionGradedAfterTheAttacksIsUnaffected() throws Exception {
        KataGrade kata = grade(null, sandbox);
        GradeReport report = reports.getLast();
        assertThat(kata.status()).as("problem: %s", kata.problem()).isEqualTo(Status.SOLVED);
        assertThat(kata.points()).isEqualTo(kata.maxPoints()).isPositive();
        assertThat(kata.tests()).allMatch(KataGrade.TestGrade::passed);
        assertThat(kata.notes()).isEmpty();
        assertThat(report.tamper().clean()).as("tamper: %s", report.tamper()).isTrue();
        assertThat(Files.readString(outs.getLast().resolve("grade.md")))
                .contains("Kata code ran in a sandbox: " + sandbox.description());
        assertThat(survivors()).isEmpty();
        assertGradesUntouched();
    }

    @Test
    @Order(7)
    void aGradeWithoutASandboxSaysSo() throws Exception {
        grade(null, Sandbox.none());
        assertThat(reports.getLast().unsandboxed()).isTrue();
        assertThat(Files.readString(outs.getLast().resolve("grade.md")))
                .contains("**Graded without a sandbox** (`--unsafe-no-sandbox`)");
        assertThat(Files.readString(outs.getLast().resolve("grade.json")))
                .contains("\"sandbox\": \"none (--unsafe-no-sandbox)");
    }

    private static final java.util.function.Predicate<String> FORGED_NOTE = n -> n.matches("its output held \\d+"
            + " line\\(s\\) shaped like test results that did not come from the grader's harness \\(forged\\?\\);"
            + " they were ignored");

    /** Grades kata 01's solution with {@code attack}'s Attack.java (none: the plain solution). */
    private static KataGrade grade(String attack, Sandbox in) throws IOException, InterruptedException {
        String name = attack == null ? "innocent-" + reports.size() : attack;
        Path submission = submission(name, attack);
        Path out = temp.resolve("grades").resolve(name);
        GradeReport report = Grade.grade(submission, pristine, pristine, out, KATA_TIMEOUT, in);
        reports.add(report);
        outs.add(out);
        assertThat(report.katas()).hasSize(1);
        return report.katas().getFirst();
    }

    /**
     * Runs kata 01's pristine tests against its solution with {@code attack}'s Attack.java straight in
     * the sandbox ({@link ConfinedKataRun}, as the grader does after its scan), the scan skipped: the
     * sandbox's own defence.
     */
    private static ConfinedKataRun.Result confined(String attack) throws IOException, InterruptedException {
        Path submission = submission(attack + "-unscanned", attack);
        Path work = temp.resolve("grades").resolve(attack + "-unscanned").resolve("work").resolve(KATA);
        Path classes = work.resolve("submission-classes");
        Path tests = work.resolve("target/test-classes");
        ForkedKataRun.compile(attack, List.of(submission.resolve("katas").resolve(KATA).resolve("src/main/java")),
                List.of(), classes);
        ForkedKataRun.compile(attack + " tests", List.of(pristine.resolve("katas").resolve(KATA).resolve("src/test/java")),
                List.of(classes), tests);
        return new ConfinedKataRun(tests, work, sandbox).run(
                List.of(new ForkedKataRun.Variant("submission", List.of(classes), List.of())), KATA_TIMEOUT);
    }

    /** A copy of the cut pristine repository with kata 01's solution, calling {@code attack}'s Attack.run(). */
    private static Path submission(String name, String attack) throws IOException {
        Path submission = temp.resolve(name);
        HostileSubmissionGradeTest.copyTree(pristine, submission, Set.of());
        Path main = submission.resolve("katas").resolve(KATA).resolve("src/main/java");
        errgroupkatas.tools.ForkedKataRun.deleteRecursively(main);
        HostileSubmissionGradeTest.copyTree(REPOSITORY.resolve("solutions").resolve(KATA).resolve("src/main/java"),
                main, Set.of());
        if (attack != null) {
            Files.copy(ATTACKS.resolve(attack).resolve("Attack.java"), submission.resolve(MAIN + "Attack.java"));
            Path handler = submission.resolve(MAIN + "FriendsHandler.java");
            String signature = "friendsOf(long userId) throws FriendsException, InterruptedException {";
            String code = Files.readString(handler);
            assertThat(code).as("the solution's friendsOf, where the attack is called").contains(signature);
            Files.writeString(handler, code.replace(signature, signature + "\n        Attack.run();"));
        }
        return submission;
    }

    /** Every grade so far is on disk as it was written: nothing that ran later rewrote it. */
    private static void assertGradesUntouched() throws IOException {
        for (int i = 0; i < reports.size(); i++) {
            assertThat(Files.readString(outs.get(i).resolve("grade.json"))).as("grade.json of grade %d", i + 1)
                    .isEqualTo(GradeJson.of(reports.get(i)));
            assertThat(Files.readString(outs.get(i).resolve("grade.md"))).as("grade.md of grade %d", i + 1)
                    .isEqualTo(GradeMarkdown.of(reports.get(i)));
        }
        List<Path> escaped = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            Path target = Files.isDirectory(p) ? p.resolve("SANDBOX-ESCAPE") : p.resolveSibling("SANDBOX-ESCAPE");
            if (Files.deleteIfExists(target)) {
                escaped.add(target);
            }
        }
        assertThat(escaped).as("files the survivor wrote beside the grader's classes (deleted now)").isEmpty();
    }

    /** The survivor fixture's processes that belong to this test's submissions and still run. */
    private static List<String> survivors() {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .map(h -> h.info().commandLine().orElse(""))
                .filter(c -> c.contains(SURVIVOR_MARKER) && c.contains(temp.toString())).toList();
    }
}

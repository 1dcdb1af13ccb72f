package errgroupkatas.tools.grade;

import static org.assertj.core.api.Assertions.assertThat;

import errgroupkatas.tools.grade.KataGrade.TestGrade;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of issue 14 that the grader refuses before any kata code runs, each graded exactly,
 * and an innocent submission graded after them unaffected. The attack submission is the reference
 * solutions with one attack per kata laid over them ({@code tools/src/test/fixtures/attack-submission},
 * each file's javadoc says which measured attack it is); the links are made here:
 *
 * <table>
 *   <caption>the attacks and the grade they must get</caption>
 *   <tr><th>kata</th><th>attack</th><th>grade</th></tr>
 *   <tr><td>01</td><td>forged results: the plan's path from {@code ProcessHandle}, a results file
 *       written, {@code Runtime.halt}</td><td>refused, each use named by class and line</td></tr>
 *   <tr><td>02</td><td>a shadowed test: a main class named {@code FriendsHandlerTest}</td><td>refused</td></tr>
 *   <tr><td>03</td><td>a write into the instructor's repository, found through {@code java.class.path}</td>
 *       <td>refused</td></tr>
 *   <tr><td>04</td><td>the stub's results deleted (through a method reference)</td><td>refused</td></tr>
 *   <tr><td>05</td><td>{@code printStackTrace} through reflection</td><td>refused</td></tr>
 *   <tr><td>06</td><td>one source a link to the reference solution, one a link to a secret</td>
 *       <td>refused, never compiled: the secret appears nowhere</td></tr>
 *   <tr><td>-</td><td>committed links {@code target/grade/work} and {@code target/grade/grade.md} to
 *       files outside the submission</td><td>listed; nothing outside is deleted or written</td></tr>
 * </table>
 *
 * <p>Runs only with {@code -Pgrade-fixture} (tools/pom.xml), like {@link HostileSubmissionGradeTest}.
 * Refused katas run only their stub, so the attack grade is quick; the innocent one runs every
 * kata's tests.
 */
class HostileSubmissionAttacksGradeTest {

    private static final Duration KATA_TIMEOUT =
            Duration.ofSeconds(Long.getLong("grade.fixture.kata-timeout", 60));
    private static final Path PRISTINE = HostileSubmissionGradeTest.PRISTINE;
    private static final Path ATTACKS = PRISTINE.resolve("tools/src/test/fixtures/attack-submission");
    private static final String SECRET = "SECRET-4f1c-not-for-learners";
    private static final String DASHBOARD = "katas/06-dashboard/src/main/java/errgroupkatas/dashboard/";

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES) // the support jar's junit-platform.properties says 5 s
    void refusesEachAttackAndThenGradesAnInnocentSubmissionNormally(@TempDir Path temp) throws Exception {
        Harness.requireBuiltFrom(PRISTINE); // the grade below runs this checkout's own harness
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Path secret = Files.writeString(outside.resolve("secret.txt"), SECRET + "\n");
        Path victimFolder = Files.createDirectories(outside.resolve("victim-folder"));
        Path canary = Files.writeString(victimFolder.resolve("keep.txt"), "keep");
        Path victimFile = Files.writeString(outside.resolve("victim.md"), "victim");
        String pristineTestsBefore = pristineTests();

        Path hostile = temp.resolve("hostile");
        HostileSubmissionGradeTest.buildSubmission(hostile, ATTACKS);
        Files.delete(hostile.resolve(DASHBOARD + "DashboardAggregator.java"));
        Files.createSymbolicLink(hostile.resolve(DASHBOARD + "DashboardAggregator.java"),
                PRISTINE.resolve("solutions/06-dashboard/src/main/java/errgroupkatas/dashboard/DashboardAggregator.java"));
        Files.delete(hostile.resolve(DASHBOARD + "Option.java"));
        Files.createSymbolicLink(hostile.resolve(DASHBOARD + "Option.java"), secret);
        Path committedOut = Files.createDirectories(hostile.resolve("target/grade"));
        Files.createSymbolicLink(committedOut.resolve("work"), victimFolder);
        Files.createSymbolicLink(committedOut.resolve("grade.md"), victimFile);

        GradeReport report = Grade.grade(hostile, PRISTINE, committedOut, KATA_TIMEOUT);

        Map<String, KataGrade> katas = report.katas().stream()
                .collect(Collectors.toMap(KataGrade::id, Function.identity()));
        assertThat(report.katas()).extracting(k -> k.id() + ": " + k.status().label())
                .as("every attack refused before it ran (problems: %s)", problems(report))
                .containsExactly("01-serial: refused", "02-naive-parallel: refused", "03-errgroup: refused",
                        "04-select: refused", "05-bounded: refused", "06-dashboard: refused");
        for (KataGrade k : report.katas()) {
            assertThat(k.points()).as("%s's points", k.id()).isZero();
            assertThat(k.maxPoints()).as("%s's maximum, from its pristine tests", k.id()).isPositive();
            assertThat(k.tests()).as("%s: none of its tests ran", k.id()).isNotEmpty()
                    .allMatch(t -> t.status().equals(TestGrade.NOT_RUN));
        }
        assertThat(katas.get("01-serial").problem())
                .contains("errgroupkatas.serial.ForgedResults.forge (ForgedResults.java:18) uses"
                        + " java.lang.ProcessHandle.current: processes are refused")
                .contains("ForgedResults.java:22) uses java.nio.file.Files.write: files are refused")
                .contains("ForgedResults.java:23) uses java.lang.Runtime.halt: ending the JVM is refused");
        assertThat(katas.get("02-naive-parallel").problem())
                .contains("errgroupkatas.naive.FriendsHandlerTest has the name of one of the kata's tests");
        assertThat(katas.get("03-errgroup").problem())
                .contains("Overwrite.java:19) uses java.lang.System.getProperty: the JVM's environment")
                .contains("Overwrite.java:22) uses java.nio.file.Files.writeString: files are refused");
        assertThat(katas.get("04-select").problem())
                .contains("DeleteStubResults.java:21) uses java.nio.file.Files.delete: files are refused");
        assertThat(katas.get("05-bounded").problem())
                .contains("ReflectivePrint.java:13) uses java.lang.Class.forName: class loading is refused")
                .contains("ReflectivePrint.java:13) uses java.lang.reflect.Method.invoke: reflection");
        assertThat(katas.get("06-dashboard").problem()).contains("symbolic links")
                .contains(DASHBOARD + "DashboardAggregator.java").contains(DASHBOARD + "Option.java");

        assertThat(report.symlinks()).as("every link in the submission, listed").containsExactly(
                DASHBOARD + "DashboardAggregator.java", DASHBOARD + "Option.java", "target/grade/grade.md",
                "target/grade/work");
        assertThat(canary).as("the committed work link was removed, not followed").hasContent("keep");
        assertThat(victimFile).as("the committed grade.md link was removed, not written through").hasContent("victim");
        assertThat(committedOut.resolve("grade.md")).isRegularFile().isNotEmptyFile();
        assertThat(committedOut.resolve("work")).isDirectory().isNotEqualTo(victimFolder);
        assertThat(pristineTests()).as("the pristine tests after the attacks").isEqualTo(pristineTestsBefore);

        String md = Files.readString(committedOut.resolve("grade.md"));
        String json = Files.readString(committedOut.resolve("grade.json"));
        for (String report1 : List.of(md, json)) {
            assertThat(report1).as("the secret behind a link never reaches the learner").doesNotContain(SECRET)
                    .as("no absolute path of the grader").doesNotContain(PRISTINE.toString())
                    .doesNotContain(temp.toString()).doesNotContain(System.getProperty("java.home"));
        }
        assertThat(md).contains("| 01-serial | refused | 0 / ").contains("## Symbolic links")
                .contains("- link: `target/grade/work`");
        assertThat(json).contains("\"symlinks\": [").contains("\"status\": \"refused\"");

        // An innocent submission (the reference solutions), graded after the attacks from the same
        // checkout: every kata solved, full points, nothing flagged.
        Path innocent = temp.resolve("innocent");
        HostileSubmissionGradeTest.buildSubmission(innocent, null);
        GradeReport clean = Grade.grade(innocent, PRISTINE, innocent.resolve("target/grade"), KATA_TIMEOUT);
        assertThat(clean.katas()).extracting(k -> k.id() + ": " + k.status().label())
                .as("the innocent submission (problems: %s)", problems(clean))
                .allMatch(s -> s.endsWith(": solved"));
        assertThat(clean.points()).isEqualTo(clean.maxPoints()).isEqualTo(report.maxPoints());
        assertThat(clean.symlinks()).isEmpty();
        assertThat(clean.tamper().clean()).as("tamper: %s", clean.tamper()).isTrue();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aKataWhoseGradingFailsIsReportedAndTheOthersAreGraded(@TempDir Path temp) throws Exception {
        // An instructor's repository of two katas whose second stub is broken: grading that kata
        // fails (and says whose fault it is), the first is graded, and the report is written over a
        // forged one that was committed.
        Path pristine = temp.resolve("pristine");
        HostileSubmissionGradeTest.copyTree(PRISTINE.resolve("katas"), pristine.resolve("katas"),
                Set.of("target", "03-errgroup", "04-select", "05-bounded", "06-dashboard"));
        Path catalog = pristine.resolve("katas/catalog.properties");
        Files.writeString(catalog, Files.readString(catalog).replaceAll("(?m)^katas = .*$",
                "katas = 01-serial, 02-naive-parallel"));
        Path submission = temp.resolve("submission");
        HostileSubmissionGradeTest.copyTree(pristine, submission, Set.of());
        Files.writeString(pristine.resolve(
                "katas/02-naive-parallel/src/main/java/errgroupkatas/naive/Broken.java"), "class Broken { int x = \"\"; }");
        Path out = Files.createDirectories(submission.resolve("target/grade"));
        Files.writeString(out.resolve("grade.md"), "**Total: 100 of 100 points** (forged)");

        GradeReport report = Grade.grade(submission, pristine, out, KATA_TIMEOUT);

        assertThat(report.katas()).extracting(k -> k.id() + ": " + k.status().label())
                .containsExactly("01-serial: not started", "02-naive-parallel: not graded");
        assertThat(report.katas().get(1).problem()).startsWith("not graded: the pristine repository is broken");
        assertThat(Files.readString(out.resolve("grade.md"))).doesNotContain("forged")
                .contains("| 02-naive-parallel | not graded | 0 / 0 |");
    }

    private static String problems(GradeReport report) {
        return report.katas().stream().filter(k -> !k.problem().isEmpty())
                .map(k -> k.id() + ": " + k.problem()).collect(Collectors.joining("\n"));
    }

    /** Every pristine kata test file with its content, to prove no attack wrote to them. */
    private static String pristineTests() throws IOException {
        try (Stream<Path> walk = Files.walk(PRISTINE.resolve("katas"))) {
            StringBuilder b = new StringBuilder();
            for (Path f : walk.filter(f -> f.toString().contains("/src/test/") && Files.isRegularFile(f)).sorted()
                    .toList()) {
                b.append(f).append('\n').append(Files.readString(f));
            }
            return b.toString();
        }
    }
}

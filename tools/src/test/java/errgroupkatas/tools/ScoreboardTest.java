package errgroupkatas.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoreboard's verdict and next step, on a made-up repository of three katas ({@code 01-a},
 * {@code 02-b}, {@code 03-c}) whose Surefire reports the test writes, some by "this build" (after
 * its start) and some by an earlier one.
 */
@DisplayName("Scoreboard: the verdict line, and where Next: points")
class ScoreboardTest {
    private static final Instant SOURCES = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant EARLIER_RUN = Instant.parse("2026-12-01T11:00:00Z");
    private static final Instant BUILD_START = Instant.parse("2026-12-01T12:00:00Z");
    private static final Instant THIS_RUN = Instant.parse("2026-12-01T12:00:30Z");

    @TempDir
    Path root;

    private record Case(String method, String failure) {
        static Case pass(String method) {
            return new Case(method, null);
        }

        static Case fail(String method, String message) {
            return new Case(method, message);
        }
    }

    private void kata(String id, Instant ran, Case... cases) throws Exception {
        kata(id, ran, "k.CodeTest", cases);
    }

    private void kata(String id, Instant ran, String testClass, Case... cases) throws Exception {
        Path dir = root.resolve("katas").resolve(id);
        Path source = dir.resolve("src/main/java/k/Code.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package k; class Code {}");
        Files.setLastModifiedTime(source, FileTime.from(SOURCES));
        if (ran == null) {
            return;
        }
        Path clazz = dir.resolve("target/classes/k/Code.class");
        Files.createDirectories(clazz.getParent());
        Files.write(clazz, new byte[0]);
        Files.setLastModifiedTime(clazz, FileTime.from(ran));
        Files.createDirectories(dir.resolve("target/test-classes"));
        Files.setLastModifiedTime(dir.resolve("target/test-classes"), FileTime.from(ran));
        StringBuilder xml = new StringBuilder("<testsuite name=\"" + testClass + "\" time=\"0.5\">\n");
        for (Case c : cases) {
            xml.append("  <testcase name=\"").append(c.method()).append("\" classname=\"" + testClass + "\" time=\"0.1\"");
            if (c.failure() == null) {
                xml.append("/>\n");
            } else {
                xml.append("><failure type=\"java.lang.AssertionError\" message=\"")
                        .append(c.failure().replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;")
                                .replace("\n", "&#10;"))
                        .append("\"/></testcase>\n");
            }
        }
        Path report = dir.resolve("target/surefire-reports/TEST-" + testClass + ".xml");
        Files.createDirectories(report.getParent());
        Files.writeString(report, xml.append("</testsuite>\n"));
        Files.setLastModifiedTime(report, FileTime.from(ran));
        try (Stream<Path> written = Files.walk(dir.resolve("target"))) {
            for (Path p : written.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(ran));
            }
        }
    }

    private record Printed(boolean green, List<String> lines) {
        String last() {
            return lines.getLast();
        }

        String text() {
            return String.join("\n", lines);
        }
    }

    private Printed scoreboard(List<String> groups) throws Exception {
        Files.writeString(root.resolve("katas/catalog.properties"), """
                katas = 01-a, 02-b, 03-c
                01-a.title = A
                02-b.title = B
                03-c.title = C
                points.default = 1
                """);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        boolean green = new Scoreboard(root, BUILD_START, Catalog.load(root), groups, List.of()).print(out);
        return new Printed(green, bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private Printed scoreboard() throws Exception {
        return scoreboard(List.of());
    }

    @Test
    @DisplayName("a red build ends with one line: katas solved, the next kata, its failing test and hint")
    void redBuildEndsWithTheVerdict() throws Exception {
        kata("01-a", THIS_RUN, Case.pass("one"), Case.pass("two"));
        kata("02-b", THIS_RUN, Case.pass("one"),
                Case.fail("two", "Expected 3 calls in flight, saw 1.\ntimeline: …\nHint: hint 2 of kata 02-b: mvn -q -Phint -Dkata=02 -Dhint=2 (or h in the coach)"),
                Case.fail("three", "also wrong"));
        kata("03-c", THIS_RUN, Case.fail("one", "not yet"));

        Printed p = scoreboard();

        assertThat(p.green()).isFalse();
        assertThat(p.last()).isEqualTo("BUILD FAILURE: 1 of 3 katas solved; next 02-b, CodeTest.two, hint 2");
        assertThat(p.text()).contains("Next: 02-b, test CodeTest.two", "  Expected 3 calls in flight, saw 1.",
                "  hint 2: mvn -q -Phint -Dkata=02 -Dhint=2").doesNotContain("Hint: hint 2 of kata");
    }

    @Test
    @DisplayName("the next step names the README rule its failing test checks (@Checks), with the rule's first line")
    void nextStepNamesTheRule() throws Exception {
        kata("01-a", THIS_RUN, Case.pass("one"));
        kata("02-b", THIS_RUN, Case.fail("two", "wrong"));
        kata("03-c", THIS_RUN, Case.fail("one", "not yet"));
        Path b = root.resolve("katas/02-b");
        Files.writeString(b.resolve("README.md"), """
                # B

                ## The rules

                1. Return every friend.
                2. **Fail fast**: the first failure interrupts every call in flight.
                """);
        Files.createDirectories(b.resolve("src/test/java/k"));
        Files.writeString(b.resolve("src/test/java/k/CodeTest.java"), """
                package k;
                class CodeTest {
                    @Test
                    @Checks(2)
                    void two() {
                    }
                }
                """);
        // older than this run's classes, as sources are (newer ones would read as "does not compile")
        Files.setLastModifiedTime(b.resolve("src/test/java/k/CodeTest.java"), FileTime.from(SOURCES));
        Files.setLastModifiedTime(b.resolve("README.md"), FileTime.from(SOURCES));
        Path compiled = b.resolve("target/test-classes/k/CodeTest.class");
        Files.createDirectories(compiled.getParent());
        Files.write(compiled, new byte[0]);
        Files.setLastModifiedTime(compiled, FileTime.from(THIS_RUN));

        Printed p = scoreboard();

        assertThat(p.text()).contains("Next: 02-b, test CodeTest.two",
                "  the rule it checks (katas/02-b/README.md, \"The rules\"): 2. Fail fast: the first failure\n  interrupts every call in flight.");
    }

    @Test
    @DisplayName("a one-kata run that is red names the kata, its failing test, and the next unseen hint")
    void oneKataRed() throws Exception {
        kata("01-a", null);
        kata("02-b", THIS_RUN, Case.fail("one", "wrong"));
        kata("03-c", null);

        Printed p = scoreboard();

        assertThat(p.green()).isFalse();
        assertThat(p.last()).isEqualTo("BUILD FAILURE: 02-b is not solved; next CodeTest.one");
        assertThat(p.text()).contains("hints, one at a time: mvn -q -Phint -Dkata=02");
    }

    @Test
    @DisplayName("a green one-kata run names the next kata of the catalog that its last run did not show solved")
    void greenOneKataPointsForward() throws Exception {
        kata("01-a", EARLIER_RUN, Case.pass("one"));
        kata("02-b", THIS_RUN, Case.pass("one"));
        kata("03-c", null);

        Printed p = scoreboard();

        assertThat(p.green()).isTrue();
        assertThat(p.text()).contains("02-b is solved. Next: 03-c (not run yet):",
                "  mvn verify -pl katas/03-c,tools -am").doesNotContain("Next: 01-a");
    }

    @Test
    @DisplayName("after the catalog's last kata, Next: goes round to the first one not solved, never a solved one")
    void greenOneKataGoesRound() throws Exception {
        kata("01-a", EARLIER_RUN, Case.pass("one"));
        kata("02-b", EARLIER_RUN, Case.pass("one"), Case.fail("two", "wrong"));
        kata("03-c", THIS_RUN, Case.pass("one"));

        Printed p = scoreboard();

        assertThat(p.green()).isTrue();
        assertThat(p.text()).contains("03-c is solved. Next: 02-b (in progress at its last run):",
                "  mvn verify -pl katas/02-b,tools -am");
    }

    @Test
    @DisplayName("a kata solved at its last run but edited since is not taken as solved")
    void editedSinceItsRun() throws Exception {
        kata("01-a", THIS_RUN, Case.pass("one"));
        kata("02-b", EARLIER_RUN, Case.pass("one"));
        Files.setLastModifiedTime(root.resolve("katas/02-b/src/main/java/k/Code.java"), FileTime.from(THIS_RUN));
        kata("03-c", EARLIER_RUN, Case.pass("one"));

        Printed p = scoreboard();

        assertThat(p.text()).contains("01-a is solved. Next: 02-b (changed since its last run):");
    }

    @Test
    @DisplayName("when every other kata was solved at its last run, Next: says so and points at mvn verify")
    void everyOtherKataSolvedBefore() throws Exception {
        kata("01-a", EARLIER_RUN, Case.pass("one"));
        kata("02-b", THIS_RUN, Case.pass("one"));
        kata("03-c", EARLIER_RUN, Case.pass("one"));

        Printed p = scoreboard();

        assertThat(p.green()).isTrue();
        assertThat(p.text()).contains("02-b is solved. The other katas were solved at their last run;",
                "`mvn verify` runs them all.");
    }

    @Test
    @DisplayName("a whole green build says every kata is solved")
    void everyKataSolved() throws Exception {
        kata("01-a", THIS_RUN, Case.pass("one"));
        kata("02-b", THIS_RUN, Case.pass("one"));
        kata("03-c", THIS_RUN, Case.pass("one"));

        Printed p = scoreboard();

        assertThat(p.green()).isTrue();
        assertThat(p.text()).contains("Every kata is solved. Well done!");
    }

    @Test
    @DisplayName("a kata whose report is missing is crashed, and red")
    void missingReportIsRed() throws Exception {
        kata("01-a", THIS_RUN, Case.pass("one"));
        kata("02-b", THIS_RUN, Case.pass("one"));
        Files.setLastModifiedTime(root.resolve("katas/02-b/target/surefire-reports/TEST-k.CodeTest.xml"),
                FileTime.from(EARLIER_RUN));
        kata("03-c", null);

        Printed p = scoreboard();

        assertThat(p.green()).isFalse();
        assertThat(p.last()).isEqualTo("BUILD FAILURE: 1 of 2 katas of this build solved; next 02-b: its test JVM died");

        Files.writeString(root.resolve("katas/02-b/src/main/java/k/Code.java"), """
                package k;
                class Code {
                    void quit() {
                        System.exit(3);
                    }
                }
                """);
        Files.setLastModifiedTime(root.resolve("katas/02-b/src/main/java/k/Code.java"), FileTime.from(SOURCES));
        assertThat(scoreboard().last()).isEqualTo("BUILD FAILURE: 1 of 2 katas of this build solved; next 02-b: its"
                + " test JVM died (katas/02-b/src/main/java/k/Code.java:4 calls System.exit)");
    }

    @Test
    @DisplayName("with -Dgroups=bonus the bonus tests are the build's tests: green when they pass, red when one fails")
    void bonusOnly() throws Exception {
        kata("01-a", null);
        kata("02-b", null);
        kata("03-c", THIS_RUN, "k.CodeBonusTest", Case.pass("one"), Case.pass("two"));

        Printed green = scoreboard(List.of("bonus"));

        assertThat(green.green()).isTrue();
        assertThat(green.text()).contains("(Only the tests this build selected, -Dgroups/-DexcludedGroups, ran.)",
                "03-c is solved.");

        kata("03-c", THIS_RUN, "k.CodeBonusTest", Case.pass("one"), Case.fail("two", "wrong"));

        Printed red = scoreboard(List.of("bonus"));

        assertThat(red.green()).isFalse();
        assertThat(red.last()).isEqualTo("BUILD FAILURE: 03-c is not solved; next CodeBonusTest.two");
    }

    @Test
    @DisplayName("a failing bonus test keeps a build red whose katas are all solved, and Next: points to it")
    void failingBonusIsRed() throws Exception {
        kata("01-a", THIS_RUN, Case.pass("one"));
        kata("02-b", THIS_RUN, Case.pass("one"));
        kata("03-c", THIS_RUN, Case.pass("one"));
        kata("03-c", THIS_RUN, "k.CodeBonusTest", Case.fail("extra", "not yet"));

        Printed p = scoreboard();

        assertThat(p.green()).isFalse();
        assertThat(p.text()).contains("Next: 03-c (its bonus), test CodeBonusTest.extra");
        assertThat(p.last()).isEqualTo("BUILD FAILURE: 3 of 3 katas solved; next 03-c, CodeBonusTest.extra");
    }

    /** What support's InvocationNames writes for a test class: Surefire's test name = its display name. */
    private void invocationNames(String id, Instant written, String testClass, String... nameThenDisplay)
            throws Exception {
        Properties names = new Properties();
        for (int i = 0; i < nameThenDisplay.length; i += 2) {
            names.setProperty(nameThenDisplay[i], nameThenDisplay[i + 1]);
        }
        Path file = root.resolve("katas").resolve(id).resolve("target/invocation-names/" + testClass + ".properties");
        Files.createDirectories(file.getParent());
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            names.store(w, null);
        }
        Files.setLastModifiedTime(file, FileTime.from(written));
    }

    @Test
    @DisplayName("a parameterized invocation or dynamic test is named by its display name, as the grader names it;"
            + " by its index when no name was recorded in this build")
    void invocationsAreNamedByTheirDisplayNames() throws Exception {
        kata("01-a", null);
        kata("02-b", THIS_RUN, Case.pass("returnsEveryFriend(int)[1]"),
                Case.fail("returnsEveryFriend(int)[2]", "lost a friend"), Case.pass("streams"));
        kata("02-b", THIS_RUN, "k.RulesTest", Case.pass("rules()[1]"));
        kata("03-c", null);

        Printed byIndex = scoreboard();

        assertThat(byIndex.text()).contains("Next: 02-b, test CodeTest.returnsEveryFriend[2]");
        assertThat(byIndex.last()).isEqualTo("BUILD FAILURE: 02-b is not solved; next CodeTest.returnsEveryFriend[2]");

        invocationNames("02-b", EARLIER_RUN, "k.CodeTest", "returnsEveryFriend(int)[2]", "stale name");
        assertThat(scoreboard().last()).as("a name an earlier build recorded")
                .isEqualTo("BUILD FAILURE: 02-b is not solved; next CodeTest.returnsEveryFriend[2]");

        invocationNames("02-b", THIS_RUN, "k.CodeTest", "returnsEveryFriend(int)[1]", "0 friends",
                "returnsEveryFriend(int)[2]", "1 friend,\n  its = and : escaped");
        invocationNames("02-b", THIS_RUN, "k.RulesTest", "rules()[1]", "never calls System.exit");

        Printed p = scoreboard();

        assertThat(p.text()).contains("Next: 02-b, test CodeTest.returnsEveryFriend[1 friend, its = and : escaped]")
                .containsPattern("\n02 +b +2/3 +2/3 ");
        assertThat(p.last())
                .isEqualTo("BUILD FAILURE: 02-b is not solved; next CodeTest.returnsEveryFriend[1 friend, its = and : escaped]");
        Map<String, String> names = Scoreboard.invocationNames(root.resolve("katas/02-b/target"), "k.RulesTest", BUILD_START);
        assertThat(names).containsExactly(Map.entry("rules()[1]", "never calls System.exit"));
    }

    @Test
    @DisplayName("a long failure message is cut between whole lines, and says how many lines are left out")
    void longMessagesAreCutBetweenLines() {
        String message = "First sentence of the failure, long enough to be wrapped once it passes the width of the"
                + " scoreboard, which is ninety-six characters.\n"
                + "Where the threads running kata code are now:\n"
                + "  thread #1 \"mapper-1\" parked in LinkedBlockingQueue.put\n"
                + "    at errgroupkatas.naive.FriendsHandler.map(FriendsHandler.java:40)\n"
                + "line 4\nline 5\nline 6\nline 7\nline 8\nline 9\nHint: hint 3 of kata 02-b: mvn -q -Phint -Dkata=02 -Dhint=3 (or h in the coach)";

        List<String> lines = Scoreboard.messageLines(message, 96, 8);

        assertThat(lines).hasSize(9);
        assertThat(lines.get(0)).endsWith("once it passes the width of the");
        assertThat(lines.get(1)).isEqualTo("scoreboard, which is ninety-six characters.");
        assertThat(lines).noneMatch(l -> l.contains(" at errgroupkatas") || l.contains("Hint: hint"));
        assertThat(lines.getLast()).isEqualTo("… (2 more lines: the test's failure above has them all)");
        assertThat(Scoreboard.hintNumber(message)).isEqualTo(3);
        assertThat(Scoreboard.hintNumber("see katas/02-b/hints/2.md")).isEqualTo(2);
        assertThat(Scoreboard.hintNumber("no pointer")).isZero();
    }
}

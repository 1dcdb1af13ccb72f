package errgroupkatas.tools;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The learner's scoreboard, the end of {@code mvn verify} (the tools module is the reactor's last
 * module and depends on no kata, so it runs even when katas fail): a row per kata in the catalog's
 * order with its behaviour tests passed, its points, its test time and its status, then the next
 * step, then one verdict line. It is the build's judge: a failing kata test does not fail its
 * module ({@code maven.test.failure.ignore} in {@code katas/pom.xml}); the scoreboard fails the
 * build when a kata of the build is not solved.
 *
 * <p>It reads what the build left behind: {@code katas/NN-name/target/classes},
 * {@code target/test-classes} and Surefire's {@code target/surefire-reports/TEST-*.xml}
 * ({@code testcase} elements, their {@code failure}/{@code error}/{@code skipped} children and
 * {@code time} attributes), and {@code target/invocation-names/} (the display names of the
 * parameterized invocations and dynamic tests those reports name by index, written by support's
 * {@code InvocationNames} listener: such a test is named {@code returnsEveryFriend[0 friends]}, as
 * the grader names it, or {@code returnsEveryFriend[1]} without them). Which test classes a kata has, in which order JUnit runs them (the
 * kata README's order: {@code @Order}, part A before part B), and their tags come from a JUnit
 * discovery over the kata's compiled tests (discovery loads the classes but runs no kata code),
 * with the build's tag selection ({@code -Dgroups}, {@code -DexcludedGroups}) applied as Surefire
 * applied it; Surefire's XML has no tags. Should discovery fail, the reports are read in file-name
 * order and the naming convention decides: rule tests live in classes named {@code RulesTest},
 * bonus tests in classes whose name contains {@code Bonus}.
 *
 * <p>Status of a kata, first rule that applies:
 * <ul>
 *   <li><b>not built</b>: nothing under its {@code target/} was written by this build
 *       ({@code -pl} left it out, or a shared module's failure skipped it: such katas are listed on
 *       one line under the table instead of as rows);</li>
 *   <li><b>does not compile</b>: {@code target/classes} or {@code target/test-classes} is missing,
 *       or a source file is newer than every class compiled from its folder (the compiler failed
 *       and left the old classes behind);</li>
 *   <li><b>crashed</b>: a test class has no report from this build: its test JVM died
 *       ({@code System.exit}, a JVM crash) before Surefire could write it;</li>
 *   <li><b>solved</b>: every test passed (behaviour and rule tests; bonus tests are scored
 *       apart);</li>
 *   <li><b>timed out</b>: a test hit its preemptive timeout or a kata call missed its deadline
 *       (the code hangs);</li>
 *   <li><b>in progress</b>: some behaviour test passed; <b>not started</b>: none did.</li>
 * </ul>
 * Rule tests ({@code @Tag("rules")}) hold on an empty stub, so they score nothing and are not in
 * the tests column, but a broken rule keeps a kata from being solved. A build that selects only
 * bonus tests ({@code -Dgroups=bonus}) judges those as its tests.
 *
 * <p>The next step: on a red build, the first kata of the build (catalog order) that is not
 * solved, its first failing test in the order JUnit runs them, the message, and the command that
 * shows the hint the message names. On a green build that left katas out ({@code -pl}), the next
 * kata in the catalog after the last one built whose reports do not show it solved since its
 * sources last changed, with its one-kata command.
 *
 * <p>Usage: {@code Scoreboard <repository root> [<build start, ISO-8601 instant>]
 * [--groups=<tags>] [--excluded-groups=<tags>] [--skip-tests=true]} (the last: the build skipped
 * the tests, so it only says so). Without a build start every kata with a
 * {@code target/} folder counts as built. It runs in Maven's JVM ({@code exec:java}): when the
 * build is red (a kata of the build not solved, a failing bonus test, no kata built, or the
 * scoreboard could not read the results) it prints its verdict line and ends the JVM with exit
 * status 1, so that nothing Maven would print comes after it; when green it returns and Maven
 * ends with BUILD SUCCESS.
 */
public final class Scoreboard {
    private static final String LINE = "-".repeat(72);
    /** The folder under a kata's {@code target/} where support's {@code InvocationNames} writes. */
    static final String INVOCATION_NAMES = "invocation-names";

    /**
     * One test's result: from a Surefire report here, from an in-process run in the coach
     * ({@code errgroupkatas.tools.coach}).
     */
    public record Test(String className, String method, String display, Kind kind, boolean passed, boolean skipped,
            boolean timedOut, String message, double seconds) {

        /** {@code TestClass.method}, the key the catalog weighs. */
        public String key() {
            return simple(className) + "." + method;
        }
    }

    /** What a test counts for: behaviour tests score, rule tests must hold, bonus tests score apart. */
    public enum Kind { BEHAVIOUR, RULE, BONUS }

    /** A kata's status, as the scoreboard and the coach print it. */
    public enum Status {
        NOT_BUILT("not built"), DOES_NOT_COMPILE("does not compile"), CRASHED("crashed"), SOLVED("solved"),
        TIMED_OUT("timed out"), IN_PROGRESS("in progress"), NOT_STARTED("not started");

        final String label;

        Status(String label) {
            this.label = label;
        }

        /** How the scoreboard prints it: "solved", "in progress", … */
        public String label() {
            return label;
        }
    }

    /** One kata's row. */
    record Row(Catalog.Kata kata, Status status, List<Test> tests, List<String> crashedClasses, String detail,
            int points, int maxPoints, double seconds) {

        List<Test> of(Kind kind) {
            return tests.stream().filter(t -> t.kind() == kind).toList();
        }

        long passed(Kind kind) {
            return of(kind).stream().filter(Test::passed).count();
        }
    }

    /** The one-kata command every learner-facing page gives; {@code %s} is the kata's id. */
    public static final String ONE_KATA_COMMAND = "mvn verify -pl katas/%s,tools -am";
    /** The command that shows hint N of a kata: {@code %s} is the kata's number ("03"), {@code %d} the hint. */
    public static final String HINT_COMMAND = "mvn -q -Phint -Dkata=%s -Dhint=%d";
    /** The command that shows a kata's next unseen hint: {@code %s} is the kata's number ("03"). */
    public static final String NEXT_HINT_COMMAND = "mvn -q -Phint -Dkata=%s";
    /** How many lines of a failure message the next step shows, at most (whole lines, never half). */
    static final int MESSAGE_LINES = 8;
    static final int WIDTH = 96;

    private final Path root;
    private final Instant since;
    private final Catalog catalog;
    private final List<String> groups;
    private final List<String> excludedGroups;
    private Launcher launcher;

    Scoreboard(Path root, Instant since, Catalog catalog, List<String> groups, List<String> excludedGroups) {
        this.root = root;
        this.since = since;
        this.catalog = catalog;
        this.groups = groups;
        this.excludedGroups = excludedGroups;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        boolean green;
        try {
            Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
            String start = args.length > 1 && !args[1].startsWith("--") ? args[1] : "";
            List<String> groups = List.of(), excluded = List.of();
            if (List.of(args).contains("--skip-tests=true")) {
                out.println("scoreboard: the tests were skipped (-DskipTests), so there is nothing to score.");
                return;
            }
            for (String arg : args) {
                if (arg.startsWith("--groups=")) {
                    groups = tags(arg.substring("--groups=".length()));
                } else if (arg.startsWith("--excluded-groups=")) {
                    excluded = tags(arg.substring("--excluded-groups=".length()));
                }
            }
            Scoreboard board = new Scoreboard(root, buildStart(start), Catalog.load(root), groups, excluded);
            green = board.print(out);
        } catch (Throwable t) {
            out.println("scoreboard: could not be computed (" + t + ").");
            out.println("BUILD FAILURE: the scoreboard could not read this build's results; the build's output above is"
                    + " complete.");
            green = false;
        }
        out.flush();
        if (!green) {
            // Maven's JVM (exec:java): end it here, red, so that the verdict stays the last line.
            System.exit(1);
        }
    }

    /** Surefire's tag list: comma-separated tags or tag expressions; blank (or unset) is none. */
    static List<String> tags(String value) {
        String v = value.strip();
        if (v.isEmpty() || v.startsWith("${")) {
            return List.of();
        }
        return Arrays.stream(v.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
    }

    private static Instant buildStart(String arg) {
        try {
            return arg.isBlank() ? null : Instant.parse(arg.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Prints the scoreboard, the next step and the verdict line; returns whether the build is
     * green: at least one kata built, and every kata of the build solved with no failing test
     * (bonus tests included).
     */
    boolean print(PrintStream out) {
        List<Row> rows = new ArrayList<>();
        List<String> notBuilt = new ArrayList<>();
        for (Catalog.Kata kata : catalog.katas()) {
            Row row = row(kata, since);
            if (row.status() == Status.NOT_BUILT) {
                notBuilt.add(kata.id());
            } else {
                rows.add(row);
            }
        }
        out.println();
        out.println(LINE);
        out.println("Scoreboard" + (notBuilt.isEmpty() || rows.isEmpty() ? "" : " (the katas of this build)"));
        out.println(LINE);
        if (rows.isEmpty()) {
            out.println("No kata was built by this build. Run `mvn verify` at the top of the repository");
            out.println("(or one kata: `" + oneKata("NN-name") + "`), and if a shared module");
            out.println("(story, support) failed, read its errors above.");
            out.println(LINE);
            out.println("BUILD FAILURE: no kata was built.");
            return false;
        }
        out.println(String.format(Locale.ROOT, "%-2s  %-17s %7s  %7s  %7s  %s", "#", "kata", "tests", "points", "time",
                "status"));
        long tests = 0, testsPassed = 0;
        int points = 0, maxPoints = 0;
        double seconds = 0;
        boolean weighted = false;
        for (Row r : rows) {
            boolean compiled = r.status() != Status.DOES_NOT_COMPILE;
            String number = number(r.kata().id());
            String name = r.kata().id().substring(3);
            int behaviour = r.of(Kind.BEHAVIOUR).size();
            // A crashed class took its tests with it: the totals are unknown.
            String of = r.status() == Status.CRASHED ? "/?" : "/";
            String testsCell = compiled ? r.passed(Kind.BEHAVIOUR) + of + (of.equals("/?") ? "" : behaviour) : "-";
            String pointsCell = compiled ? r.points() + of + (of.equals("/?") ? "" : r.maxPoints()) : "-";
            String timeCell = compiled ? String.format(Locale.ROOT, "%.1f s", r.seconds()) : "-";
            String status = r.status().label;
            long rulesBroken = r.of(Kind.RULE).size() - r.passed(Kind.RULE);
            if (rulesBroken > 0 && compiled) {
                status += " (" + rulesBroken + " rule" + (rulesBroken == 1 ? "" : "s") + " broken)";
            }
            out.println(String.format(Locale.ROOT, "%-2s  %-17s %7s  %7s  %7s  %s", number, cut(name, 17), testsCell,
                    pointsCell, timeCell, status));
            tests += behaviour;
            testsPassed += r.passed(Kind.BEHAVIOUR);
            points += r.points();
            maxPoints += r.maxPoints();
            seconds += r.seconds();
            weighted |= compiled && r.maxPoints() != behaviour;
        }
        long solved = rows.stream().filter(r -> r.status() == Status.SOLVED).count();
        out.println(String.format(Locale.ROOT, "%-2s  %-17s %7s  %7s  %7s  %s", "", "total", testsPassed + "/" + tests,
                points + "/" + maxPoints, String.format(Locale.ROOT, "%.1f s", seconds),
                solved + " of " + rows.size() + " solved"));
        if (weighted) {
            out.println("points: a test scores 1, or the weight katas/catalog.properties gives it (a few score 2);"
                    + " rule tests score 0");
        }
        for (Row r : rows) {
            List<Test> bonus = r.of(Kind.BONUS);
            if (!bonus.isEmpty()) {
                out.println("bonus " + r.kata().id() + ": " + r.passed(Kind.BONUS) + "/" + bonus.size()
                        + " tests (scored apart; a failing bonus test still turns the build red)");
            }
        }
        if (!notBuilt.isEmpty()) {
            out.println("not in this build: " + String.join(", ", notBuilt)
                    + (notBuilt.size() > 2 ? "\n  (`mvn verify` runs every kata)" : ""));
        }
        out.println(LINE);
        Optional<Row> red = rows.stream().filter(r -> r.status() != Status.SOLVED).findFirst()
                .or(() -> rows.stream().filter(r -> r.of(Kind.BONUS).stream().anyMatch(Scoreboard::failing)).findFirst());
        if (red.isPresent()) {
            String id = red.get().kata().id();
            NextStep next = printNext(out, red.get());
            out.println(LINE);
            if (rows.size() == 1) {
                out.println("BUILD FAILURE: " + id + " is not solved"
                        + (next.test() != null ? "; next " + next.test() : ": " + next.problem()));
            } else {
                out.println("BUILD FAILURE: " + solved + " of " + rows.size() + " katas"
                        + (notBuilt.isEmpty() ? "" : " of this build") + " solved; next " + id
                        + (next.test() != null ? ", " + next.test() : ": " + next.problem()));
            }
            return false;
        }
        if (!groups.isEmpty() || !excludedGroups.isEmpty()) {
            out.println("(Only the tests this build selected, -Dgroups/-DexcludedGroups, ran.)");
        }
        if (notBuilt.isEmpty()) {
            out.println("Every kata is solved. Well done!");
        } else {
            printNextKata(out, rows.getLast().kata(), notBuilt);
        }
        out.println(LINE);
        return true;
    }

    /**
     * After a green build that left katas out: the next kata in the catalog, from the one after the
     * last kata built and round to the start, whose own last run (its reports, newer than its
     * sources) does not show it solved.
     */
    private void printNextKata(PrintStream out, Catalog.Kata last, List<String> notBuilt) {
        List<Catalog.Kata> katas = catalog.katas();
        int from = katas.indexOf(last);
        String built = notBuilt.size() == katas.size() - 1 ? last.id() + " is solved." : "Every kata of this build is solved.";
        for (int i = 1; i < katas.size(); i++) {
            Catalog.Kata k = katas.get((from + i) % katas.size());
            if (!notBuilt.contains(k.id())) {
                continue;
            }
            Row earlier = row(k, null);
            boolean solvedBefore = earlier.status() == Status.SOLVED && reportsNewerThanSources(k);
            if (!solvedBefore) {
                String why = switch (earlier.status()) {
                    case NOT_BUILT -> "not run yet";
                    case SOLVED, DOES_NOT_COMPILE -> "changed since its last run";
                    default -> earlier.status().label + " at its last run";
                };
                out.println(built + " Next: " + k.id() + " (" + why + "):");
                out.println("  " + oneKata(k.id()));
                return;
            }
        }
        out.println(built + " The other katas were solved at their last run;");
        out.println("  `mvn verify` runs them all.");
    }

    /** Whether every report of the kata is newer than every source file of its main and test code. */
    private boolean reportsNewerThanSources(Catalog.Kata kata) {
        Path dir = root.resolve("katas").resolve(kata.id());
        FileTime newestSource = max(newest(dir.resolve("src/main/java"), ".java"),
                newest(dir.resolve("src/test/java"), ".java"));
        List<Path> reports = reportFiles(dir.resolve("target/surefire-reports"));
        if (reports.isEmpty()) {
            return false;
        }
        return newestSource == null || reports.stream().map(Scoreboard::modified).allMatch(t -> t.compareTo(newestSource) > 0);
    }

    private static FileTime max(FileTime a, FileTime b) {
        return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
    }

    /** "03" for "03-errgroup". */
    static String number(String id) {
        return id.substring(0, 2);
    }

    /** The one-kata command for {@code id}. */
    public static String oneKata(String id) {
        return String.format(Locale.ROOT, ONE_KATA_COMMAND, id);
    }

    /** The command that shows hint {@code hint} of kata {@code id} (its next unseen hint when 0). */
    public static String hintCommand(String id, int hint) {
        return hint > 0 ? String.format(Locale.ROOT, HINT_COMMAND, number(id), hint)
                : String.format(Locale.ROOT, NEXT_HINT_COMMAND, number(id));
    }

    private static boolean failing(Test t) {
        return !t.passed() && !t.skipped();
    }

    /** The verdict line's short form of a next step: the failing test and hint, or else the kata's problem. */
    private record NextStep(String test, String problem) {
    }

    /** Prints the next step for a red row; returns its short form for the verdict line. */
    private NextStep printNext(PrintStream out, Row r) {
        String id = r.kata().id();
        switch (r.status()) {
            case DOES_NOT_COMPILE -> {
                out.println("Next: " + id + " does not compile: " + r.detail() + ".");
                out.println("  Fix the compiler errors Maven printed for it above (look for COMPILATION ERROR).");
                return new NextStep(null, "it does not compile (its compiler errors are above)");
            }
            case CRASHED -> {
                out.println("Next: " + id + ": its test JVM died before it reported " + String.join(", ", r.crashedClasses())
                        + ".");
                out.println("  Something ended the JVM (System.exit, Runtime.halt) or crashed it. Kata code must report");
                out.println("  failures by throwing, never end the JVM.");
                List<String> exits = jvmExits(root, root.resolve("katas").resolve(id).resolve("src/main/java"));
                exits.stream().limit(3).forEach(e -> out.println("  " + e));
                return new NextStep(null, "its test JVM died" + (exits.isEmpty() ? "" : " (" + exits.getFirst() + ")"));
            }
            default -> {
                Optional<Test> failing = r.tests().stream().filter(t -> t.kind() != Kind.BONUS).filter(Scoreboard::failing)
                        .findFirst().or(() -> r.of(Kind.BONUS).stream().filter(Scoreboard::failing).findFirst());
                if (failing.isEmpty()) {
                    out.println("Next: " + id + " (no failing test in its reports; see the build output above).");
                    return new NextStep(null, "no failing test in its reports (see the build output above)");
                }
                Test t = failing.get();
                out.println("Next: " + id + (t.kind() == Kind.BONUS ? " (its bonus)" : "") + ", test " + t.key());
                if (!t.display().isBlank() && !t.display().equals(t.method()) && !t.display().equals(t.method() + "()")) {
                    for (String line : wrap("\"" + t.display() + "\"", WIDTH, 2)) {
                        out.println("  " + line);
                    }
                }
                for (String line : messageLines(t.message(), WIDTH, MESSAGE_LINES)) {
                    out.println("  " + line);
                }
                for (String line : wrap(rulesLine(id, t.key()), WIDTH, 2)) {
                    out.println("  " + line);
                }
                int hint = hintNumber(t.message());
                String hintLine = hint > 0 ? "hint " + hint + ": " + hintCommand(id, hint)
                        : "hints, one at a time: " + hintCommand(id, 0);
                out.println("  " + hintLine + (t.kind() == Kind.RULE ? " (a rule: the code itself breaks it)" : ""));
                return new NextStep(t.key() + (hint > 0 ? ", hint " + hint : ""), null);
            }
        }
    }

    /**
     * The README rules the test checks ({@code @Checks}), e.g. "the rule it checks (katas/03-errgroup/README.md,
     * The rules): 4. The first failure cancels the group: …"; empty when the kata names none or cannot be read.
     */
    private String rulesLine(String id, String testKey) {
        try {
            KataContract contract = KataContract.read(root.resolve("katas").resolve(id));
            List<Integer> rules = contract.rulesOf(testKey).orElse(java.util.Set.of()).stream()
                    .filter(contract.rules()::containsKey).sorted().toList();
            if (rules.isEmpty()) {
                return "";
            }
            String where = " (katas/" + id + "/README.md, \"The rules\"): ";
            if (rules.size() == 1) {
                return "the rule it checks" + where + rules.getFirst() + ". " + contract.ruleText(rules.getFirst(), 120);
            }
            return "the rules it checks" + where + rules.stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(", "));
        } catch (IOException | RuntimeException e) {
            return ""; // the contract only adds a pointer: never let it break the scoreboard
        }
    }

    /** Where the code under {@code sources} ends the JVM: "path:line calls System.exit" (path from {@code root}). */
    static List<String> jvmExits(Path root, Path sources) {
        List<String> found = new ArrayList<>();
        if (!Files.isDirectory(sources)) {
            return found;
        }
        var call = java.util.regex.Pattern.compile("\\bSystem\\s*\\.\\s*exit\\s*\\(|\\.\\s*halt\\s*\\(");
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    var m = call.matcher(lines.get(i));
                    if (m.find()) {
                        found.add(root.relativize(f) + ":" + (i + 1) + " calls "
                                + (m.group().contains("exit") ? "System.exit" : "halt"));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: the status line says enough without it
        }
        return found;
    }

    /**
     * The hint number a failure message points to ("see hint 2 in …", "hints/2.md",
     * "-Dhint=2"), or 0 when it names none.
     */
    public static int hintNumber(String message) {
        var m = java.util.regex.Pattern.compile("(?i)(?:see hint|hints/|-Dhint=)\\s*(\\d+)").matcher(message);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /**
     * The lines of a failure message the next step shows: without stack frames and hint pointers
     * (the next step prints its own), each wrapped at {@code width}, at most {@code max} lines, cut
     * only between whole lines of the message, with a last line saying how many were left out.
     */
    static List<String> messageLines(String message, int width, int max) {
        List<String> source = new ArrayList<>();
        for (String raw : message.replace("\r\n", "\n").split("\n")) {
            String line = raw.replaceAll("\\s*Hint: (?:see hint \\d+ in \\S+|hint \\d+ of kata .*)$", "").stripTrailing();
            String s = line.strip();
            if (s.startsWith("at ") || s.startsWith("...(") || s.isEmpty()) {
                continue;
            }
            source.add(line);
        }
        List<String> lines = new ArrayList<>();
        int used = 0;
        for (String line : source) {
            List<String> wrapped = indented(line, width);
            if (lines.size() + wrapped.size() > max) {
                break;
            }
            lines.addAll(wrapped);
            used++;
        }
        if (used == 0 && !source.isEmpty()) {
            // One line longer than the whole budget: as many of its sentences as fit.
            String kept = String.join(" ", wrap(source.getFirst(), width, Integer.MAX_VALUE).subList(0, max));
            int end = kept.lastIndexOf(". ");
            lines.addAll(wrap(end > 0 ? kept.substring(0, end + 1) : kept, width, Integer.MAX_VALUE));
            lines.add("… (the rest of this message: the test's failure above)");
            return lines;
        }
        if (used < source.size()) {
            int left = source.size() - used;
            lines.add("… (" + left + " more line" + (left == 1 ? "" : "s") + ": the test's failure above has them all)");
        }
        return lines;
    }

    /**
     * "hint 2 of kata 03-errgroup: mvn -q -Phint -Dkata=03 -Dhint=2" when the message points to
     * one of the kata's hints (as {@code Kata.hint} words it), else null.
     */
    public static String hintIn(String message, String id) {
        var m = java.util.regex.Pattern.compile("hint \\d+ of kata " + java.util.regex.Pattern.quote(id)
                + ": mvn -q -Phint -Dkata=\\S+ -Dhint=\\d+").matcher(message);
        return m.find() ? m.group() : null;
    }

    // ---------------------------------------------------------------------------------------------

    private Row row(Catalog.Kata kata, Instant since) {
        Path dir = root.resolve("katas").resolve(kata.id());
        Path target = dir.resolve("target");
        if (!Files.isDirectory(target) || !writtenSince(target, since)) {
            return new Row(kata, Status.NOT_BUILT, List.of(), List.of(), "", 0, 0, 0);
        }
        Path classes = target.resolve("classes");
        Path testClasses = target.resolve("test-classes");
        String notCompiled = notCompiled(dir.resolve("src/main/java"), classes, "src/main/java");
        if (notCompiled == null) {
            notCompiled = notCompiled(dir.resolve("src/test/java"), testClasses, "src/test/java");
        }
        if (notCompiled != null) {
            return new Row(kata, Status.DOES_NOT_COMPILE, List.of(), List.of(), notCompiled, 0, 0, 0);
        }
        Map<String, TestClass> plan = discover(classes, testClasses);
        Path reports = target.resolve("surefire-reports");
        if (plan == null) { // discovery failed: every report there is, in file-name order, by naming convention
            plan = new LinkedHashMap<>();
            for (Path report : reportFiles(reports)) {
                String name = report.getFileName().toString();
                String className = name.substring("TEST-".length(), name.length() - ".xml".length());
                plan.put(className, new TestClass(className, byConvention(className), Map.of()));
            }
        }
        List<Test> tests = new ArrayList<>();
        List<String> crashed = new ArrayList<>();
        double seconds = 0;
        for (TestClass c : plan.values()) {
            Path report = reports.resolve("TEST-" + c.name() + ".xml");
            if (!Files.isRegularFile(report) || !writtenSince(report, since)) {
                crashed.add(simple(c.name()));
                continue;
            }
            try {
                seconds += read(report, c, invocationNames(target, c.name(), since), tests);
            } catch (Exception e) {
                crashed.add(simple(c.name()) + " (unreadable report: " + e.getMessage() + ")");
            }
        }
        // Reports of classes discovery did not name (it could not load them): read them too.
        for (Path report : reportFiles(reports)) {
            String name = report.getFileName().toString();
            String className = name.substring("TEST-".length(), name.length() - ".xml".length());
            if (!plan.containsKey(className) && writtenSince(report, since)) {
                try {
                    seconds += read(report, new TestClass(className, byConvention(className), Map.of()),
                            invocationNames(target, className, since), tests);
                } catch (Exception e) {
                    crashed.add(simple(className) + " (unreadable report: " + e.getMessage() + ")");
                }
            }
        }
        if (tests.isEmpty() && crashed.isEmpty()) {
            if (!groups.isEmpty() || !excludedGroups.isEmpty()) { // the build's tag selection left this kata no test
                return new Row(kata, Status.NOT_BUILT, List.of(), List.of(), "", 0, 0, 0);
            }
            crashed.add("any test class (this build wrote no test report)");
        }
        if (!groups.isEmpty() && !tests.isEmpty() && tests.stream().allMatch(t -> t.kind() == Kind.BONUS)) {
            // -Dgroups=bonus: the bonus tests are this build's tests (the Classroom's bonus step).
            tests.replaceAll(t -> new Test(t.className(), t.method(), t.display(), Kind.BEHAVIOUR, t.passed(), t.skipped(),
                    t.timedOut(), t.message(), t.seconds()));
        }
        int points = 0, max = 0;
        for (Test t : tests) {
            if (t.kind() == Kind.BEHAVIOUR) {
                int p = catalog.points(kata.id(), t.key(), false);
                max += p;
                points += t.passed() ? p : 0;
            }
        }
        Status status = status(tests, !crashed.isEmpty());
        return new Row(kata, status, List.copyOf(tests), crashed, "", points, max, seconds);
    }

    /**
     * The status of a kata that compiled, from its tests' results (the last four rules of the
     * class comment): crashed when a test class has no result, then solved, timed out, in progress,
     * not started. The scoreboard and the coach both decide with this.
     *
     * @param crashed whether a test class left no result (its JVM died, or the run was cut short)
     */
    public static Status status(List<Test> tests, boolean crashed) {
        List<Test> required = tests.stream().filter(t -> t.kind() != Kind.BONUS).toList();
        if (crashed) {
            return Status.CRASHED;
        } else if (!noBehaviourTest(required) && required.stream().allMatch(Test::passed)) {
            return Status.SOLVED;
        } else if (required.stream().anyMatch(Test::timedOut)) {
            return Status.TIMED_OUT;
        } else if (required.stream().anyMatch(t -> t.kind() == Kind.BEHAVIOUR && t.passed())) {
            return Status.IN_PROGRESS;
        }
        return Status.NOT_STARTED;
    }

    /**
     * Whether a failure is a timeout: JUnit's preemptive timeout ({@code TimeoutException}), or a
     * kata call that missed its deadline ({@code KataCall}'s messages).
     *
     * @param type    the failure's exception class name
     * @param message its message
     */
    public static boolean timedOut(String type, String message) {
        return type.endsWith("TimeoutException") || message.contains("timed out after")
                || message.contains("to return within");
    }

    /** Whether {@code tests} has no behaviour test (a kata without one cannot be solved). */
    private static boolean noBehaviourTest(List<Test> tests) {
        return tests.stream().noneMatch(t -> t.kind() == Kind.BEHAVIOUR);
    }

    /** Why the classes in {@code output} are not those of {@code sources}, or null when they are. */
    private static String notCompiled(Path sources, Path output, String label) {
        if (!Files.isDirectory(output)) {
            return "no compiled classes from " + label;
        }
        FileTime newestSource = newest(sources, ".java");
        FileTime newestClass = newest(output, ".class");
        if (newestSource != null && (newestClass == null || newestSource.compareTo(newestClass) > 0)) {
            return label + " changed after its last successful compile";
        }
        return null;
    }

    private static FileTime newest(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(suffix)).map(Scoreboard::modified)
                    .max(Comparator.naturalOrder()).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** Whether {@code path} (or, for a folder, anything in it) was written since {@code since} (any time when null). */
    private static boolean writtenSince(Path path, Instant since) {
        if (since == null) {
            return true;
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.anyMatch(f -> !modified(f).toInstant().isBefore(since));
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> reportFiles(Path reports) {
        if (!Files.isDirectory(reports)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(reports)) {
            return files.filter(f -> f.getFileName().toString().matches("TEST-.+\\.xml")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** A test class as JUnit discovered it: its kind and its methods' kinds and display names. */
    record TestClass(String name, Kind kind, Map<String, Method> methods) {
    }

    record Method(Kind kind, String display) {
    }

    private static Kind byConvention(String className) {
        String simple = simple(className);
        return simple.equals("RulesTest") ? Kind.RULE : simple.contains("Bonus") ? Kind.BONUS : Kind.BEHAVIOUR;
    }

    private static Kind kind(Set<TestTag> tags) {
        Set<String> names = new TreeSet<>();
        tags.forEach(t -> names.add(t.getName()));
        return names.contains("rules") ? Kind.RULE : names.contains("bonus") ? Kind.BONUS : Kind.BEHAVIOUR;
    }

    /** The kata's test classes in the order JUnit runs them, or null when discovery failed. */
    private Map<String, TestClass> discover(Path classes, Path testClasses) {
        Thread self = Thread.currentThread();
        ClassLoader previous = self.getContextClassLoader();
        try {
            URLClassLoader loader = new URLClassLoader(new URL[] {testClasses.toUri().toURL(), classes.toUri().toURL()},
                    Scoreboard.class.getClassLoader());
            self.setContextClassLoader(loader); // JUnit loads the tests and reads its configuration through it
            if (launcher == null) {
                launcher = LauncherFactory.create();
            }
            LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClasspathRoots(Set.of(testClasses)));
            if (!groups.isEmpty()) {
                request.filters(TagFilter.includeTags(groups));
            }
            if (!excludedGroups.isEmpty()) {
                request.filters(TagFilter.excludeTags(excludedGroups));
            }
            TestPlan plan = launcher.discover(request.build());
            Map<String, TestClass> result = new LinkedHashMap<>();
            for (TestIdentifier engine : plan.getRoots()) {
                collect(plan, engine, result);
            }
            return result;
        } catch (Throwable t) {
            return null;
        } finally {
            self.setContextClassLoader(previous);
        }
    }

    private static void collect(TestPlan plan, TestIdentifier id, Map<String, TestClass> result) {
        for (TestIdentifier child : plan.getChildren(id)) {
            if (child.getSource().orElse(null) instanceof ClassSource c) {
                Map<String, Method> methods = new LinkedHashMap<>();
                for (TestIdentifier m : plan.getChildren(child)) {
                    if (m.getSource().orElse(null) instanceof MethodSource ms) {
                        Set<TestTag> tags = new java.util.HashSet<>(m.getTags());
                        tags.addAll(child.getTags());
                        methods.putIfAbsent(ms.getMethodName(), new Method(kind(tags), m.getDisplayName()));
                    }
                }
                if (!methods.isEmpty()) {
                    result.putIfAbsent(c.getClassName(), new TestClass(c.getClassName(), kind(child.getTags()), methods));
                }
                collect(plan, child, result); // @Nested classes
            } else {
                collect(plan, child, result);
            }
        }
    }

    /**
     * The display names of a test class's parameterized invocations and dynamic tests, by the name
     * Surefire's report gives them ({@code returnsEveryFriend(int)[1]} → {@code 0 friends}), as
     * support's {@code InvocationNames} listener wrote them during the kata's test run into
     * {@code target/invocation-names/<class>.properties}; empty when there is no such file from
     * this build (the report then names them by index).
     */
    static Map<String, String> invocationNames(Path target, String className, Instant since) {
        Path file = target.resolve(INVOCATION_NAMES).resolve(className + ".properties");
        if (!Files.isRegularFile(file) || !writtenSince(file, since)) {
            return Map.of();
        }
        Properties names = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            names.load(in);
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        names.stringPropertyNames().forEach(n -> result.put(n, names.getProperty(n)));
        return result;
    }

    /**
     * Adds the report's tests to {@code tests} and returns the class's time in seconds. A test the
     * report names by index ({@code returnsEveryFriend(int)[1]}, {@code rules()[2]}) is named by its
     * display name when {@code names} has it ({@code returnsEveryFriend[0 friends]}), as the grader
     * names it, else by the index ({@code returnsEveryFriend[1]}).
     */
    private static double read(Path report, TestClass c, Map<String, String> names, List<Test> tests) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Element suite = factory.newDocumentBuilder().parse(report.toFile()).getDocumentElement();
        NodeList cases = suite.getElementsByTagName("testcase");
        double sum = 0;
        for (int i = 0; i < cases.getLength(); i++) {
            Element tc = (Element) cases.item(i);
            String name = tc.getAttribute("name");
            int cut = indexOfAny(name, "([");
            String method = cut < 0 ? name : name.substring(0, cut);
            String dynamic = name.contains("[") ? name.substring(name.indexOf('[')) : "";
            String display = names.get(name);
            if (!dynamic.isEmpty() && display != null && !display.isBlank()) {
                dynamic = "[" + display.strip().replaceAll("\\s+", " ") + "]";
            }
            Method m = c.methods().get(method);
            Kind kind = m != null ? m.kind() : c.methods().isEmpty() ? c.kind() : byConvention(c.name());
            Element problem = first(tc, "failure");
            if (problem == null) {
                problem = first(tc, "error");
            }
            boolean skipped = first(tc, "skipped") != null;
            String message = "";
            boolean timedOut = false;
            if (problem != null) {
                String type = problem.getAttribute("type");
                message = problem.getAttribute("message");
                if (message.isBlank()) {
                    message = problem.getTextContent().strip();
                }
                if (message.isBlank()) {
                    message = type;
                }
                timedOut = timedOut(type, message);
            }
            double seconds = parse(tc.getAttribute("time"));
            sum += seconds;
            tests.add(new Test(c.name(), method + dynamic, m == null ? "" : m.display(), kind,
                    problem == null && !skipped, skipped, timedOut, message, seconds));
        }
        double suiteTime = parse(suite.getAttribute("time"));
        return suiteTime > 0 ? suiteTime : sum;
    }

    private static Element first(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : (Element) nodes.item(0);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static double parse(String number) {
        try {
            return number.isBlank() ? 0 : Double.parseDouble(number.replace(",", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static String firstLine(String text) {
        String s = text.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).strip();
    }

    /** {@code line} wrapped at {@code width}, every piece keeping its indentation (at most 4 spaces). */
    private static List<String> indented(String line, int width) {
        String text = line.strip();
        String indent = " ".repeat(Math.min(4, line.indexOf(text)));
        return wrap(text, width - indent.length(), Integer.MAX_VALUE).stream().map(l -> indent + l).toList();
    }

    /** {@code text} in lines of at most {@code width} characters, broken at spaces, at most {@code max} lines. */
    private static List<String> wrap(String text, int width, int max) {
        List<String> lines = new ArrayList<>();
        String rest = text;
        while (rest.length() > width && lines.size() < max - 1) {
            int space = rest.lastIndexOf(' ', width);
            int at = space > width / 2 ? space : width;
            lines.add(rest.substring(0, at).strip());
            rest = rest.substring(at).strip();
        }
        lines.add(cut(rest, width));
        return lines;
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}

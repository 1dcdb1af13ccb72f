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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The learner's scoreboard, printed at the end of {@code mvn verify} (the tools module is the
 * reactor's last module and depends on no kata, so with fail-at-end it runs even when katas fail):
 * a row per kata in the catalog's order with its behaviour tests passed, its points, its test time
 * and its status, then what to do next.
 *
 * <p>It reads what the build left behind: {@code katas/NN-name/target/classes},
 * {@code target/test-classes} and Surefire's {@code target/surefire-reports/TEST-*.xml}
 * ({@code testcase} elements, their {@code failure}/{@code error}/{@code skipped} children and
 * {@code time} attributes). Which test classes a kata has, in which order JUnit runs them, and
 * their tags come from a JUnit discovery over the kata's compiled tests (discovery loads the
 * classes but runs no kata code); Surefire's XML has no tags. Should discovery fail, the reports are
 * read in file-name order and the naming convention decides: rule tests live in classes named
 * {@code RulesTest}, bonus tests in classes whose name contains {@code Bonus}.
 *
 * <p>Status of a kata, first rule that applies:
 * <ul>
 *   <li><b>not built</b>: nothing under its {@code target/} was written by this build (another
 *       module's failure skipped it, or {@code -pl} left it out: such katas are listed on one line
 *       under the table instead of as rows);</li>
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
 * the tests column, but a broken rule keeps a kata from being solved.
 *
 * <p>Usage: {@code Scoreboard <repository root> [<build start, ISO-8601 instant>]}. Without a build
 * start every kata with a {@code target/} folder counts as built. It never fails the build: it
 * exits 0 whatever it finds (Maven's fail-at-end makes {@code mvn verify} fail while a kata's tests
 * fail).
 */
public final class Scoreboard {
    private static final String LINE = "-".repeat(72);

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

    private final Path root;
    private final Instant since;
    private final Catalog catalog;
    private Launcher launcher;

    private Scoreboard(Path root, Instant since, Catalog catalog) {
        this.root = root;
        this.since = since;
        this.catalog = catalog;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try {
            Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
            Scoreboard board = new Scoreboard(root, buildStart(args.length > 1 ? args[1] : ""), Catalog.load(root));
            board.print(out);
        } catch (Throwable t) {
            out.println("scoreboard: could not be computed (" + t + "); the build's own output above is complete.");
        }
        out.flush();
        // Never fail the build, and never wait for a thread something in discovery may have started.
        System.exit(0);
    }

    private static Instant buildStart(String arg) {
        try {
            return arg.isBlank() ? null : Instant.parse(arg.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    void print(PrintStream out) {
        List<Row> rows = new ArrayList<>();
        List<String> notBuilt = new ArrayList<>();
        for (Catalog.Kata kata : catalog.katas()) {
            Row row = row(kata);
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
            out.println("(or one kata: `mvn verify -pl katas/NN-name,tools -am`), and if a shared module");
            out.println("(story, support) failed, read its errors above.");
            out.println(LINE);
            return;
        }
        out.println(String.format(Locale.ROOT, "%-2s  %-17s %7s  %7s  %7s  %s", "#", "kata", "tests", "points", "time",
                "status"));
        long tests = 0, testsPassed = 0;
        int points = 0, maxPoints = 0;
        double seconds = 0;
        for (Row r : rows) {
            boolean compiled = r.status() != Status.DOES_NOT_COMPILE;
            String number = r.kata().id().substring(0, 2);
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
        }
        long solved = rows.stream().filter(r -> r.status() == Status.SOLVED).count();
        out.println(String.format(Locale.ROOT, "%-2s  %-17s %7s  %7s  %7s  %s", "", "total", testsPassed + "/" + tests,
                points + "/" + maxPoints, String.format(Locale.ROOT, "%.1f s", seconds),
                solved + " of " + rows.size() + " solved"));
        for (Row r : rows) {
            List<Test> bonus = r.of(Kind.BONUS);
            if (!bonus.isEmpty()) {
                out.println("bonus " + r.kata().id() + ": " + r.passed(Kind.BONUS) + "/" + bonus.size()
                        + " tests (scored apart; its failures still turn the build red)");
            }
        }
        if (!notBuilt.isEmpty()) {
            out.println("not in this build: " + String.join(", ", notBuilt)
                    + (notBuilt.size() > 2 ? "\n  (`mvn verify` runs every kata)" : ""));
        }
        out.println(LINE);
        Optional<Row> next = rows.stream().filter(r -> r.status() != Status.SOLVED).findFirst();
        if (next.isEmpty()) {
            out.println(notBuilt.isEmpty() ? "Every kata is solved. Well done!"
                    : "Every kata of this build is solved. Next: " + notBuilt.getFirst() + ".");
        } else {
            printNext(out, next.get());
        }
        out.println(LINE);
    }

    private void printNext(PrintStream out, Row r) {
        String id = r.kata().id();
        switch (r.status()) {
            case DOES_NOT_COMPILE -> {
                out.println("Next: " + id + " does not compile: " + r.detail() + ".");
                out.println("  Fix the compiler errors Maven printed for it above (look for COMPILATION ERROR).");
            }
            case CRASHED -> {
                out.println("Next: " + id + ": its test JVM died; no report for " + String.join(", ", r.crashedClasses())
                        + ".");
                out.println("  Something ended the JVM (System.exit?) or it crashed; see Surefire's message above.");
                out.println("  Kata code must report failures by throwing, never end the JVM.");
            }
            default -> {
                Optional<Test> failing = r.tests().stream().filter(t -> t.kind() != Kind.BONUS)
                        .filter(t -> !t.passed() && !t.skipped()).findFirst();
                if (failing.isEmpty()) {
                    out.println("Next: " + id + " (no failing test in its reports; see the build output above).");
                    return;
                }
                Test t = failing.get();
                out.println("Next: " + id + ", test " + t.key());
                if (!t.display().isBlank() && !t.display().equals(t.method()) && !t.display().equals(t.method() + "()")) {
                    out.println("  \"" + cut(t.display(), 94) + "\"");
                }
                for (String line : wrap(firstLine(t.message()), 96, 3)) {
                    out.println("  " + line);
                }
                String hint = hintIn(t.message(), id);
                out.println("  " + (hint != null ? "Read " + hint : "Read the next hint: mvn -q -Phint -Dkata=" + id.substring(0, 2))
                        + (t.kind() == Kind.RULE ? " (a rule: the code itself breaks it)" : ""));
            }
        }
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

    private Row row(Catalog.Kata kata) {
        Path dir = root.resolve("katas").resolve(kata.id());
        Path target = dir.resolve("target");
        if (!Files.isDirectory(target) || !writtenSince(target)) {
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
            if (!Files.isRegularFile(report) || !writtenSince(report)) {
                crashed.add(simple(c.name()));
                continue;
            }
            try {
                seconds += read(report, c, tests);
            } catch (Exception e) {
                crashed.add(simple(c.name()) + " (unreadable report: " + e.getMessage() + ")");
            }
        }
        // Reports of classes discovery did not name (it could not load them): read them too.
        for (Path report : reportFiles(reports)) {
            String name = report.getFileName().toString();
            String className = name.substring("TEST-".length(), name.length() - ".xml".length());
            if (!plan.containsKey(className) && writtenSince(report)) {
                try {
                    seconds += read(report, new TestClass(className, byConvention(className), Map.of()), tests);
                } catch (Exception e) {
                    crashed.add(simple(className) + " (unreadable report: " + e.getMessage() + ")");
                }
            }
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

    /** Whether this build wrote {@code path} (or, for a folder, anything in it). */
    private boolean writtenSince(Path path) {
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
            TestPlan plan = launcher.discover(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClasspathRoots(Set.of(testClasses))).build());
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

    /** Adds the report's tests to {@code tests} and returns the class's time in seconds. */
    private static double read(Path report, TestClass c, List<Test> tests) throws Exception {
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

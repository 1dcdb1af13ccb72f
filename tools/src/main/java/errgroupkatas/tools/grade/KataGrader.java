package errgroupkatas.tools.grade;

import errgroupkatas.tools.Catalog;
import errgroupkatas.tools.ConfinedKataRun;
import errgroupkatas.tools.ForkedKataRun;
import errgroupkatas.tools.TestResult;
import errgroupkatas.tools.grade.KataGrade.Kind;
import errgroupkatas.tools.grade.KataGrade.Status;
import errgroupkatas.tools.grade.KataGrade.TestGrade;
import errgroupkatas.tools.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Grades one kata of a submission:
 * <ol>
 *   <li>compiles the submission's {@code katas/NN-name/src/main/java} (against the tools' classpath,
 *       which holds the pristine story and support modules);</li>
 *   <li>compiles the <em>pristine</em> kata tests against those classes; a compile error in either
 *       step makes the kata {@link Status#DOES_NOT_COMPILE};</li>
 *   <li>reads the submission's classes ({@link ClassFileScan}) and {@link Status#REFUSED refuses} them,
 *       before any runs, for an API kata code may not use, a class outside the kata's package or a
 *       class with a test's name; sources that are symbolic links are refused before compiling;</li>
 *   <li>runs, in one fresh JVM in the sandbox, killed at the kata timeout ({@link ConfinedKataRun}), the
 *       tests against the pristine stub first and then against the submission (only what passed the
 *       scan runs: the scan keeps kata code from the APIs that could read the run's result key or
 *       escape the JVM, the sandbox confines what is left). The stub's run is
 *       quick (every stub method throws at once) and lists every test the kata has, parameterised
 *       and dynamic ones included: it is what the points are counted out of, even when the
 *       submission's run never ends;</li>
 *   <li>scores the submission's results with the catalog's points.</li>
 * </ol>
 * Work files go under {@code <work>/}: the compiled classes (the tests in {@code target/test-classes}),
 * javac's logs, the plan and the JVM's output ({@code all.output.log}, capped); the results come
 * back over the JVM's standard output, never through a file kata code could write.
 */
final class KataGrader {

    private static final String STUB = "stub";
    private static final String SUBMISSION = "submission";
    /** How many lines of javac's output a "does not compile" grade quotes. */
    private static final int COMPILER_LINES = 12;

    /** How many refusals a "refused" grade quotes. */
    private static final int REFUSAL_LINES = 20;

    private final Catalog catalog;
    private final Path pristine;
    private final Path submission;
    private final Duration kataTimeout;
    private final Sandbox sandbox;
    private final List<String> symlinks;
    private final Map<Path, String> redactions;

    /**
     * @param catalog     the pristine catalog (points, titles)
     * @param pristine    the instructor's repository: the tests and stubs come from there
     * @param submission  the learner's repository: only {@code katas/NN-name/src/main/java} is read
     * @param kataTimeout how long a kata's test JVM may run before it is killed
     * @param sandbox     where the kata's test JVMs run
     * @param symlinks    the submission's symbolic links ({@link SubmissionFiles#symlinks}): a kata
     *                    whose sources have one is refused, never compiled
     * @param redactions  the grader's absolute paths and what the report says instead
     *                    ({@link SubmissionFiles#redact}), applied to every problem and message
     */
    KataGrader(Catalog catalog, Path pristine, Path submission, Duration kataTimeout, Sandbox sandbox,
            List<String> symlinks, Map<Path, String> redactions) {
        this.catalog = catalog;
        this.pristine = pristine;
        this.submission = submission;
        this.kataTimeout = kataTimeout;
        this.sandbox = sandbox;
        this.symlinks = List.copyOf(symlinks);
        this.redactions = Map.copyOf(redactions);
    }

    /**
     * Grades {@code kata}, whatever its code does.
     *
     * @throws IllegalStateException the pristine repository itself is broken (its stub or its tests
     *                               do not compile): grading failed, this is not the learner's fault
     * @throws KataNotGraded         the run against the stub left no complete results; its message
     *                               says whether the submission's code caused that
     */
    KataGrade grade(Catalog.Kata kata, Path work) throws IOException, InterruptedException {
        long start = System.nanoTime();
        String id = kata.id();
        SubmissionFiles.realFolder(submission, work); // a committed link there is removed, never followed
        ForkedKataRun.deleteRecursively(work);
        Files.createDirectories(work);
        Path pristineKata = pristine.resolve("katas").resolve(id);
        Path tests = pristineKata.resolve("src/test/java");
        Path stubClasses = work.resolve("stub-classes");
        compilePristine(id + " stub (pristine)", List.of(pristineKata.resolve("src/main/java")), List.of(), stubClasses);

        Path submissionClasses = work.resolve("submission-classes");
        // ArchUnit's DO_NOT_INCLUDE_TESTS, which the rule tests use, knows test classes by the path
        // Maven gives them: .../target/test-classes/.
        Path testClasses = work.resolve("target/test-classes");
        String sources = "katas/" + id + "/src/main/java";
        List<String> links = SubmissionFiles.linksAtOrUnder(symlinks, sources);
        if (!links.isEmpty()) {
            // Never compiled: javac would read what the link points at (the reference solution, or a
            // secret it then quotes in its error).
            return stubOnly(kata, Status.REFUSED, "refused: your " + sources + " has symbolic links, and the grader"
                    + " follows no link in a submission (commit the files themselves): " + String.join(", ", links),
                    pristineKata, stubClasses, testClasses, work, start);
        }
        String compileError = "";
        try {
            ForkedKataRun.compile(id + " (submission)", List.of(submission.resolve("katas").resolve(id)
                    .resolve("src/main/java")), List.of(), submissionClasses);
        } catch (IllegalStateException e) {
            compileError = "your katas/" + id + "/src/main/java does not compile:\n" + javacLines(e.getMessage());
        }
        if (compileError.isEmpty()) {
            try {
                ForkedKataRun.compile(id + " tests", List.of(tests), List.of(submissionClasses), testClasses);
            } catch (IllegalStateException e) {
                compileError = "the kata's tests do not compile against your code (did you change a public"
                        + " signature?):\n" + javacLines(e.getMessage());
            }
        }
        if (!compileError.isEmpty()) {
            return stubOnly(kata, Status.DOES_NOT_COMPILE, compileError, pristineKata, stubClasses, testClasses, work,
                    start);
        }
        // Before any of its code runs: the API it uses, its packages, no test's name.
        List<String> refusals = ClassFileScan.refusals(submissionClasses, ClassFileScan.packages(stubClasses),
                ClassFileScan.classNames(testClasses));
        if (!refusals.isEmpty()) {
            String quoted = refusals.stream().limit(REFUSAL_LINES).collect(Collectors.joining("\n"))
                    + (refusals.size() > REFUSAL_LINES ? "\n… (" + (refusals.size() - REFUSAL_LINES) + " more)" : "");
            return stubOnly(kata, Status.REFUSED, "refused before it ran: your code uses what kata code may not"
                    + " (RulesTest's rule \"uses only the katas' API\" says so too; see the README's rules):\n"
                    + quoted, pristineKata, stubClasses, testClasses, work, start);
        }
        copyTestResources(pristineKata, testClasses);
        ConfinedKataRun.Result confined = new ConfinedKataRun(testClasses, work, sandbox).run(List.of(
                stub(stubClasses), new ForkedKataRun.Variant(SUBMISSION, List.of(submissionClasses), List.of())),
                kataTimeout);
        KataGrade grade = graded(kata, confined.outcomes(), start);
        for (String note : confined.notes()) {
            grade = grade.withNote(redact(note));
        }
        return grade;
    }

    /** The grade from the runs' outcomes. */
    private KataGrade graded(Catalog.Kata kata, Map<String, ForkedKataRun.Outcome> outcomes, long start) {
        String id = kata.id();
        ForkedKataRun.Outcome run = outcomes.get(SUBMISSION);
        List<TestResult> expected = expectedTests(id, outcomes.get(STUB), run);
        List<TestResult> results = run.results().results();
        if (run.timedOut()) {
            return notGraded(kata, Status.TIMED_OUT, "the test JVM ran longer than the kata timeout ("
                    + kataTimeout.toSeconds() + " s) and was killed after " + finished(results, expected)
                    + ": something blocks or spins and ignores interrupts (see " + redact(run.log()) + ")",
                    expected, results, start);
        }
        if (run.crashed()) {
            return notGraded(kata, Status.CRASHED, "the test JVM " + run.problem() + " after "
                    + finished(results, expected) + ": kata code ended the JVM (System.exit, Runtime.halt)"
                    + " or broke it" + firstError(run.log()) + " (see " + redact(run.log()) + ")", expected, results,
                    start);
        }
        List<TestGrade> graded = score(id, expected, results, true);
        List<String> brokenRules = graded.stream().filter(t -> t.kind() == Kind.RULE && !t.passed())
                .map(TestGrade::display).toList();
        List<TestGrade> behaviour = graded.stream().filter(t -> t.kind() == Kind.BEHAVIOUR).toList();
        long passing = behaviour.stream().filter(TestGrade::passed).count();
        // A broken rule keeps an otherwise complete kata "in progress".
        Status status = passing == behaviour.size() && brokenRules.isEmpty() ? Status.SOLVED
                : passing > 0 ? Status.IN_PROGRESS : Status.NOT_STARTED;
        return kataGrade(kata, status, "", brokenRules, graded, start);
    }

    /** How {@link #missedDeadlines} names a test JVM killed at the kata timeout. */
    static final String KATA_TIMEOUT = "the kata timeout";

    /** Failure messages of tests that missed a deadline or a time limit, rather than got a wrong answer. */
    private static final java.util.regex.Pattern MISSED_DEADLINE = java.util.regex.Pattern.compile(
            "TimeoutException|timed out|within \\d+ ?(ms|s)\\b|[Ww]aited \\d+ ?ms|deadline");

    /**
     * What in {@code grade} may be the machine's load rather than the submission: the behaviour and
     * bonus tests that failed with a missed deadline or time limit, and {@value #KATA_TIMEOUT} when the
     * test JVM was killed for time. Empty when nothing timed out.
     */
    static List<String> missedDeadlines(KataGrade grade) {
        List<String> missed = new ArrayList<>();
        if (grade.status() == Status.TIMED_OUT) {
            missed.add(KATA_TIMEOUT);
        }
        grade.tests().stream().filter(t -> t.kind() != Kind.RULE && !t.passed())
                .filter(t -> MISSED_DEADLINE.matcher(t.message()).find()).forEach(t -> missed.add(t.key()));
        return missed;
    }

    private static ForkedKataRun.Variant stub(Path stubClasses) {
        return new ForkedKataRun.Variant(STUB, List.of(stubClasses), List.of());
    }

    /**
     * Grades a kata none of whose code runs (it does not compile, or it is refused): the run against
     * the pristine stub alone lists the kata's tests, every one {@link TestGrade#NOT_RUN}.
     */
    private KataGrade stubOnly(Catalog.Kata kata, Status status, String problem, Path pristineKata, Path stubClasses,
            Path testClasses, Path work, long start) throws IOException, InterruptedException {
        compilePristine(kata.id() + " tests against the stub", List.of(pristineKata.resolve("src/test/java")),
                List.of(stubClasses), testClasses);
        copyTestResources(pristineKata, testClasses);
        Map<String, ForkedKataRun.Outcome> outcomes = new ConfinedKataRun(testClasses, work, sandbox)
                .run(List.of(stub(stubClasses)), kataTimeout).outcomes();
        List<TestResult> expected = expectedTests(kata.id(), outcomes.get(STUB), null);
        return notGraded(kata, status, problem, expected, List.of(), start);
    }

    /**
     * The kata's tests, from the run against its pristine stub.
     *
     * @param submissionRun the submission's run in the same JVM, or null when there was none
     * @throws KataNotGraded the stub's results are missing or incomplete; when the run went on to
     *                       the submission, its code must have removed or changed them
     */
    private List<TestResult> expectedTests(String id, ForkedKataRun.Outcome stubRun,
            ForkedKataRun.Outcome submissionRun) {
        // The stub runs first: a submission that kills the JVM later does not touch its results.
        if (!stubRun.results().finished() || stubRun.results().results().isEmpty()) {
            boolean submissionRan = submissionRun != null && !submissionRun.results().results().isEmpty();
            if (submissionRan) {
                throw new KataNotGraded("not graded: the results of the run against the pristine stub, which ends"
                        + " before your code starts, are missing or cut short after your code ran: kata code must"
                        + " have removed or changed them, so this kata's tests cannot be counted (see "
                        + redact(stubRun.log()) + ")");
            }
            throw new KataNotGraded("not graded: the run against the pristine stub did not finish (the test JVM "
                    + (stubRun.crashed() ? stubRun.problem() : "ran no test") + "), before any of your code ran:"
                    + " a fault of the grading machine, not of your code; grade again (see "
                    + redact(stubRun.log()) + ")");
        }
        return stubRun.results().results();
    }

    /** A kata that cannot be graded; its message is the report's, for the learner to read. */
    static final class KataNotGraded extends RuntimeException {
        KataNotGraded(String message) {
            super(message);
        }
    }

    private String redact(Object text) {
        return SubmissionFiles.redact(String.valueOf(text), redactions);
    }

    private KataGrade notGraded(Catalog.Kata kata, Status status, String problem, List<TestResult> expected,
            List<TestResult> results, long start) {
        return kataGrade(kata, status, redact(problem), List.of(), score(kata.id(), expected, results, false), start);
    }

    private static KataGrade kataGrade(Catalog.Kata kata, Status status, String problem, List<String> brokenRules,
            List<TestGrade> tests, long start) {
        int points = sum(tests, Kind.BEHAVIOUR, true);
        int max = sum(tests, Kind.BEHAVIOUR, false);
        int bonus = sum(tests, Kind.BONUS, true);
        int maxBonus = sum(tests, Kind.BONUS, false);
        return new KataGrade(kata.id(), kata.title(), status, problem, points, max, bonus, maxBonus,
                List.copyOf(brokenRules), List.copyOf(tests), Duration.ofNanos(System.nanoTime() - start));
    }

    private static int sum(List<TestGrade> tests, Kind kind, boolean earned) {
        return tests.stream().filter(t -> t.kind() == kind).mapToInt(t -> earned ? t.points() : t.maxPoints()).sum();
    }

    /**
     * A grade per expected test: its result in the submission's run ({@link TestGrade#NOT_RUN} when
     * the run never reached it), worth its points only if it passed and {@code scored}.
     */
    private List<TestGrade> score(String kata, List<TestResult> expected, List<TestResult> results, boolean scored) {
        Map<String, TestResult> byId = identify(results);
        List<TestGrade> graded = new ArrayList<>();
        identify(expected).forEach((testId, e) -> {
            Kind kind = e.isRule() ? Kind.RULE : e.tags().contains("bonus") ? Kind.BONUS : Kind.BEHAVIOUR;
            int max = catalog.points(kata, e.key(), kind == Kind.RULE);
            TestResult r = byId.get(testId);
            String status = r == null ? TestGrade.NOT_RUN : r.status();
            int points = scored && r != null && r.passed() ? max : 0;
            graded.add(new TestGrade(e.key(), e.display(), kind, status, points, max,
                    r == null ? "" : redact(r.message())));
        });
        return graded;
    }

    /** Results by key and display name (a parameterised test's invocations share a key), in run order. */
    private static Map<String, TestResult> identify(List<TestResult> results) {
        Map<String, TestResult> byId = new LinkedHashMap<>();
        for (TestResult r : results) {
            String base = r.key() + "\u0000" + r.display();
            String testId = base;
            for (int n = 2; byId.containsKey(testId); n++) {
                testId = base + "\u0000" + n;
            }
            byId.put(testId, r);
        }
        return byId;
    }

    private static String finished(List<TestResult> results, List<TestResult> expected) {
        return results.size() + " of " + expected.size() + " tests had finished";
    }

    private static void compilePristine(String name, List<Path> sources, List<Path> classpath, Path classes)
            throws IOException {
        try {
            ForkedKataRun.compile(name, sources, classpath, classes);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("the pristine repository is broken: " + e.getMessage(), e);
        }
    }

    private static void copyTestResources(Path pristineKata, Path testClasses) throws IOException {
        Path resources = pristineKata.resolve("src/test/resources");
        if (!Files.isDirectory(resources)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(resources)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                Path target = testClasses.resolve(resources.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * javac's output from a {@link ForkedKataRun#compile} failure (its first line, "X does not
     * compile:", dropped), cut to its first lines, with the repositories' paths made relative.
     */
    private String javacLines(String message) {
        List<String> lines = message.lines().skip(1).toList();
        String text = lines.stream().limit(COMPILER_LINES).collect(Collectors.joining("\n"));
        if (lines.size() > COMPILER_LINES) {
            text += "\n… (" + (lines.size() - COMPILER_LINES) + " more lines)";
        }
        return text.replace(submission.toString() + "/", "").replace(pristine.toString() + "/", "");
    }

    /** The first error the test JVM printed (e.g. an OutOfMemoryError that ended the run), if any. */
    private static String firstError(Path log) {
        try (Stream<String> lines = Files.exists(log) ? Files.lines(log) : Stream.empty()) {
            return lines.filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                    .filter(l -> l.contains("Error") || l.contains("Exception")).findFirst()
                    .map(l -> "; it printed: " + (l.length() > 300 ? l.substring(0, 300) + "…" : l)).orElse("");
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }
}

package errgroupkatas.tools.grade;

import errgroupkatas.tools.Catalog;
import errgroupkatas.tools.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The instructor's grader: grades every kata of a submission to the end, whatever the submission
 * does, and writes {@code grade.json} and {@code grade.md}.
 *
 * <p>Usage: {@code Grade <submission dir> [--pristine <dir>] [--baseline <dir>] [--out <dir>] [--kata-timeout <seconds>]
 * [--unsafe-no-sandbox]}.
 * The pristine repository (default: the working directory) is the instructor's: the catalog, the
 * kata tests, the stubs, and, through the tools' own classpath, the support and story modules
 * come from there; of the submission only each {@code katas/NN-name/src/main/java} is used. The
 * reports go to {@code --out} (default {@code <submission>/target/grade}); a kata's test JVM is
 * killed after {@code --kata-timeout} seconds (default 120). The tamper check compares the
 * submission's tests, support, story, tools, poms and {@code .mvn} with {@code --baseline}, the
 * tree the learner was given (default: the pristine repository; for an exported learners' copy,
 * pass the export, which {@code bin/grade} makes itself), so that what the export leaves out or
 * cuts is not reported as tampering.
 *
 * <p>Every kata is graded at once, each in JVMs of its own ({@link KataGrader}), so the wall time
 * is about the compile time plus the slowest kata, and never much more than the kata timeout. A
 * kata that does not compile, is refused (an API kata code may not use, a class outside its
 * package or named like a test, a symbolic link), crashes its JVM (System.exit) or outlives the
 * timeout scores 0 and does not affect the others; so does a kata whose grading fails ("not
 * graded"), and the report is still written. The grader follows no symbolic link in the submission
 * and prints none of its absolute paths in the reports ({@link SubmissionFiles}). Exit code 0 when
 * the grade was written, whatever it is; 2 when grading itself failed (bad arguments, a harness not
 * built from the pristine repository, see {@link Harness}, no sandbox).
 *
 * <p>A submission's classes are scanned before any of them runs ({@link ClassFileScan}); what passes
 * the scan runs in a {@link Sandbox} ({@link Sandbox#detect}: bubblewrap), every kata's test JVM.
 * Without one the grader refuses to grade, unless {@code --unsafe-no-sandbox} is given; the reports
 * say which sandbox ran. A kata that missed a deadline (a test failed for time, or its JVM was
 * killed at the kata timeout) is graded again, alone, once, after the others: that second grade
 * counts, and the report says so.
 */
public final class Grade {

    /** The default time limit of each kata's test JVM. */
    public static final Duration DEFAULT_KATA_TIMEOUT = Duration.ofSeconds(120);

    private Grade() {
    }

    public static void main(String[] args) {
        try {
            Options o = Options.parse(args);
            Harness.requireBuiltFrom(o.pristine());
            Sandbox sandbox;
            try {
                sandbox = o.unsafeNoSandbox() ? Sandbox.none() : sandbox();
            } catch (IllegalStateException e) {
                System.err.println("grade: " + e.getMessage());
                System.exit(2);
                return;
            }
            GradeReport report = grade(o.submission(), o.pristine(), o.baseline(), o.out(), o.kataTimeout(), sandbox);
            for (KataGrade k : report.katas()) {
                System.out.printf(Locale.ROOT, "grade %-18s %-16s %3d / %-3d%s%n", k.id(), k.status().label(),
                        k.points(), k.maxPoints(), k.maxBonusPoints() > 0
                                ? "  bonus " + k.bonusPoints() + " / " + k.maxBonusPoints() : "");
            }
            if (!report.tamper().clean()) {
                System.out.println("tamper: " + report.tamper().changed().size() + " changed, "
                        + report.tamper().added().size() + " added, " + report.tamper().missing().size()
                        + " missing (the pristine tests were used; see grade.md)");
            }
            System.out.println("grade: " + report.totalsLine());
            System.out.printf(Locale.ROOT, "grade: reports in %s (grade.md, grade.json), %.1f s%n", o.out(),
                    report.wallTime().toMillis() / 1000.0);
            System.out.flush();
            System.exit(0);
        } catch (IllegalArgumentException e) {
            System.err.println("grade: " + e.getMessage());
            System.err.println("usage: Grade <submission dir> [--pristine <dir>] [--baseline <dir>] [--out <dir>]"
                    + " [--kata-timeout <seconds>] [--unsafe-no-sandbox]");
            System.exit(2);
        } catch (Exception e) {
            System.err.println("grade: grading failed: " + e);
            e.printStackTrace();
            System.exit(2);
        }
    }

    /** The command line, resolved to absolute paths. */
    record Options(Path submission, Path pristine, Path baseline, Path out, Duration kataTimeout,
            boolean unsafeNoSandbox) {

        static Options parse(String[] args) {
            boolean unsafeNoSandbox = false;
            Path submission = null;
            Path pristine = Path.of("");
            Path out = null;
            Path baseline = null;
            Duration timeout = DEFAULT_KATA_TIMEOUT;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--pristine" -> pristine = Path.of(value(args, ++i, a));
                    case "--out" -> out = Path.of(value(args, ++i, a));
                    case "--baseline" -> baseline = Path.of(value(args, ++i, a));
                    case "--unsafe-no-sandbox" -> unsafeNoSandbox = true;
                    case "--kata-timeout" -> {
                        String v = value(args, ++i, a);
                        try {
                            timeout = Duration.ofSeconds(Long.parseLong(v));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--kata-timeout takes whole seconds, not " + v);
                        }
                        if (!timeout.isPositive()) {
                            throw new IllegalArgumentException("--kata-timeout must be positive, not " + v);
                        }
                    }
                    default -> {
                        if (a.startsWith("--") || submission != null) {
                            throw new IllegalArgumentException("unexpected argument " + a);
                        }
                        submission = Path.of(a);
                    }
                }
            }
            if (submission == null) {
                throw new IllegalArgumentException("name the submission to grade (a copy of the kata repository)");
            }
            submission = submission.toAbsolutePath().normalize();
            pristine = pristine.toAbsolutePath().normalize();
            out = (out == null ? submission.resolve("target/grade") : out).toAbsolutePath().normalize();
            baseline = (baseline == null ? pristine : baseline).toAbsolutePath().normalize();
            if (!Files.isDirectory(baseline)) {
                throw new IllegalArgumentException("--baseline " + baseline + " is not a folder");
            }
            if (!Files.isDirectory(submission.resolve("katas"))) {
                throw new IllegalArgumentException(submission + " has no katas/ folder: is it a kata repository?");
            }
            if (!Files.isRegularFile(pristine.resolve("katas/catalog.properties"))) {
                throw new IllegalArgumentException(pristine + " has no katas/catalog.properties: --pristine must be"
                        + " the instructor's repository");
            }
            return new Options(submission, pristine, baseline, out, timeout, unsafeNoSandbox);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }

    /** {@link #grade(Path, Path, Path, Path, Duration)} with the pristine repository as the tamper baseline. */
    public static GradeReport grade(Path submission, Path pristine, Path out, Duration kataTimeout)
            throws IOException, InterruptedException {
        return grade(submission, pristine, pristine, out, kataTimeout);
    }

    /** {@link #grade(Path, Path, Path, Path, Duration, Sandbox)} in {@link #sandbox() this machine's sandbox}. */
    public static GradeReport grade(Path submission, Path pristine, Path baseline, Path out, Duration kataTimeout)
            throws IOException, InterruptedException {
        return grade(submission, pristine, baseline, out, kataTimeout, sandbox());
    }

    /** The sandbox found by the first {@link #sandbox()} call (checking costs a JVM start). */
    private static volatile Sandbox detected;

    /**
     * The sandbox this machine offers (bubblewrap), checked once per JVM.
     *
     * @throws IllegalStateException there is none: the message says why, and that
     *                               {@code --unsafe-no-sandbox} grades without one
     */
    public static Sandbox sandbox() {
        Sandbox s = detected;
        if (s == null) {
            StringBuilder why = new StringBuilder();
            s = Sandbox.detect(why).orElseThrow(() -> new IllegalStateException("no sandbox to run kata code in: "
                    + why + ". Install bubblewrap, or pass --unsafe-no-sandbox to grade without one (kata code then"
                    + " runs as you, with your files and network, and can forge its results)"));
            detected = s;
        }
        return s;
    }

    /**
     * Grades {@code submission} against the {@code pristine} repository's catalog and tests, writes
     * {@code grade.json} and {@code grade.md} into {@code out} (work files under {@code out/work/}),
     * and returns the grade. Runs in this JVM, forking a test JVM per kata; blocks about as long as
     * the slowest kata (at most {@code kataTimeout} of test running, plus compiling). The tamper
     * check compares the submission with {@code baseline}. Every kata's test JVM runs in {@code sandbox};
     * a kata that {@linkplain KataGrader#missedDeadlines missed a deadline} is graded again, alone, once,
     * after the others, and that grade counts (its notes say so).
     *
     * <p>A kata whose grading fails (e.g. the pristine repository's stub does not compile) is
     * graded {@link KataGrade.Status#NOT_GRADED} with the reason; the others are graded and the
     * reports are written. Reports already in {@code out} are removed first.
     */
    public static GradeReport grade(Path submission, Path pristine, Path baseline, Path out, Duration kataTimeout,
            Sandbox sandbox) throws IOException, InterruptedException {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        Catalog catalog = Catalog.load(pristine);
        // No report from an earlier (or a forged, committed) grade survives a grading that fails,
        // and no link on the way to the output folder is followed.
        List<String> symlinks = SubmissionFiles.symlinks(submission);
        SubmissionFiles.realFolder(submission, out);
        SubmissionFiles.remove(out.resolve("grade.json"));
        SubmissionFiles.remove(out.resolve("grade.md"));
        SubmissionFiles.realFolder(submission, out.resolve("work"));
        TamperCheck.Report tamper = TamperCheck.compare(baseline, submission);
        Map<Path, String> redactions = redactions(submission, pristine, baseline, out);
        KataGrader grader = new KataGrader(catalog, pristine, submission, kataTimeout, sandbox, symlinks, redactions);
        List<KataGrade> katas = new ArrayList<>();
        // All katas at once, like the meta-check: a kata's JVM mostly waits (on deadlines, leak
        // checks, or a hostile submission's hang), so the cores are not the limit.
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, catalog.katas().size()));
        try {
            List<Future<KataGrade>> futures = new ArrayList<>();
            List<Long> starts = new ArrayList<>();
            for (Catalog.Kata kata : catalog.katas()) {
                starts.add(System.nanoTime());
                futures.add(pool.submit(() -> grader.grade(kata, out.resolve("work").resolve(kata.id()))));
            }
            for (int i = 0; i < futures.size(); i++) {
                try {
                    katas.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    // A kata whose grading fails is reported as such; the others are graded.
                    katas.add(notGraded(catalog.katas().get(i), e.getCause(), redactions, starts.get(i)));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        // A rerun whose grading fails is "not graded" too, like a first run's.
        DeadlineRerun.confirm(katas, catalog, kata -> {
            long rerunStart = System.nanoTime();
            try {
                return grader.grade(kata, out.resolve("work").resolve(kata.id() + ".rerun"));
            } catch (RuntimeException e) {
                return notGraded(kata, e, redactions, rerunStart);
            }
        });
        GradeReport report = new GradeReport(submission, pristine, baseline, List.copyOf(katas), tamper, jdk(), startedAt,
                Duration.ofNanos(System.nanoTime() - start), kataTimeout, sandbox.description(), symlinks);
        SubmissionFiles.realFolder(submission, out);
        write(out.resolve("grade.json"), GradeJson.of(report));
        write(out.resolve("grade.md"), GradeMarkdown.of(report));
        return report;
    }

    /** Writes a new {@code file}: whatever is there (a file, a link) is removed first, never followed. */
    private static void write(Path file, String text) throws IOException {
        SubmissionFiles.remove(file);
        Files.writeString(file, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** The grade of a kata whose grading failed: why, in words for the learner, and 0 points. */
    private static KataGrade notGraded(Catalog.Kata kata, Throwable failure, Map<Path, String> redactions, long start) {
        String problem = failure instanceof KataGrader.KataNotGraded ? failure.getMessage()
                : failure instanceof IllegalStateException && String.valueOf(failure.getMessage())
                        .startsWith("the pristine repository is broken") ? "not graded: " + failure.getMessage()
                : "not graded: grading this kata failed (" + failure + "), a fault of the grader, not of your code;"
                        + " grade again";
        return new KataGrade(kata.id(), kata.title(), KataGrade.Status.NOT_GRADED,
                SubmissionFiles.redact(problem, redactions), 0, 0, 0, 0, List.of(), List.of(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * The grader's absolute paths and what the reports say instead: the output folder is where the
     * reports are (its work files read {@code work/NN-name/...}), the others by their role.
     */
    private static Map<Path, String> redactions(Path submission, Path pristine, Path baseline, Path out) {
        Map<Path, String> names = new LinkedHashMap<>();
        names.put(Path.of(System.getProperty("user.home")), "~");
        names.put(Path.of(System.getProperty("java.home")), "<JDK>");
        names.put(Path.of(System.getProperty("java.io.tmpdir")), "<tmp>");
        names.put(baseline, "<baseline>");
        names.put(pristine, "<instructor's repository>");
        names.put(submission, "<submission>");
        names.put(out, "");
        return names;
    }

    private static String jdk() {
        return System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor") + ")";
    }
}

package errgroupkatas.tools.grade;

import errgroupkatas.tools.Catalog;
import errgroupkatas.tools.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * kata that does not compile, crashes its JVM (System.exit) or outlives the timeout scores 0 and
 * does not affect the others. Exit code 0 when the grade was written, whatever it is; 2 when
 * grading itself failed (bad arguments, a broken pristine repository, no sandbox).
 *
 * <p>Every kata's test JVM runs in a {@link Sandbox} ({@link Sandbox#detect}: bubblewrap). Without
 * one the grader refuses to grade, unless {@code --unsafe-no-sandbox} is given; the reports say
 * which sandbox ran. A kata that missed a deadline (a test failed for time, or its JVM was killed
 * at the kata timeout) is graded again, alone, once, after the others: that second grade counts,
 * and the report says so.
 */
public final class Grade {

    /** The default time limit of each kata's test JVM. */
    public static final Duration DEFAULT_KATA_TIMEOUT = Duration.ofSeconds(120);

    private Grade() {
    }

    public static void main(String[] args) {
        try {
            Options o = Options.parse(args);
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
     * @throws IllegalStateException the pristine repository is broken (grading failed; no report
     *                               is written)
     */
    public static GradeReport grade(Path submission, Path pristine, Path baseline, Path out, Duration kataTimeout,
            Sandbox sandbox) throws IOException, InterruptedException {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        Catalog catalog = Catalog.load(pristine);
        TamperCheck.Report tamper = TamperCheck.compare(baseline, submission);
        KataGrader grader = new KataGrader(catalog, pristine, submission, kataTimeout, sandbox);
        List<KataGrade> katas = new ArrayList<>();
        // All katas at once, like the meta-check: a kata's JVM mostly waits (on deadlines, leak
        // checks, or a hostile submission's hang), so the cores are not the limit.
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, catalog.katas().size()));
        try {
            List<Future<KataGrade>> futures = new ArrayList<>();
            for (Catalog.Kata kata : catalog.katas()) {
                futures.add(pool.submit(() -> grader.grade(kata, out.resolve("work").resolve(kata.id()))));
            }
            for (Future<KataGrade> f : futures) {
                try {
                    katas.add(f.get());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re
                            : new IllegalStateException("grading failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        DeadlineRerun.confirm(katas, catalog, kata -> grader.grade(kata, out.resolve("work").resolve(kata.id() + ".rerun")));
        GradeReport report = new GradeReport(submission, pristine, baseline, List.copyOf(katas), tamper, jdk(), startedAt,
                Duration.ofNanos(System.nanoTime() - start), kataTimeout, sandbox.description());
        Files.createDirectories(out);
        Files.writeString(out.resolve("grade.json"), GradeJson.of(report));
        Files.writeString(out.resolve("grade.md"), GradeMarkdown.of(report));
        return report;
    }

    private static String jdk() {
        return System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor") + ", "
                + System.getProperty("java.home") + ")";
    }
}

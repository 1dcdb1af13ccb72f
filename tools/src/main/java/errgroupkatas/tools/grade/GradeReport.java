package errgroupkatas.tools.grade;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A whole grade: every kata's grade in catalog order, the tamper evidence, and how and when it was
 * made.
 *
 * @param submission  the graded repository
 * @param pristine    the repository the tests, support, story and poms came from
 * @param baseline    the tree the tamper check compared the submission with
 * @param katas       one grade per kata of the pristine catalog, in its order
 * @param tamper      the watched files of the submission that differ from the pristine ones
 * @param jdk         the JDK that compiled and ran the tests
 * @param startedAt   when grading started
 * @param wallTime    how long grading took
 * @param kataTimeout the time limit of each kata's test JVM
 * @param sandbox     the sandbox the test JVMs ran in ({@link errgroupkatas.tools.sandbox.Sandbox#description()})
 * @param symlinks    the submission's symbolic links (relative paths), none of them followed
 */
public record GradeReport(Path submission, Path pristine, Path baseline, List<KataGrade> katas, TamperCheck.Report tamper,
        String jdk, Instant startedAt, Duration wallTime, Duration kataTimeout, String sandbox, List<String> symlinks) {

    /** Whether kata code ran without a sandbox ({@code --unsafe-no-sandbox}). */
    public boolean unsandboxed() {
        return sandbox.startsWith("none");
    }

    /** The behaviour points earned, over every kata. */
    public int points() {
        return katas.stream().mapToInt(KataGrade::points).sum();
    }

    /** The behaviour points the katas are worth. */
    public int maxPoints() {
        return katas.stream().mapToInt(KataGrade::maxPoints).sum();
    }

    /** The bonus points earned. */
    public int bonusPoints() {
        return katas.stream().mapToInt(KataGrade::bonusPoints).sum();
    }

    /** The bonus points on offer. */
    public int maxBonusPoints() {
        return katas.stream().mapToInt(KataGrade::maxBonusPoints).sum();
    }

    /** How many katas are solved. */
    public long solved() {
        return katas.stream().filter(k -> k.status() == KataGrade.Status.SOLVED).count();
    }

    /** The one-line totals, e.g. {@code 57 of 128 points, bonus 5 of 5, 1 of 6 katas solved}. */
    public String totalsLine() {
        return points() + " of " + maxPoints() + " points, bonus " + bonusPoints() + " of " + maxBonusPoints()
                + ", " + solved() + " of " + katas.size() + " katas solved";
    }
}

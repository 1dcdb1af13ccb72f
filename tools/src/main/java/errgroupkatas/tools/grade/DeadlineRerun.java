package errgroupkatas.tools.grade;

import errgroupkatas.tools.Catalog;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * A missed deadline costs points only if it is confirmed: a kata whose first grade
 * {@linkplain KataGrader#missedDeadlines missed a deadline} (on a loaded machine a correct
 * solution can) is graded again, alone (after every other kata, nothing else of this grade
 * running), once; that grade counts, and a note says what happened.
 */
final class DeadlineRerun {

    /** Grades one kata again. */
    interface Regrade {
        KataGrade grade(Catalog.Kata kata) throws IOException, InterruptedException;
    }

    private DeadlineRerun() {
    }

    /**
     * Replaces each grade of {@code katas} (in the catalog's order) that missed a deadline with the
     * grade of a second run, alone, noted.
     */
    static void confirm(List<KataGrade> katas, Catalog catalog, Regrade regrade) throws IOException, InterruptedException {
        for (int i = 0; i < katas.size(); i++) {
            KataGrade first = katas.get(i);
            List<String> missed = KataGrader.missedDeadlines(first);
            if (missed.isEmpty()) {
                continue;
            }
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            KataGrade again = regrade.grade(catalog.katas().get(i));
            katas.set(i, again.withNote(note(first, missed, load, again)));
        }
    }

    static String note(KataGrade first, List<String> missed, double load, KataGrade again) {
        boolean timedOut = missed.contains(KataGrader.KATA_TIMEOUT);
        List<String> tests = missed.stream().filter(m -> !m.equals(KataGrader.KATA_TIMEOUT)).toList();
        String what = (timedOut ? "its test JVM outlived the kata timeout" : "")
                + (timedOut && !tests.isEmpty() ? " and " : "")
                + (tests.isEmpty() ? "" : tests.size() + " test(s) missed a deadline or a time limit ("
                        + String.join(", ", tests.stream().limit(3).toList()) + (tests.size() > 3 ? ", …" : "") + ")");
        String verdict = KataGrader.missedDeadlines(again).isEmpty()
                ? "not confirmed: alone, it missed no deadline" : "confirmed";
        return String.format(Locale.ROOT, "graded twice: in the first run (%s, %d of %d points, load average %.1f) %s;"
                + " rerun alone, once: %s; the rerun's grade (%s, %d of %d points) counts", first.status().label(),
                first.points(), first.maxPoints(), load, what, verdict, again.status().label(), again.points(),
                again.maxPoints());
    }
}

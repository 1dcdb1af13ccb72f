package errgroupkatas.tools.grade;

import static org.assertj.core.api.Assertions.assertThat;

import errgroupkatas.tools.Catalog;
import errgroupkatas.tools.grade.KataGrade.Kind;
import errgroupkatas.tools.grade.KataGrade.Status;
import errgroupkatas.tools.grade.KataGrade.TestGrade;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which grades a rerun alone must confirm, and what the report then says. */
class DeadlineRerunTest {

    private static final TestGrade PASSED = new TestGrade("T.passes", "passes", Kind.BEHAVIOUR, "PASSED", 1, 1, "");
    private static final TestGrade WRONG = new TestGrade("T.wrong", "wrong", Kind.BEHAVIOUR, "FAILED", 0, 1,
            "java.lang.AssertionError: expected [1, 2] but was [2, 1]");
    private static final TestGrade LATE = new TestGrade("T.late", "late", Kind.BEHAVIOUR, "FAILED", 0, 1,
            "java.lang.AssertionError: Expected the call to return within 2000 ms, but it did not");
    private static final TestGrade JUNIT_TIMEOUT = new TestGrade("T.spins", "spins", Kind.BONUS, "FAILED", 0, 1,
            "java.util.concurrent.TimeoutException: spins() timed out after 5 seconds");
    private static final TestGrade LATE_RULE = new TestGrade("T.rules[x]", "x", Kind.RULE, "FAILED", 0, 0,
            "java.lang.AssertionError: waited 5 ms");

    @Test
    void wrongAnswersAndRulesAreNotDeadlines() {
        assertThat(KataGrader.missedDeadlines(grade(Status.IN_PROGRESS, PASSED, WRONG, LATE_RULE))).isEmpty();
    }

    @Test
    void testsThatFailedOnTimeAndAJvmKilledForTimeAre() {
        assertThat(KataGrader.missedDeadlines(grade(Status.IN_PROGRESS, PASSED, WRONG, LATE, JUNIT_TIMEOUT)))
                .containsExactly("T.late", "T.spins");
        assertThat(KataGrader.missedDeadlines(grade(Status.TIMED_OUT, PASSED))).containsExactly("the kata timeout");
    }

    @Test
    void onlyKatasThatMissedADeadlineRunAgainAndTheRerunCounts() throws Exception {
        Catalog catalog = Catalog.load(HostileSubmissionGradeTest.repositoryRoot());
        List<KataGrade> katas = new ArrayList<>();
        for (Catalog.Kata k : catalog.katas()) {
            katas.add(grade(k.id(), Status.IN_PROGRESS, PASSED, WRONG));
        }
        String late = catalog.katas().get(1).id();
        katas.set(1, grade(late, Status.IN_PROGRESS, PASSED, LATE));
        List<String> rerun = new ArrayList<>();

        DeadlineRerun.confirm(katas, catalog, kata -> {
            rerun.add(kata.id());
            return grade(kata.id(), Status.SOLVED, PASSED, PASSED);
        });

        assertThat(rerun).as("the katas graded again").containsExactly(late);
        assertThat(katas.get(1).status()).as("the rerun's grade counts").isEqualTo(Status.SOLVED);
        assertThat(katas.get(1).notes()).singleElement().asString()
                .startsWith("graded twice: in the first run (in progress, 1 of 2 points, load average ")
                .endsWith(") 1 test(s) missed a deadline or a time limit (T.late); rerun alone, once: not confirmed:"
                        + " alone, it missed no deadline; the rerun's grade (solved, 2 of 2 points) counts");
        assertThat(katas).filteredOn(k -> !k.id().equals(late)).allMatch(k -> k.notes().isEmpty());
    }

    @Test
    void aConfirmedTimeoutSaysSo() {
        KataGrade first = grade(Status.TIMED_OUT, LATE);
        String note = DeadlineRerun.note(first, KataGrader.missedDeadlines(first), 26.04, first);
        assertThat(note).isEqualTo("graded twice: in the first run (timed out, 0 of 1 points, load average 26.0) its"
                + " test JVM outlived the kata timeout and 1 test(s) missed a deadline or a time limit (T.late);"
                + " rerun alone, once: confirmed; the rerun's grade (timed out, 0 of 1 points) counts");
    }

    private static KataGrade grade(Status status, TestGrade... tests) {
        return grade("01-serial", status, tests);
    }

    private static KataGrade grade(String id, Status status, TestGrade... tests) {
        List<TestGrade> all = List.of(tests);
        int points = status == Status.TIMED_OUT ? 0 : all.stream().mapToInt(TestGrade::points).sum();
        int max = all.stream().mapToInt(TestGrade::maxPoints).sum();
        return new KataGrade(id, id, status, "", points, max, 0, 0, List.of(), all, Duration.ZERO);
    }

}

package errgroupkatas.tools.grade;

import java.time.Duration;
import java.util.List;

/**
 * One kata's grade: its status, its points, the rules it breaks and every test's result.
 *
 * @param id             the kata's id, {@code NN-name}
 * @param title          its title from the catalog
 * @param status         how far the submission got
 * @param problem        why the kata could not be graded test by test (the compiler's first
 *                       lines, what was refused and where, how the test JVM died, that it was
 *                       killed for time, or why grading failed); empty otherwise
 * @param points         the behaviour points earned: 0 unless the tests ran to their end
 * @param maxPoints      the behaviour points the kata is worth
 * @param bonusPoints    the bonus points earned (tests tagged {@code bonus}), scored apart
 * @param maxBonusPoints the bonus points the kata offers
 * @param brokenRules    the titles of the rule tests the submission fails, e.g. "never calls
 *                       System.exit or Runtime.halt": a kata with a broken rule is never solved
 * @param tests          every test the kata has (as its pristine tests define them), in the order
 *                       they run; a test the run never reached has status {@link TestGrade#NOT_RUN}
 * @param elapsed        how long grading the kata took (compiling included)
 * @param notes          what the grader noticed beyond the tests, a sentence each: output cut at the
 *                       cap, forged result lines, processes left running, a limit hit, a rerun alone
 *                       to confirm a missed deadline
 */
public record KataGrade(String id, String title, Status status, String problem, int points, int maxPoints,
        int bonusPoints, int maxBonusPoints, List<String> brokenRules, List<TestGrade> tests, Duration elapsed,
        List<String> notes) {

    /** A grade without notes. */
    public KataGrade(String id, String title, Status status, String problem, int points, int maxPoints,
            int bonusPoints, int maxBonusPoints, List<String> brokenRules, List<TestGrade> tests, Duration elapsed) {
        this(id, title, status, problem, points, maxPoints, bonusPoints, maxBonusPoints, brokenRules, tests, elapsed,
                List.of());
    }

    /** This grade with {@code note} added to its notes. */
    public KataGrade withNote(String note) {
        List<String> all = new java.util.ArrayList<>(notes);
        all.add(note);
        return new KataGrade(id, title, status, problem, points, maxPoints, bonusPoints, maxBonusPoints, brokenRules,
                tests, elapsed, List.copyOf(all));
    }

    /** How far a submission got with a kata. */
    public enum Status {
        /** Every behaviour test passes and every rule holds. */
        SOLVED("solved"),
        /** Some behaviour tests pass, or all pass but a rule is broken. */
        IN_PROGRESS("in progress"),
        /** No behaviour test passes. */
        NOT_STARTED("not started"),
        /** The kata's main code, or the pristine tests against it, do not compile: 0 points. */
        DOES_NOT_COMPILE("does not compile"),
        /** The test JVM died before the run ended (e.g. System.exit in kata code): 0 points. */
        CRASHED("crashed"),
        /** The test JVM outlived the kata timeout and was killed: 0 points. */
        TIMED_OUT("timed out"),
        /**
         * Refused before any of its code ran: it uses an API kata code may not use, has a class
         * outside the kata's package or with a test's name, or its sources are symbolic links: 0 points.
         */
        REFUSED("refused"),
        /**
         * Grading this kata failed (e.g. the results of the run against the stub were removed); the
         * problem says why, and whether the submission caused it: 0 points, the other katas graded.
         */
        NOT_GRADED("not graded");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        /** The status as the reports spell it, e.g. "does not compile". */
        public String label() {
            return label;
        }
    }

    /** What a test counts for. */
    public enum Kind {
        /** A behaviour test: worth its points. */
        BEHAVIOUR("behaviour"),
        /** A rule test ({@code @Tag("rules")}): worth nothing, but a broken rule keeps a kata from being solved. */
        RULE("rule"),
        /** A bonus test ({@code @Tag("bonus")}): its points go on the bonus line. */
        BONUS("bonus");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One test's grade.
     *
     * @param key       {@code TestClass.method}, or {@code TestClass.factory[display name]} for a dynamic test
     * @param display   the test's display name
     * @param kind      behaviour, rule or bonus
     * @param status    PASSED, FAILED, ABORTED, SKIPPED or {@link #NOT_RUN}
     * @param points    the points earned
     * @param maxPoints the points it is worth
     * @param message   the failure's class and message on one line ("⏎" marks its line breaks), or empty
     */
    public record TestGrade(String key, String display, Kind kind, String status, int points, int maxPoints,
            String message) {

        /** The status of a test the run never reached (its JVM died or was killed first). */
        public static final String NOT_RUN = "NOT RUN";

        public boolean passed() {
            return status.equals("PASSED");
        }
    }
}

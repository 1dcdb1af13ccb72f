package errgroupkatas.tools.grade;

import static errgroupkatas.tools.grade.ClassTableTest.CLEAN;
import static errgroupkatas.tools.grade.ClassTableTest.gradeJson;
import static errgroupkatas.tools.grade.ClassTableTest.kata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import errgroupkatas.tools.grade.KataGrade.Status;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ClassroomWorkflow: the learners' autograding, with the grader's points")
class ClassroomWorkflowTest {

    private static final String STUBS = gradeJson(CLEAN, kata("01-serial", Status.NOT_STARTED, 0, 8, 0, 0),
            kata("03-errgroup", Status.NOT_STARTED, 0, 27, 0, 0), kata("06-dashboard", Status.NOT_STARTED, 0, 16, 0, 6));

    @Test
    @DisplayName("one step per kata worth its points, one per bonus worth the bonus, each reported")
    void aStepPerKataWithTheGradersPoints() {
        String yaml = ClassroomWorkflow.yaml(ClassroomWorkflow.points(STUBS));

        Matcher step = Pattern.compile("      - name: (.+)\n        id: (.+)\n.*\n        with:\n          test-name: \\1\n"
                + "          command: (.+)\n          timeout: 10\n          max-score: (\\d+)\n").matcher(yaml);
        List<String> steps = step.results().map(m -> m.group(2) + " " + m.group(4) + " " + m.group(3)).toList();
        assertThat(steps).containsExactly(
                "kata-01 8 mvn -B verify -pl katas/01-serial -am -Dmaven.test.failure.ignore=false",
                "kata-03 27 mvn -B verify -pl katas/03-errgroup -am -Dmaven.test.failure.ignore=false",
                "kata-06 16 mvn -B verify -pl katas/06-dashboard -am -Dmaven.test.failure.ignore=false -DexcludedGroups=bonus",
                "kata-06-bonus 6 mvn -B verify -pl katas/06-dashboard -am -Dmaven.test.failure.ignore=false -Dgroups=bonus");
        assertThat(yaml).contains("grader counts them (katas/catalog.properties over each kata's tests): 51 points, bonus 6.")
                .doesNotContain("install")
                .contains("          KATA-06-BONUS_RESULTS: \"${{ steps.kata-06-bonus.outputs.result }}\"\n")
                .endsWith("        with:\n          runners: kata-01,kata-03,kata-06,kata-06-bonus\n");
    }

    @Test
    @DisplayName("refuses a grade that is not one of the stubs: its points could not be trusted")
    void refusesAGradeOfSolvedCode() {
        String solved = gradeJson(CLEAN, kata("01-serial", Status.SOLVED, 8, 8, 0, 0));
        String crashed = gradeJson(CLEAN, kata("01-serial", Status.CRASHED, 0, 8, 0, 0));

        assertThatThrownBy(() -> ClassroomWorkflow.points(solved)).hasMessageStartingWith(
                "kata 01-serial is solved with 8 points of 8 in this grade: it is not a grade of the stubs");
        assertThatThrownBy(() -> ClassroomWorkflow.points(crashed)).hasMessageContaining("01-serial is crashed");
        assertThatThrownBy(() -> ClassroomWorkflow.points(gradeJson(CLEAN))).hasMessage("the grade lists no kata");
    }
}

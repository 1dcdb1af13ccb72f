package errgroupkatas.tools.coach;

import static org.assertj.core.api.Assertions.assertThat;

import errgroupkatas.tools.TestResult;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Screen: how the coach words a verdict")
class ScreenTest {

    @Test
    @DisplayName("the progress bar fills in proportion and names the counts")
    void progressBar() {
        assertThat(Screen.progressBar(31, 110, 10)).isEqualTo("[##--------] 31/110");
        assertThat(Screen.progressBar(110, 110, 10)).isEqualTo("[##########] 110/110");
        assertThat(Screen.progressBar(0, 0, 4)).isEqualTo("[----] 0/0");
    }

    @Test
    @DisplayName("a failure: the verdict line names the kata and the test, then its display name and its message")
    void failure() {
        TestResult t = new TestResult("FAILED", "FriendsHandlerTest.returnsEveryFriend", Set.of(),
                "returns every friend's profile", "org.opentest4j.AssertionFailedError: expected 3 profiles ⏎ but got 2", 12);

        assertThat(Screen.failure("01-serial", t)).containsExactly(
                "FAIL  01-serial  FriendsHandlerTest.returnsEveryFriend",
                "      \"returns every friend's profile\"",
                "      AssertionFailedError: expected 3 profiles",
                "      but got 2");
    }

    @Test
    @DisplayName("a long message is wrapped and cut to six lines, saying how much was left out")
    void longMessage() {
        String word = "timeline ";
        List<String> lines = Screen.message("java.lang.AssertionError: " + word.repeat(100));

        assertThat(lines).hasSize(7);
        assertThat(lines.getFirst()).startsWith("AssertionError: timeline");
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(94));
        assertThat(lines.getLast()).startsWith("… (").endsWith("more lines: `mvn verify` prints them all)");
    }

    @Test
    @DisplayName("a pass, a compile error and an exit call each get a verdict line of their own")
    void otherVerdicts() {
        assertThat(Screen.pass("01-serial", 8, 1)).isEqualTo("PASS  01-serial  all 8 tests pass, and its 1 rule holds");
        assertThat(Screen.doesNotCompile("01-serial", false, List.of("katas/01-serial/src/main/java/A.java:3: ';' expected")))
                .containsExactly("ERROR 01-serial  does not compile",
                        "      katas/01-serial/src/main/java/A.java:3: ';' expected");
        assertThat(Screen.exitsTheJvm("02-naive-parallel", List.of("A.java:7 calls System.exit")).getFirst())
                .startsWith("ERROR 02-naive-parallel  never calls System.exit");
    }
}

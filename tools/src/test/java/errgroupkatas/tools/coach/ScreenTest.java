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
    @DisplayName("a hang's message cut to six lines still shows where the kata code is stuck: the blocking frame and the first kata frame follow")
    void hangShowsTheFirstKataFrame() {
        String hang = String.join(" ⏎ ",
                "java.lang.AssertionError: Expected the call to return within 2000 ms, but it did not: it is stuck (or far too slow).",
                "Where the threads running kata code are now:",
                "  \"kata-call-1\" (virtual) is still alive:",
                "        … 5 frames of the JDK's parking machinery",
                "      at java.base/java.util.concurrent.SynchronousQueue.put(SynchronousQueue.java:300)   <- blocked here",
                "      at java.base/java.util.concurrent.ThreadPerTaskExecutor.close(ThreadPerTaskExecutor.java:9)",
                "        …",
                "      at errgroupkatas.naive.FriendsHandler.friendsOf(FriendsHandler.java:42)   <- kata code",
                "      at errgroupkatas.naive.FriendsHandlerTest.lambda$x$1(FriendsHandlerTest.java:80)   <- kata code",
                "timeline: no calls were made",
                "Hint: hint 3 of kata 02-naive-parallel: mvn -q -Phint -Dkata=02 -Dhint=3 (or h in the coach)");

        List<String> lines = Screen.message(hang);

        assertThat(lines).containsExactly(
                "AssertionError: Expected the call to return within 2000 ms, but it did not: it is stuck (or",
                "  far too slow).",
                "Where the threads running kata code are now:",
                "  \"kata-call-1\" (virtual) is still alive:",
                "        … 5 frames of the JDK's parking machinery",
                "      at java.base/java.util.concurrent.SynchronousQueue.put(SynchronousQueue.java:300)   <- blocked here",
                "        …",
                "      at errgroupkatas.naive.FriendsHandler.friendsOf(FriendsHandler.java:42)   <- kata code",
                "… (5 more lines: `mvn verify` prints them all)");

        // One line more before the stack: the blocking frame is cut too, and comes back before the kata frame.
        List<String> later = Screen.message(hang.replace("Where the", "The timeline is below. ⏎ Where the"));
        assertThat(later.subList(4, later.size())).containsExactly(
                "  \"kata-call-1\" (virtual) is still alive:",
                "        … 5 frames of the JDK's parking machinery",
                "        …",
                "      at java.base/java.util.concurrent.SynchronousQueue.put(SynchronousQueue.java:300)   <- blocked here",
                "      at errgroupkatas.naive.FriendsHandler.friendsOf(FriendsHandler.java:42)   <- kata code",
                "… (5 more lines: `mvn verify` prints them all)");
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

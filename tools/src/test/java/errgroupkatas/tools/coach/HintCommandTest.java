package errgroupkatas.tools.coach;

import static org.assertj.core.api.Assertions.assertThat;

import errgroupkatas.support.Kata;
import errgroupkatas.tools.Scoreboard;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("HintCommand: mvn -q -Phint -Dkata=NN prints the next hint not seen, -Dhint=N hint N")
class HintCommandTest {

    @TempDir
    Path root;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeEach
    void aRepositoryWithOneKata() throws Exception {
        Files.createDirectories(root.resolve("katas/03-errgroup/hints"));
        Files.writeString(root.resolve("katas/catalog.properties"), "katas = 03-errgroup\n03-errgroup.title = errgroup\n");
        for (int n = 1; n <= 3; n++) {
            Files.writeString(root.resolve("katas/03-errgroup/hints/" + n + ".md"),
                    "# Kata 03-errgroup, hint " + n + " — " + Hints.LABELS.get(n - 1) + "\n\nText of hint " + n + ".\n");
        }
    }

    private String run(String kata, String hint, int expectedStatus) throws Exception {
        printed.reset();
        int status = new HintCommand(root, new PrintStream(printed, true, StandardCharsets.UTF_8)).run(kata, hint);
        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(status).as("exit status; it printed:%n%s", out).isEqualTo(expectedStatus);
        return out;
    }

    private Progress progress() {
        return Progress.load(root.resolve(".coach/progress.properties"));
    }

    @Test
    @DisplayName("without -Dhint: hint 1, then 2, then 3, then it says all were seen; the count is the coach's")
    void nextHintNotSeen() throws Exception {
        assertThat(run("03", "", 0)).startsWith("03-errgroup · hint 1 of 3 — a nudge\n\n  Text of hint 1.\n\n")
                .contains("(more concrete: hint 2, the idea: mvn -q -Phint -Dkata=03)");
        assertThat(progress().hintsSeen("03-errgroup")).isEqualTo(1);

        assertThat(run("3", "", 0)).startsWith("03-errgroup · hint 2 of 3 — the idea");
        assertThat(run("03-errgroup", "", 0)).startsWith("03-errgroup · hint 3 of 3 — the shape of the code")
                .contains("(that was the last hint of 03-errgroup)");
        assertThat(run("03", "", 0)).contains("You have seen all 3 hints of 03-errgroup", "mvn -q -Phint -Dkata=03 -Dhint=N");
        assertThat(progress().hintsSeen("03-errgroup")).isEqualTo(3);
    }

    @Test
    @DisplayName("-Dhint=N prints hint N and counts hints 1 to N as seen; reading an earlier one again counts nothing less")
    void givenHint() throws Exception {
        assertThat(run("03", "2", 0)).startsWith("03-errgroup · hint 2 of 3 — the idea\n\n  Text of hint 2.\n");
        assertThat(progress().hintsSeen("03-errgroup")).isEqualTo(2);

        assertThat(run("03", "1", 0)).startsWith("03-errgroup · hint 1 of 3 — a nudge")
                .contains("(more concrete: hint 2, the idea: mvn -q -Phint -Dkata=03 -Dhint=2)");
        assertThat(progress().hintsSeen("03-errgroup")).isEqualTo(2);
        assertThat(run("03", "", 0)).startsWith("03-errgroup · hint 3 of 3");
    }

    @Test
    @DisplayName("a kata or a hint that does not exist: it says what exists, and exits 2")
    void usageErrors() throws Exception {
        assertThat(run("", "", 2)).startsWith("Which kata? Usage: mvn -q -Phint -Dkata=NN [-Dhint=N]").contains("03 (03-errgroup)");
        assertThat(run("7", "", 2)).startsWith("No kata '7'.");
        assertThat(run("03", "4", 2)).startsWith("Kata 03-errgroup has hints 1 to 3, not '4'.");
        assertThat(run("03", "two", 2)).startsWith("Kata 03-errgroup has hints 1 to 3, not 'two'.");
        assertThat(progress().hintsSeen("03-errgroup")).isZero();
    }

    @Test
    @DisplayName("the coach and the command share what was seen: neither's save lowers the other's count")
    void sharedWithTheCoach() throws Exception {
        Progress coach = progress(); // as a running coach loaded it: no hint seen
        run("03", "2", 0);
        coach.result("03-errgroup", new Progress.Result(1, 20, "in progress"));
        coach.save(); // the coach saves after a run: it must not forget the command's hints

        assertThat(progress().hintsSeen("03-errgroup")).isEqualTo(2);
        assertThat(progress().result("03-errgroup")).contains(new Progress.Result(1, 20, "in progress"));
        assertThat(run("03", "", 0)).startsWith("03-errgroup · hint 3 of 3");
    }

    @Test
    @DisplayName("a failure message's hint pointer (Kata.hint) names a command that prints that hint")
    void failurePointerNamesTheCommand() {
        String pointer = new Kata("03-errgroup", "errgroupkatas.errgroup").hint(2);

        assertThat(pointer).isEqualTo("Hint: hint 2 of kata 03-errgroup: mvn -q -Phint -Dkata=03 -Dhint=2 (or h in the coach)");
        assertThat(Scoreboard.hintIn("expected 3 profiles\n" + pointer, "03-errgroup"))
                .isEqualTo("hint 2 of kata 03-errgroup: mvn -q -Phint -Dkata=03 -Dhint=2");
        assertThat(Scoreboard.hintIn(pointer, "04-select")).isNull();
        assertThat(HintCommand.kataOf("03", List.of("01-serial", "03-errgroup"))).contains("03-errgroup");
    }
}

package errgroupkatas.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's numbered rules and the tests' @Checks, read from a made-up kata. */
@DisplayName("KataContract: the rules of a README, and the rules each test names")
class KataContractTest {
    @TempDir
    Path kata;

    @Test
    @DisplayName("reads the numbered rules under The rules, and @Checks on methods and classes")
    void readsRulesAndChecks() throws Exception {
        Files.writeString(kata.resolve("README.md"), """
                # Kata

                ## The goal

                1. not a rule: another section

                ## The rules

                Part A:

                1. `go(task)` starts the task
                   on a new thread.
                2. **await()** waits.

                Part B:

                13. Return every friend.

                ## What the tests check

                1. a test, not a rule
                """);
        Path tests = kata.resolve("src/test/java/p");
        Files.createDirectories(tests);
        Files.writeString(tests.resolve("GroupTest.java"), """
                package p;

                /** Checks(99) in a comment does not count: @Checks(98) neither. */
                class GroupTest {
                    @Test
                    @Checks({1, 2})
                    @DisplayName("go and await")
                    void goAndAwait() {
                        run(() -> helper());
                    }

                    @Checks(13)
                    @ParameterizedTest(name = "{0}")
                    @ValueSource(ints = {1, 2})
                    void friends(int n) {
                    }

                    @Test
                    void unnamed() {
                    }
                }
                """);
        Files.writeString(tests.resolve("RulesTest.java"), """
                package p;

                @Checks(2)
                class RulesTest {
                    @TestFactory
                    Stream<DynamicTest> rules() {
                        return Stream.of();
                    }
                }
                """);

        KataContract c = KataContract.read(kata);

        assertThat(c.rules()).containsOnlyKeys(1, 2, 13);
        assertThat(c.ruleText(1, 100)).isEqualTo("go(task) starts the task");
        assertThat(c.ruleText(2, 8)).isEqualTo("await()…");
        assertThat(c.rulesOf("GroupTest.goAndAwait")).contains(Set.of(1, 2));
        assertThat(c.rulesOf("GroupTest.friends[2]")).contains(Set.of(13));
        assertThat(c.rulesOf("GroupTest.unnamed")).isEqualTo(Optional.empty());
        assertThat(c.rulesOf("RulesTest.rules[no System.exit]")).contains(Set.of(2));
    }
}

package errgroupkatas.tools.coach;

import static org.assertj.core.api.Assertions.assertThat;

import errgroupkatas.tools.Catalog;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

@DisplayName("Hints: the kata README is their one source")
class HintsTest {

    static final Path ROOT = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();

    @TestFactory
    @DisplayName("every kata of the catalog has exactly 3 hints that parse: a nudge, the idea, the shape of the code")
    Stream<DynamicTest> everyKataHasThreeHints() throws Exception {
        return Catalog.load(ROOT).katas().stream().map(k -> DynamicTest.dynamicTest(k.id(), () -> {
            List<Hints.Hint> hints = Hints.read(ROOT.resolve("katas").resolve(k.id()).resolve("README.md"));
            assertThat(hints).extracting(Hints.Hint::number).containsExactly(1, 2, 3);
            assertThat(hints).extracting(Hints.Hint::label).containsExactly("a nudge", "the idea", "the shape of the code");
            assertThat(hints).allSatisfy(h -> assertThat(h.text()).isNotBlank().doesNotContain("<details>", "</summary>"));
        }));
    }

    @Test
    @DisplayName("a hint's <details> and <summary> may share a line or stand on lines of their own")
    void parsesBothLayouts() {
        String readme = """
                # Kata

                <details><summary>Hint 1 — a nudge</summary>

                Start small.

                </details>

                <details>
                <summary>Hint 2 — the idea</summary>

                Wrap it, keep the cause.
                ```
                code shape
                ```
                </details>

                <details><summary>Not a hint</summary>x</details>
                """;

        assertThat(Hints.parse(readme)).containsExactly(
                new Hints.Hint(1, "a nudge", "Start small."),
                new Hints.Hint(2, "the idea", "Wrap it, keep the cause.\n```\ncode shape\n```"));
    }
}

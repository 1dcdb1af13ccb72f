package errgroupkatas.tools.coach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import errgroupkatas.tools.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Hints: one file per hint, none of them in the README")
class HintsTest {

    static final Path ROOT = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();

    @TestFactory
    @DisplayName("every kata of the catalog has exactly 3 hint files that parse: a nudge, the idea, the shape of the code")
    Stream<DynamicTest> everyKataHasThreeHints() throws Exception {
        return Catalog.load(ROOT).katas().stream().map(k -> DynamicTest.dynamicTest(k.id(), () -> {
            Path folder = Hints.folder(ROOT, k.id());
            List<Hints.Hint> hints = Hints.read(folder);
            assertThat(hints).extracting(Hints.Hint::number).containsExactly(1, 2, 3);
            assertThat(hints).extracting(Hints.Hint::label).containsExactlyElementsOf(Hints.LABELS);
            assertThat(hints).allSatisfy(h -> assertThat(h.text()).isNotBlank().doesNotContain("<details>", "</summary>"));
            try (Stream<Path> files = Files.list(folder)) {
                assertThat(files.map(f -> f.getFileName().toString())).as("the files of " + folder)
                        .containsExactlyInAnyOrder("1.md", "2.md", "3.md");
            }
        }));
    }

    @TestFactory
    @DisplayName("no kata README shows a hint, even as plain text; its Hints section says where hint 1 is and how to ask for the others")
    Stream<DynamicTest> readmesShowNoHint() throws Exception {
        return Catalog.load(ROOT).katas().stream().map(k -> DynamicTest.dynamicTest(k.id(), () -> {
            String readme = Files.readString(ROOT.resolve("katas").resolve(k.id()).resolve("README.md"));
            assertThat(readme).doesNotContain("<details>", "<summary>").doesNotContainPattern("(?i)hint [123] —");
            for (Hints.Hint hint : Hints.read(Hints.folder(ROOT, k.id()))) {
                // Any line of a hint's prose (code lines such as ``` are too short to say anything).
                hint.text().lines().map(String::strip).filter(l -> l.length() >= 40)
                        .forEach(l -> assertThat(readme).as("hint " + hint.number() + "'s line in the README").doesNotContain(l));
            }
            String nn = k.id().substring(0, 2);
            assertThat(readme).contains("## Hints", "[hints/1.md](hints/1.md)", "`mvn -q -Phint -Dkata=" + nn + "`",
                    "`mvn -q -Phint -Dkata=" + nn + " -Dhint=2`", "`h` in the coach");
        }));
    }

    @Test
    @DisplayName("a hint file: its heading gives the number and the label, the rest is the text")
    void parsesAHintFile() {
        assertThat(Hints.parse("""
                # Kata 01-serial, hint 2 — the idea

                Wrap it, keep the cause.
                ```
                code shape
                ```
                """)).isEqualTo(new Hints.Hint(2, "the idea", "Wrap it, keep the cause.\n```\ncode shape\n```"));
        assertThatThrownBy(() -> Hints.parse("Wrap it.\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a hint's heading");
    }

    @Test
    @DisplayName("hints are read from 1.md upwards; a heading that names another number than its file is an error")
    void readsTheFolder(@TempDir Path folder) throws Exception {
        assertThat(Hints.read(folder.resolve("none"))).isEmpty();
        Files.writeString(folder.resolve("1.md"), "# Kata 09-x, hint 1 — a nudge\n\nStart small.\n");
        Files.writeString(folder.resolve("3.md"), "# Kata 09-x, hint 3 — the shape of the code\n\nNot read: 2.md is missing.\n");
        assertThat(Hints.read(folder)).containsExactly(new Hints.Hint(1, "a nudge", "Start small."));

        Files.writeString(folder.resolve("2.md"), "# Kata 09-x, hint 3 — the idea\n\nMisnumbered.\n");
        assertThatThrownBy(() -> Hints.read(folder)).hasMessageContaining("its heading says hint 3, its name 2");
    }

    @Test
    @DisplayName("a hint on screen: a title line, then the text indented by two spaces")
    void showsAHint() {
        assertThat(Hints.show("01-serial", new Hints.Hint(1, "a nudge", "Start small.\n\nThen grow."), 3)).containsExactly(
                "01-serial · hint 1 of 3 — a nudge", "", "  Start small.", "", "  Then grow.", "");
    }
}

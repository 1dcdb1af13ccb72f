package errgroupkatas.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A planted variant is a description and a diff applied to the solution, or a loud error. */
@DisplayName("PlantedVariant: a mistake stored as what it changes")
class PlantedVariantTest {
    @TempDir
    Path root;

    private static final String SOLUTION = """
            package p;

            class Group {
                void await() throws InterruptedException {
                    join();
                    cancel();
                }
            }
            """;

    private static final String PATCH = """
            # forgets-to-cancel

            Joins but never cancels the group.

            caught-by: GroupTest.cancelsAfterAwait, GroupTest.other
            breaks: 7, 11

            --- a/p/Group.java
            +++ b/p/Group.java
            @@ -4,5 +4,4 @@
                 void await() throws InterruptedException {
                     join();
            -        cancel();
                 }
             }
            --- /dev/null
            +++ b/p/Extra.java
            @@ -0,0 +1,2 @@
            +package p;
            +class Extra {}
            """;

    private Path solution() throws Exception {
        Path sources = root.resolve("solution");
        Files.createDirectories(sources.resolve("p"));
        Files.writeString(sources.resolve("p/Group.java"), SOLUTION);
        return sources;
    }

    private Path patch(String text) throws Exception {
        Path patch = root.resolve("forgets-to-cancel.patch");
        Files.writeString(patch, text);
        return patch;
    }

    @Test
    @DisplayName("applies the diff, adds new files, and reads caught-by and breaks from the description")
    void appliesAndDescribes() throws Exception {
        PlantedVariant v = PlantedVariant.load(patch(PATCH), solution());

        assertThat(v.name()).isEqualTo("forgets-to-cancel");
        assertThat(v.caughtBy()).containsExactly("GroupTest.cancelsAfterAwait", "GroupTest.other");
        assertThat(v.breaks()).containsExactly(7, 11);
        assertThat(v.files()).containsOnlyKeys("p/Group.java", "p/Extra.java");
        assertThat(v.files().get("p/Group.java")).contains("join();").doesNotContain("cancel();");
        assertThat(v.files().get("p/Extra.java")).isEqualTo("package p;\nclass Extra {}\n");

        Path out = root.resolve("out");
        v.writeTo(out);
        assertThat(out.resolve("p/Group.java")).content().isEqualTo(v.files().get("p/Group.java"));
    }

    @Test
    @DisplayName("a patch whose context the solution no longer has fails loudly, naming the patch and the file")
    void staleFailsLoudly() throws Exception {
        Path sources = solution();
        Files.writeString(sources.resolve("p/Group.java"), SOLUTION.replace("cancel();", "cancelAll();"));

        assertThatThrownBy(() -> PlantedVariant.load(patch(PATCH), sources))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("forgets-to-cancel.patch no longer applies to p/Group.java");
    }

    @Test
    @DisplayName("a patch of a file the solution does not have, or without a diff, is refused")
    void refusesWhatCannotBeApplied() throws Exception {
        Path sources = solution();
        assertThatThrownBy(() -> PlantedVariant.load(patch(PATCH.replace("p/Group.java", "p/Gone.java")), sources))
                .hasMessageContaining("which the solution does not have");
        assertThatThrownBy(() -> PlantedVariant.load(patch("# forgets-to-cancel\n\nno diff here\n"), sources))
                .hasMessageContaining("holds no diff");
    }

    @Test
    @DisplayName("a breaks: word that is not a rule number is kept as -1, which no rule has")
    void breaksWordIsReported() throws Exception {
        PlantedVariant v = PlantedVariant.load(patch(PATCH.replace("breaks: 7, 11", "breaks: 7, the rule on joins")),
                solution());
        assertThat(v.breaks()).containsExactly(-1, 7);
    }
}

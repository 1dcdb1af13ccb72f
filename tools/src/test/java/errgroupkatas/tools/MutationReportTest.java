package errgroupkatas.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("MutationReport: the test-strength table from PIT's reports")
class MutationReportTest {
    @TempDir
    Path root;

    @BeforeEach
    void aRepositoryWithOneKata() throws IOException {
        Files.createDirectories(root.resolve("katas/01-one/src/test"));
        Files.createDirectories(root.resolve("solutions/01-one/src/main"));
        Files.writeString(root.resolve("katas/catalog.properties"), "katas = 01-one\n01-one.title = One\n");
        Files.writeString(root.resolve("solutions/01-one/src/main/One.java"), "class One {}\n");
        Files.createDirectories(root.resolve("docs"));
    }

    /** Ten mutants of One.run, lines 1..10: {@code killed} of them detected, the rest survived. */
    private void report(int killed) throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mutations>\n");
        for (int line = 1; line <= 10; line++) {
            boolean detected = line <= killed;
            xml.append("<mutation detected='").append(detected).append("' status='")
                    .append(detected ? "KILLED" : "SURVIVED").append("' numberOfTestsRun='1'>")
                    .append("<sourceFile>One.java</sourceFile><mutatedClass>p.One</mutatedClass>")
                    .append("<mutatedMethod>run</mutatedMethod><methodDescription>()V</methodDescription>")
                    .append("<lineNumber>").append(line).append("</lineNumber>")
                    .append("<mutator>org.pitest.mutationtest.engine.gregor.mutators.VoidMethodCallMutator</mutator>")
                    .append("<description>removed call</description></mutation>\n");
        }
        Path file = root.resolve("katas/01-one/target/pit-reports/mutations.xml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, xml.append("</mutations>\n"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60)));
    }

    private void equivalents(String... rows) throws IOException {
        Files.writeString(root.resolve(MutationReport.EQUIVALENTS),
                "# Mutation testing\n\n| kata | method | line | mutator | why |\n|---|---|---|---|---|\n"
                        + String.join("\n", rows) + "\n");
    }

    private record Result(boolean ok, String output) {
    }

    private Result run() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ok = MutationReport.run(root, List.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Result(ok, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("scores killed / (mutants - equivalent) and lists the survivors that are not equivalent")
    void scoresWithoutTheEquivalents() throws Exception {
        report(9);
        equivalents();
        Result r = run();
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(r.output()).contains("01-one", "90.0 %", "ok", "One.run:10 VoidMethodCallMutator — removed call (SURVIVED)",
                "mutation: OK");

        report(8);
        equivalents("| 01-one | One.run | 10 | VoidMethodCallMutator | the call does nothing |");
        r = run();
        assertThat(r.ok()).as(r.output()).isFalse();
        assertThat(r.output()).contains("88.9 %", "UNDER", "One.run:9 ", "under the bar of 90 %")
                .doesNotContain("One.run:10 ");
    }

    @Test
    @DisplayName("an equivalent the report does not have is a stale line; one killed this run is only a note")
    void staleAndKilledEquivalents() throws Exception {
        report(10);
        equivalents("| 01-one | One.run | 11 | VoidMethodCallMutator | gone |",
                "| 01-one | One.run | 3 | VoidMethodCallMutator | killed anyway |");
        Result r = run();
        assertThat(r.ok()).as(r.output()).isFalse();
        assertThat(r.output()).contains("lists One.run:11 VoidMethodCallMutator, which PIT did not generate",
                "note: 01-one One.run:3 VoidMethodCallMutator is listed as equivalent but was killed this run (KILLED)");
    }

    @Test
    @DisplayName("a kata without a report, or with one older than its solution, is a problem")
    void missingOrOldReport() throws Exception {
        equivalents();
        Result r = run();
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("01-one: no PIT report at katas/01-one/target/pit-reports/mutations.xml");

        report(10);
        Files.setLastModifiedTime(root.resolve("solutions/01-one/src/main/One.java"),
                FileTime.from(Instant.now().plusSeconds(120)));
        r = run();
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("solutions/01-one/src/main/One.java changed after the PIT report was written");
    }
}

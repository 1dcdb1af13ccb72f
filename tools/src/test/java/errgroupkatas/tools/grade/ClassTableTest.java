package errgroupkatas.tools.grade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import errgroupkatas.tools.grade.KataGrade.Status;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ClassTable: one row per learner, merged from the grade.json files bin/grade writes")
class ClassTableTest {
    @TempDir
    Path grades;

    static KataGrade kata(String id, Status status, int points, int max, int bonus, int maxBonus, String... rules) {
        return new KataGrade(id, "title of " + id, status, "", points, max, bonus, maxBonus, List.of(rules), List.of(),
                Duration.ofSeconds(3));
    }

    /** A grade as bin/grade writes it: through GradeJson, so the table reads what the grader really writes. */
    static String gradeJson(TamperCheck.Report tamper, KataGrade... katas) {
        return GradeJson.of(new GradeReport(Path.of("/s"), Path.of("/p"), Path.of("/b"), List.of(katas), tamper,
                "25", Instant.parse("2026-12-02T06:00:00Z"), Duration.ofMillis(31_400), Duration.ofSeconds(120),
                "bubblewrap (test)", List.of()));
    }

    static final TamperCheck.Report CLEAN = new TamperCheck.Report(List.of(), List.of(), List.of());

    private void learner(String name, String gradeJson, String log) throws IOException {
        Path dir = Files.createDirectories(grades.resolve(name));
        if (gradeJson != null) {
            Files.writeString(dir.resolve("grade.json"), gradeJson);
        }
        if (log != null) {
            Files.writeString(dir.resolve("grade.log"), log);
        }
    }

    @Test
    @DisplayName("every learner's folder is a row, in name order: graded ones with totals, per-kata points and flags")
    void rowsWithTotalsKatasAndFlags() throws IOException {
        learner("bea", gradeJson(new TamperCheck.Report(List.of("katas/01-serial/src/test/java/A.java"),
                List.of("katas/01-serial/src/test/java/B.java"), List.of()),
                kata("01-serial", Status.SOLVED, 8, 8, 0, 0),
                kata("02-naive-parallel", Status.CRASHED, 0, 13, 0, 0),
                kata("06-dashboard", Status.IN_PROGRESS, 16, 16, 5, 6, "never handles an error with printStackTrace")),
                null);
        learner("al", gradeJson(CLEAN, kata("01-serial", Status.SOLVED, 8, 8, 0, 0),
                kata("02-naive-parallel", Status.SOLVED, 13, 13, 0, 0), kata("06-dashboard", Status.SOLVED, 16, 16, 6, 6)),
                null);
        learner("cid", null, "grade: building the grader\ngrade: grading failed: java.lang.IllegalStateException: x\n"
                + "java.lang.IllegalStateException: x\n\tat errgroupkatas.tools.grade.Grade.main(Grade.java:1)\n\n");
        learner("dot", "{\"totals\": {", null);
        Files.createDirectories(grades.resolve(".git"));

        List<ClassTable.Row> rows = ClassTable.read(grades);

        assertThat(rows).extracting(ClassTable.Row::learner).containsExactly("al", "bea", "cid", "dot");
        ClassTable.Row al = rows.get(0);
        assertThat(al.status()).isEqualTo(ClassTable.GRADED);
        assertThat(List.of(al.points(), al.maxPoints(), al.bonusPoints(), al.maxBonus(), al.solved()))
                .containsExactly(37, 37, 6, 6, 3);
        assertThat(al.wallSeconds()).isEqualTo(31.4);
        assertThat(al.flags()).as("a clean, fully graded learner has nothing to look at").isEmpty();
        ClassTable.Row bea = rows.get(1);
        assertThat(bea.katas()).extracting(k -> k.id() + " " + k.status() + " " + k.points() + "/" + k.maxPoints())
                .containsExactly("01-serial solved 8/8", "02-naive-parallel crashed 0/13", "06-dashboard in progress 16/16");
        assertThat(bea.flags()).containsExactly("02-naive-parallel crashed",
                "06-dashboard rule broken: never handles an error with printStackTrace",
                "tampered: 1 changed, 1 added (katas/01-serial/src/test/java/A.java, katas/01-serial/src/test/java/B.java):"
                        + " the pristine tests were used");
        assertThat(rows.get(2).status()).isEqualTo(ClassTable.NOT_GRADED);
        assertThat(rows.get(2).flags()).containsExactly(
                "no grade.json; grade.log ends: grade: grading failed: java.lang.IllegalStateException: x");
        assertThat(rows.get(3).status()).isEqualTo(ClassTable.NOT_GRADED);
        assertThat(rows.get(3).flags()).singleElement().asString().startsWith("grade.json is unreadable (not JSON:");
    }

    @Test
    @DisplayName("flags the grade itself lists, and the lines of flags.txt beside it, are carried over")
    void carriesTheGradesOwnFlags() throws IOException {
        String json = gradeJson(CLEAN, kata("01-serial", Status.SOLVED, 8, 8, 0, 0));
        learner("al", json.replaceFirst("\\{", "{\"flags\": [\"no sandbox: graded with --unsafe\"],"), null);
        Files.writeString(grades.resolve("al/flags.txt"), "graded on a busy machine\n\n");

        assertThat(ClassTable.read(grades).getFirst().flags()).containsExactly("no sandbox: graded with --unsafe",
                "graded on a busy machine");
    }

    @Test
    @DisplayName("the CSV has a column per kata's points and status; cells are quoted, formulas defused")
    void csv() throws IOException {
        learner("=HYPERLINK(\"x\")", gradeJson(CLEAN, kata("01-serial", Status.IN_PROGRESS, 3, 8, 0, 0),
                kata("02-naive-parallel", Status.TIMED_OUT, 0, 13, 0, 0)), null);
        learner("zed, the late", null, null);

        String csv = ClassTable.csv(ClassTable.read(grades));

        assertThat(csv.split("\r\n", -1)).containsExactly(
                "learner,status,points,max points,bonus,max bonus,solved,seconds,01-serial points,01-serial status,"
                        + "02-naive-parallel points,02-naive-parallel status,flags",
                "\"'=HYPERLINK(\"\"x\"\")\",graded,3,21,0,0,0,31.4,3,in progress,0,timed out,02-naive-parallel timed out",
                "\"zed, the late\",not graded,,,,,,,,,,,no grade.json",
                "");
    }

    @Test
    @DisplayName("the JSON table reads back: learners, graded, the katas' order and every row")
    void json() throws IOException {
        learner("al", gradeJson(CLEAN, kata("01-serial", Status.SOLVED, 8, 8, 0, 0)), null);
        learner("bo", null, null);

        Map<String, Object> table = JsonReader.object(JsonReader.parse(ClassTable.json(ClassTable.read(grades))));

        assertThat(table.get("learners")).isEqualTo(new BigDecimal(2));
        assertThat(table.get("graded")).isEqualTo(new BigDecimal(1));
        assertThat(table.get("katas")).isEqualTo(List.of("01-serial"));
        List<Object> rows = JsonReader.array(table.get("rows"));
        assertThat(rows).extracting(r -> JsonReader.object(r).get("learner")).containsExactly("al", "bo");
        Map<String, Object> al = JsonReader.object(rows.getFirst());
        assertThat(JsonReader.array(al.get("katas"))).singleElement()
                .isEqualTo(Map.of("id", "01-serial", "status", "solved", "points", new BigDecimal(8),
                        "maxPoints", new BigDecimal(8), "bonusPoints", new BigDecimal(0),
                        "maxBonusPoints", new BigDecimal(0)));
        assertThat(JsonReader.object(rows.get(1)).get("flags")).isEqualTo(List.of("no grade.json"));
        assertThat(ClassTable.json(List.of())).isEqualTo("{\n  \"learners\": 0,\n  \"graded\": 0,\n  \"katas\": [],\n"
                + "  \"rows\": []\n}\n");
    }

    @Test
    @DisplayName("JsonReader reads what GradeJson escapes, and refuses what is not JSON")
    void jsonReader() {
        String tricky = "quote \" backslash \\ tab \t newline \n nul \u0000 line sep \u2028 é";
        assertThat(JsonReader.parse(GradeJson.string(tricky))).isEqualTo(tricky);
        assertThat(JsonReader.quote(tricky)).isEqualTo(GradeJson.string(tricky));
        assertThat(JsonReader.parse(" {\"a\": [1, -2.5e3, true, false, null, {}], \"b\": \"\\u0041\\/\"} "))
                .isEqualTo(Map.of("a", java.util.Arrays.asList(new BigDecimal(1), new BigDecimal("-2.5e3"), true, false,
                        null, Map.of()), "b", "A/"));
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "01", "\"open", "tru", "{} x", "\"\\x\"", "\"a\nb\"")) {
            assertThatThrownBy(() -> JsonReader.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not JSON: expected ");
        }
    }
}

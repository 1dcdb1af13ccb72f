package errgroupkatas.tools.grade;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The class table: one row per learner, merged from the learners' {@code grade.json} files, written
 * as {@code class.csv} (for a spreadsheet) and {@code class.json} (for an LMS or a script).
 *
 * <p>Usage: {@code ClassTable <grades dir>}. Every sub-folder of {@code <grades dir>} is one learner,
 * named by the folder, holding that learner's {@code grade.json} as {@code bin/grade} wrote it (and
 * possibly {@code grade.md} and {@code grade.log}); {@code bin/grade-class} lays it out so, and so
 * does the instructors' workflow after downloading its jobs' artifacts. A folder without a readable
 * {@code grade.json} is still a row: "not graded", with the reason (the last line of its
 * {@code grade.log} when there is one), so a learner whose grading failed is never silently left
 * out. The tables go into {@code <grades dir>}; the table is also printed. Exit code 0 when they
 * were written, 2 when they could not be.
 *
 * <p>A row holds the learner, the row's status ("graded" or "not graded"), the totals (points,
 * bonus, katas solved), the grading's wall time, each kata's points and status, and flags: what an
 * instructor should look at before trusting the number — tampered tests or build files, a kata that
 * crashed, timed out or does not compile, a broken rule, any {@code flags} the grade itself
 * lists, and each line of the folder's {@code flags.txt} (what the grading around {@code bin/grade}
 * noticed: {@code bin/grade-class} writes there that the machine was busy). Runs with the JDK alone, from its sources ({@code java tools/src/main/java/errgroupkatas/
 * tools/grade/ClassTable.java <dir>}), so merging needs no build.
 */
public final class ClassTable {

    /** The status of a row whose learner has a grade. */
    public static final String GRADED = "graded";
    /** The status of a row whose learner has no readable grade. */
    public static final String NOT_GRADED = "not graded";

    /** One kata of one learner's grade. */
    public record KataCell(String id, String status, int points, int maxPoints, int bonusPoints, int maxBonusPoints) {
    }

    /**
     * One learner's row.
     *
     * @param learner     the folder's name
     * @param status      {@link #GRADED} or {@link #NOT_GRADED}
     * @param points      the behaviour points earned (0 when not graded)
     * @param maxPoints   the behaviour points on offer (0 when not graded)
     * @param bonusPoints the bonus points earned
     * @param maxBonus    the bonus points on offer
     * @param solved      the katas solved
     * @param wallSeconds how long grading this learner took, as the grade says (0 when not graded)
     * @param katas       the grade's katas, in its (the catalog's) order
     * @param flags       what to look at before trusting the number; for a row not graded, why
     */
    public record Row(String learner, String status, int points, int maxPoints, int bonusPoints, int maxBonus,
            int solved, double wallSeconds, List<KataCell> katas, List<String> flags) {
    }

    private ClassTable() {
    }

    public static void main(String[] args) {
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: ClassTable <grades dir>   (one sub-folder per learner, each with its grade.json)");
            System.exit(2);
        }
        try {
            Path dir = Path.of(args[0]).toAbsolutePath().normalize();
            List<Row> rows = read(dir);
            Files.writeString(dir.resolve("class.csv"), csv(rows), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("class.json"), json(rows), StandardCharsets.UTF_8);
            System.out.print(text(rows));
            System.out.println("class table: " + dir.resolve("class.csv") + " and class.json (" + rows.size()
                    + " learners, " + rows.stream().filter(r -> r.status().equals(GRADED)).count() + " graded)");
            System.exit(0);
        } catch (IOException | RuntimeException e) {
            System.err.println("class table: could not be written: " + e);
            System.exit(2);
        }
    }

    /** A row for every sub-folder of {@code dir} (hidden ones aside), in the order of their names. */
    public static List<Row> read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a folder");
        }
        List<Path> learners;
        try (Stream<Path> list = Files.list(dir)) {
            learners = list.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
        List<Row> rows = new ArrayList<>();
        for (Path learner : learners) {
            rows.add(row(learner.getFileName().toString(), learner));
        }
        return rows;
    }

    /** The row of the learner whose grade files are in {@code folder}. */
    static Row row(String learner, Path folder) throws IOException {
        Path gradeJson = folder.resolve("grade.json");
        if (!Files.isRegularFile(gradeJson)) {
            return notGraded(learner, "no grade.json" + lastLogLine(folder));
        }
        Map<String, Object> grade;
        try {
            grade = JsonReader.object(JsonReader.parse(Files.readString(gradeJson, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | java.nio.charset.MalformedInputException e) {
            return notGraded(learner, "grade.json is unreadable (" + e.getMessage() + ")");
        }
        if (!grade.containsKey("katas") || !grade.containsKey("totals")) {
            return notGraded(learner, "grade.json has no totals or katas: not a grade bin/grade wrote");
        }
        Map<String, Object> totals = JsonReader.object(grade.get("totals"));
        List<KataCell> katas = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        for (Object k : JsonReader.array(grade.get("katas"))) {
            Map<String, Object> kata = JsonReader.object(k);
            String id = JsonReader.string(kata.get("id"), "?");
            String status = JsonReader.string(kata.get("status"), "?");
            katas.add(new KataCell(id, status, JsonReader.integer(kata.get("points"), 0),
                    JsonReader.integer(kata.get("maxPoints"), 0), JsonReader.integer(kata.get("bonusPoints"), 0),
                    JsonReader.integer(kata.get("maxBonusPoints"), 0)));
            if (!Set.of("solved", "in progress", "not started").contains(status)) {
                flags.add(id + " " + status);
            }
            for (Object rule : JsonReader.array(kata.get("brokenRules"))) {
                flags.add(id + " rule broken: " + JsonReader.string(rule, "?"));
            }
        }
        Map<String, Object> tamper = JsonReader.object(grade.get("tamper"));
        if (Boolean.FALSE.equals(tamper.get("clean"))) {
            flags.add(tampering(tamper));
        }
        for (Object flag : JsonReader.array(grade.get("flags"))) {
            flags.add(JsonReader.string(flag, String.valueOf(flag)));
        }
        flags.addAll(extraFlags(folder));
        return new Row(learner, GRADED, JsonReader.integer(totals.get("points"), 0),
                JsonReader.integer(totals.get("maxPoints"), 0), JsonReader.integer(totals.get("bonusPoints"), 0),
                JsonReader.integer(totals.get("maxBonusPoints"), 0), JsonReader.integer(totals.get("solved"), 0),
                JsonReader.decimal(grade.get("wallSeconds"), 0), List.copyOf(katas), List.copyOf(flags));
    }

    /** The lines of the folder's {@code flags.txt}: what the grading around bin/grade noticed (e.g. a busy machine). */
    private static List<String> extraFlags(Path folder) throws IOException {
        Path file = folder.resolve("flags.txt");
        return Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(l -> !l.isEmpty()).toList() : List.of();
    }

    private static Row notGraded(String learner, String why) {
        return new Row(learner, NOT_GRADED, 0, 0, 0, 0, 0, 0, List.of(), List.of(why));
    }

    /** "tampered: 1 changed, 1 added, 1 missing (katas/01-serial/src/test/…/FriendsHandlerTest.java, …)". */
    private static String tampering(Map<String, Object> tamper) {
        List<String> files = new ArrayList<>();
        StringBuilder b = new StringBuilder("tampered:");
        String sep = " ";
        for (String kind : List.of("changed", "added", "missing")) {
            List<Object> list = JsonReader.array(tamper.get(kind));
            if (!list.isEmpty()) {
                b.append(sep).append(list.size()).append(' ').append(kind);
                sep = ", ";
                list.forEach(f -> files.add(JsonReader.string(f, "?")));
            }
        }
        b.append(" (").append(String.join(", ", files.subList(0, Math.min(3, files.size()))));
        return b.append(files.size() > 3 ? ", …)" : ")").append(": the pristine tests were used").toString();
    }

    /** "; grade.log ends: <its last line that starts with "grade", else its last non-blank line>", or nothing. */
    private static String lastLogLine(Path folder) throws IOException {
        Path log = folder.resolve("grade.log");
        if (!Files.isRegularFile(log)) {
            return "";
        }
        List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            return "";
        }
        // bin/grade's own lines ("grade: grading failed: …") say why; a stack trace's last frame does not.
        String last = lines.reversed().stream().filter(l -> l.startsWith("grade")).findFirst()
                .orElse(lines.getLast()).strip();
        return "; grade.log ends: " + (last.length() > 200 ? last.substring(0, 200) + "…" : last);
    }

    /** The katas of every graded row, in the order they first appear (the catalog's). */
    static List<String> kataIds(List<Row> rows) {
        Set<String> ids = new LinkedHashSet<>();
        rows.forEach(r -> r.katas().forEach(k -> ids.add(k.id())));
        return List.copyOf(ids);
    }

    /**
     * The table as CSV (RFC 4180, a header row first): learner, status, points, max points, bonus,
     * max bonus, solved, seconds, then per kata its points and its status, then the flags joined
     * with "; ". A cell a spreadsheet would read as a formula (it starts with =, +, -, @) is
     * prefixed with an apostrophe: learner names and flags come from the submissions.
     */
    public static String csv(List<Row> rows) {
        List<String> ids = kataIds(rows);
        List<String> header = new ArrayList<>(List.of("learner", "status", "points", "max points", "bonus",
                "max bonus", "solved", "seconds"));
        for (String id : ids) {
            header.add(id + " points");
            header.add(id + " status");
        }
        header.add("flags");
        StringBuilder b = new StringBuilder(csvLine(header));
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(r.learner(), r.status(), number(r, r.points()),
                    number(r, r.maxPoints()), number(r, r.bonusPoints()), number(r, r.maxBonus()),
                    number(r, r.solved()), r.status().equals(GRADED) ? seconds(r.wallSeconds()) : ""));
            Map<String, KataCell> byId = new LinkedHashMap<>();
            r.katas().forEach(k -> byId.put(k.id(), k));
            for (String id : ids) {
                KataCell k = byId.get(id);
                cells.add(k == null ? "" : String.valueOf(k.points()));
                cells.add(k == null ? "" : k.status());
            }
            cells.add(String.join("; ", r.flags()));
            b.append(csvLine(cells));
        }
        return b.toString();
    }

    private static String number(Row r, int value) {
        return r.status().equals(GRADED) ? String.valueOf(value) : "";
    }

    private static String csvLine(List<String> cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            if (!c.isEmpty() && "=+-@".indexOf(c.charAt(0)) >= 0 && !c.matches("-?\\d+(\\.\\d+)?")) {
                c = "'" + c;
            }
            if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")) {
                c = "\"" + c.replace("\"", "\"\"") + "\"";
            }
            b.append(i == 0 ? "" : ",").append(c);
        }
        return b.append("\r\n").toString();
    }

    /**
     * The table as JSON:
     * <pre>{@code
     * { "learners": N, "graded": N, "katas": ["01-serial", ...],
     *   "rows": [ { "learner", "status", "points", "maxPoints", "bonusPoints", "maxBonusPoints", "solved",
     *               "wallSeconds", "katas": [ { "id", "status", "points", "maxPoints", "bonusPoints",
     *               "maxBonusPoints" } ], "flags": [..] } ] }
     * }</pre>
     */
    public static String json(List<Row> rows) {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"learners\": ").append(rows.size()).append(",\n");
        b.append("  \"graded\": ").append(rows.stream().filter(r -> r.status().equals(GRADED)).count()).append(",\n");
        b.append("  \"katas\": ").append(strings(kataIds(rows))).append(",\n");
        b.append("  \"rows\": [");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"learner\": ").append(JsonReader.quote(r.learner()))
                    .append(", \"status\": ").append(JsonReader.quote(r.status()))
                    .append(", \"points\": ").append(r.points()).append(", \"maxPoints\": ").append(r.maxPoints())
                    .append(", \"bonusPoints\": ").append(r.bonusPoints())
                    .append(", \"maxBonusPoints\": ").append(r.maxBonus())
                    .append(", \"solved\": ").append(r.solved())
                    .append(", \"wallSeconds\": ").append(seconds(r.wallSeconds()))
                    .append(",\n     \"katas\": [");
            for (int j = 0; j < r.katas().size(); j++) {
                KataCell k = r.katas().get(j);
                b.append(j == 0 ? "" : ", ").append("{\"id\": ").append(JsonReader.quote(k.id()))
                        .append(", \"status\": ").append(JsonReader.quote(k.status()))
                        .append(", \"points\": ").append(k.points()).append(", \"maxPoints\": ").append(k.maxPoints())
                        .append(", \"bonusPoints\": ").append(k.bonusPoints())
                        .append(", \"maxBonusPoints\": ").append(k.maxBonusPoints()).append('}');
            }
            b.append("],\n     \"flags\": ").append(strings(r.flags())).append('}');
        }
        return b.append(rows.isEmpty() ? "]\n}\n" : "\n  ]\n}\n").toString();
    }

    private static String strings(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(JsonReader.quote(values.get(i)));
        }
        return b.append(']').toString();
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f", s);
    }

    /** The table for a terminal: learner, total, each kata's points, flags. */
    static String text(List<Row> rows) {
        List<String> ids = kataIds(rows);
        int width = Math.max(7, rows.stream().mapToInt(r -> r.learner().length()).max().orElse(0));
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-" + width + "s  %9s", "learner", "points"));
        ids.forEach(id -> b.append(String.format(Locale.ROOT, "  %5s", id.substring(0, Math.min(2, id.length())))));
        b.append("  flags\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%-" + width + "s  %9s", r.learner(),
                    r.status().equals(GRADED) ? r.points() + "/" + r.maxPoints() : NOT_GRADED));
            Map<String, KataCell> byId = new LinkedHashMap<>();
            r.katas().forEach(k -> byId.put(k.id(), k));
            for (String id : ids) {
                KataCell k = byId.get(id);
                b.append(String.format(Locale.ROOT, "  %5s", k == null ? "" : k.points() + "/" + k.maxPoints()));
            }
            b.append("  ").append(String.join("; ", r.flags())).append('\n');
        }
        return b.toString();
    }
}

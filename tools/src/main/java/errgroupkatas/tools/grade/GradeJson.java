package errgroupkatas.tools.grade;

import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link GradeReport} as {@code grade.json}: a hand-written JSON document (no library)
 * whose strings are escaped per RFC 8259. Shape:
 * <pre>{@code
 * { "submission", "pristine", "baseline", "jdk", "sandbox", "startedAt", "wallSeconds", "kataTimeoutSeconds",
 *   "totals": { "points", "maxPoints", "bonusPoints", "maxBonusPoints", "solved", "katas" },
 *   "katas": [ { "id", "title", "status", "problem", "points", "maxPoints", "bonusPoints",
 *                "maxBonusPoints", "brokenRules": [..], "notes": [..], "seconds",
 *                "tests": [ { "key", "display", "kind", "status", "points", "maxPoints", "message" } ] } ],
 *   "tamper": { "clean", "changed": [..], "added": [..], "missing": [..] },
 *   "symlinks": [..] }
 * }</pre>
 * Statuses are spelled as in the Markdown report: a kata's is one of "solved", "in progress",
 * "not started", "does not compile", "crashed", "timed out", "refused", "not graded"; a test's is
 * PASSED, FAILED, ABORTED, SKIPPED or "NOT RUN". The submission, pristine and baseline are folder
 * names, never the grader's absolute paths; {@code symlinks} lists the submission's symbolic links
 * (relative paths), none of which the grader followed.
 */
final class GradeJson {

    private GradeJson() {
    }

    static String of(GradeReport r) {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"submission\": ").append(string(GradeMarkdown.name(r.submission()))).append(",\n");
        b.append("  \"pristine\": ").append(string(GradeMarkdown.name(r.pristine()))).append(",\n");
        b.append("  \"baseline\": ").append(string(GradeMarkdown.name(r.baseline()))).append(",\n");
        b.append("  \"jdk\": ").append(string(r.jdk())).append(",\n");
        b.append("  \"sandbox\": ").append(string(r.sandbox())).append(",\n");
        b.append("  \"startedAt\": ").append(string(r.startedAt().toString())).append(",\n");
        b.append("  \"wallSeconds\": ").append(seconds(r.wallTime().toMillis())).append(",\n");
        b.append("  \"kataTimeoutSeconds\": ").append(r.kataTimeout().toSeconds()).append(",\n");
        b.append("  \"totals\": {\"points\": ").append(r.points()).append(", \"maxPoints\": ").append(r.maxPoints())
                .append(", \"bonusPoints\": ").append(r.bonusPoints()).append(", \"maxBonusPoints\": ")
                .append(r.maxBonusPoints()).append(", \"solved\": ").append(r.solved()).append(", \"katas\": ")
                .append(r.katas().size()).append("},\n");
        b.append("  \"katas\": [");
        for (int i = 0; i < r.katas().size(); i++) {
            KataGrade k = r.katas().get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"id\": ").append(string(k.id()))
                    .append(", \"title\": ").append(string(k.title()))
                    .append(", \"status\": ").append(string(k.status().label()))
                    .append(", \"problem\": ").append(string(k.problem()))
                    .append(", \"points\": ").append(k.points()).append(", \"maxPoints\": ").append(k.maxPoints())
                    .append(", \"bonusPoints\": ").append(k.bonusPoints())
                    .append(", \"maxBonusPoints\": ").append(k.maxBonusPoints())
                    .append(", \"brokenRules\": ").append(strings(k.brokenRules()))
                    .append(", \"notes\": ").append(strings(k.notes()))
                    .append(", \"seconds\": ").append(seconds(k.elapsed().toMillis()))
                    .append(",\n     \"tests\": [");
            for (int j = 0; j < k.tests().size(); j++) {
                KataGrade.TestGrade t = k.tests().get(j);
                b.append(j == 0 ? "\n" : ",\n").append("       {\"key\": ").append(string(t.key()))
                        .append(", \"display\": ").append(string(t.display()))
                        .append(", \"kind\": ").append(string(t.kind().label()))
                        .append(", \"status\": ").append(string(t.status()))
                        .append(", \"points\": ").append(t.points()).append(", \"maxPoints\": ").append(t.maxPoints())
                        .append(", \"message\": ").append(string(t.message())).append('}');
            }
            b.append("]}");
        }
        b.append("\n  ],\n");
        TamperCheck.Report t = r.tamper();
        b.append("  \"tamper\": {\"clean\": ").append(t.clean()).append(", \"changed\": ").append(strings(t.changed()))
                .append(", \"added\": ").append(strings(t.added())).append(", \"missing\": ")
                .append(strings(t.missing())).append("},\n");
        b.append("  \"symlinks\": ").append(strings(r.symlinks())).append("\n}\n");
        return b.toString();
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    private static String strings(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(string(values.get(i)));
        }
        return b.append(']').toString();
    }

    /** {@code s} as a JSON string literal. */
    static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}

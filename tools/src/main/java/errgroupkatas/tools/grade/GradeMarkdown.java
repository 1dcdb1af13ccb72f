package errgroupkatas.tools.grade;

import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link GradeReport} as {@code grade.md}: the totals, a table of the katas, the tamper
 * evidence, then a table of tests per kata, and a closing line with the JDK, the time and the wall
 * time. Failure messages are cut to {@value #MESSAGE_CHARS} characters (grade.json has them whole).
 */
final class GradeMarkdown {

    private static final int MESSAGE_CHARS = 300;

    private GradeMarkdown() {
    }

    static String of(GradeReport r) {
        StringBuilder b = new StringBuilder();
        b.append("# Grade\n\n");
        b.append("Submission `").append(name(r.submission())).append("`, graded with the tests, support, story and"
                + " poms of the instructor's repository.\n\n");
        b.append("**Total: ").append(r.points()).append(" of ").append(r.maxPoints()).append(" points**, bonus ")
                .append(r.bonusPoints()).append(" of ").append(r.maxBonusPoints()).append(", ").append(r.solved())
                .append(" of ").append(r.katas().size()).append(" katas solved.\n\n");
        if (r.unsandboxed()) {
            b.append("**Graded without a sandbox** (`--unsafe-no-sandbox`): kata code ran as the grader's user, with its"
                    + " files, network and processes, and could have forged this grade.\n\n");
        } else {
            b.append("Kata code ran in a sandbox: ").append(r.sandbox()).append(".\n\n");
        }
        b.append("| kata | status | points | bonus | notes |\n|---|---|---|---|---|\n");
        for (KataGrade k : r.katas()) {
            b.append("| ").append(cell(k.id())).append(" | ").append(k.status().label()).append(" | ")
                    .append(k.points()).append(" / ").append(k.maxPoints()).append(" | ")
                    .append(k.maxBonusPoints() == 0 ? "" : k.bonusPoints() + " / " + k.maxBonusPoints()).append(" | ")
                    .append(cell(notes(k))).append(" |\n");
        }
        if (!r.symlinks().isEmpty()) {
            b.append("\n## Symbolic links\n\n");
            b.append("The grader follows no link in a submission: these were not followed, and a kata whose sources"
                    + " have one is refused. Commit the files themselves.\n\n");
            paths(b, "link", r.symlinks());
        }
        b.append("\n## Tamper check\n\n");
        TamperCheck.Report t = r.tamper();
        if (t.clean()) {
            b.append("No test, support, story, tools, pom or `.mvn` file differs from the tree the learner was"
                    + " given.\n");
        } else {
            b.append("These files of the submission differ from the tree the learner was given. The grade above"
                    + " does not use them: it ran the pristine tests.\n\n");
            paths(b, "changed", t.changed());
            paths(b, "added", t.added());
            paths(b, "missing", t.missing());
        }
        for (KataGrade k : r.katas()) {
            b.append("\n## ").append(k.id()).append(": ").append(k.title()).append("\n\n");
            b.append("**").append(k.status().label()).append("**, ").append(k.points()).append(" of ")
                    .append(k.maxPoints()).append(" points");
            if (k.maxBonusPoints() > 0) {
                b.append(", bonus ").append(k.bonusPoints()).append(" of ").append(k.maxBonusPoints());
            }
            b.append(String.format(Locale.ROOT, " (graded in %.1f s)%n%n", k.elapsed().toMillis() / 1000.0));
            if (!k.problem().isEmpty()) {
                b.append("```\n").append(k.problem().replace("```", "'''")).append("\n```\n\n");
            }
            for (String rule : k.brokenRules()) {
                b.append("- rule broken: ").append(rule).append('\n');
            }
            for (String note : k.notes()) {
                b.append("- noticed: ").append(note).append('\n');
            }
            if (!k.brokenRules().isEmpty() || !k.notes().isEmpty()) {
                b.append('\n');
            }
            b.append("| test | kind | status | points | message |\n|---|---|---|---|---|\n");
            for (KataGrade.TestGrade test : k.tests()) {
                b.append("| ").append(cell(test.key().contains("[") ? test.key() : test.key() + ": " + test.display()))
                        .append(" | ").append(test.kind().label()).append(" | ").append(test.status()).append(" | ")
                        .append(test.points()).append(" / ").append(test.maxPoints()).append(" | ")
                        .append(cell(cut(test.message()))).append(" |\n");
            }
        }
        b.append(String.format(Locale.ROOT, "%n---%nGraded on JDK %s at %s in %.1f s (kata timeout %d s), sandbox: %s.%n",
                r.jdk(), r.startedAt(), r.wallTime().toMillis() / 1000.0, r.kataTimeout().toSeconds(), r.sandbox()));
        return b.toString();
    }

    /** A folder's name alone: the report never shows the grader's absolute paths. */
    static String name(java.nio.file.Path folder) {
        java.nio.file.Path name = folder.getFileName();
        return name == null ? "" : name.toString();
    }

    private static String notes(KataGrade k) {
        String noticed = k.notes().isEmpty() ? "" : " (" + k.notes().size() + " noticed below)";
        return tableNotes(k) + noticed;
    }

    private static String tableNotes(KataGrade k) {
        if (!k.problem().isEmpty()) {
            // The problem's first line, and the next one too when the first only introduces it
            // (javac's first error after "... does not compile:").
            List<String> lines = k.problem().lines().limit(2).toList();
            return lines.getFirst().endsWith(":") && lines.size() > 1
                    ? lines.getFirst() + " " + lines.get(1).strip() : lines.getFirst();
        }
        return k.brokenRules().stream().map(rule -> "rule broken: " + rule).reduce((a, c) -> a + "; " + c).orElse("");
    }

    private static void paths(StringBuilder b, String what, List<String> paths) {
        for (String p : paths) {
            b.append("- ").append(what).append(": `").append(p).append("`\n");
        }
    }

    private static String cut(String message) {
        return message.length() <= MESSAGE_CHARS ? message : message.substring(0, MESSAGE_CHARS) + "…";
    }

    /** Text that is safe in a table cell: one line, pipes escaped. */
    private static String cell(String text) {
        return text.replace("\r", "").replace("\n", " ⏎ ").replace("|", "\\|");
    }
}

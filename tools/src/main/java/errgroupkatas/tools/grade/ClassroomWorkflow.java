package errgroupkatas.tools.grade;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The learners' GitHub Classroom workflow ({@code .github/workflows/classroom.yml} of the exported
 * repository), written from the grader's own grade of the stubs, so that its points are the
 * grader's: one autograding step per kata worth the kata's behaviour points, and one per kata with
 * bonus tests worth its bonus points.
 *
 * <p>Usage: {@code ClassroomWorkflow <grade.json>}, where {@code grade.json} is what {@code bin/grade}
 * wrote for the learners' repository as exported (every kata a stub): the grader counts each
 * kata's points out of the tests its pristine stub run lists, weighed by
 * {@code katas/catalog.properties}, whatever the submission. Prints the workflow. Exit code 2, and
 * no workflow, when that grade is not one of stubs (a kata is not "not started" or earned a point):
 * its points could then not be trusted. {@code bin/export-student} runs it (from its source, with
 * the JDK alone).
 *
 * <p>Each kata's step runs {@code mvn -B verify -pl katas/NN-name -am -Dmaven.test.failure.ignore=false}
 * ({@code -am} builds the shared modules from the learner's checkout, never from a snapshot a runner's
 * Maven cache kept): its exit status is that kata's verdict whatever
 * the build's default for test failures, because Surefire fails the build on a failed, errored or
 * crashed test of that kata and on nothing else. A step scores all its points or none, as GitHub
 * Classroom's command grader does.
 */
public final class ClassroomWorkflow {

    /** A kata's points as the grader counts them. */
    record KataPoints(String id, int maxPoints, int maxBonusPoints) {
    }

    private ClassroomWorkflow() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: ClassroomWorkflow <grade.json of the exported stubs>");
            System.exit(2);
        }
        try {
            System.out.print(yaml(points(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8))));
            System.out.flush();
            System.exit(0);
        } catch (IOException e) {
            System.err.println("classroom workflow: cannot read " + args[0] + " (" + e + ")");
            System.exit(2);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("classroom workflow: " + args[0] + ": " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Each kata's points from a grade of the stubs.
     *
     * @throws IllegalStateException the grade is not one of stubs, or has no kata
     */
    static List<KataPoints> points(String gradeJson) {
        Map<String, Object> grade = JsonReader.object(JsonReader.parse(gradeJson));
        List<KataPoints> katas = new ArrayList<>();
        for (Object k : JsonReader.array(grade.get("katas"))) {
            Map<String, Object> kata = JsonReader.object(k);
            String id = JsonReader.string(kata.get("id"), "");
            String status = JsonReader.string(kata.get("status"), "");
            int points = JsonReader.integer(kata.get("points"), -1) + JsonReader.integer(kata.get("bonusPoints"), -1);
            int max = JsonReader.integer(kata.get("maxPoints"), 0);
            if (!id.matches("\\d\\d-[a-z0-9-]+") || !status.equals("not started") || points != 0 || max <= 0) {
                throw new IllegalStateException("kata " + id + " is " + status + " with " + points + " points of "
                        + max + " in this grade: it is not a grade of the stubs (every kata not started, 0 points,"
                        + " some to earn), so its points cannot be trusted");
            }
            katas.add(new KataPoints(id, max, JsonReader.integer(kata.get("maxBonusPoints"), 0)));
        }
        if (katas.isEmpty()) {
            throw new IllegalStateException("the grade lists no kata");
        }
        return List.copyOf(katas);
    }

    /** The workflow for these katas. */
    static String yaml(List<KataPoints> katas) {
        StringBuilder b = new StringBuilder();
        int total = katas.stream().mapToInt(KataPoints::maxPoints).sum();
        int bonus = katas.stream().mapToInt(KataPoints::maxBonusPoints).sum();
        b.append("""
                # GitHub Classroom autograding: one step per kata, worth the kata's points as the instructor's
                # grader counts them (katas/catalog.properties over each kata's tests): %d points%s.
                # Written by the maintainers' export (bin/export-student): do not edit; they export it again.
                # A step's command exits non-zero when any of that kata's tests fails, and then scores 0.
                # This is feedback: the grade of record is the instructor's own run of the pristine tests.
                name: Autograding Tests
                on:
                  push:
                  workflow_dispatch:
                  repository_dispatch:
                permissions:
                  checks: write
                  actions: read
                  contents: read
                jobs:
                  run-autograding-tests:
                    runs-on: ubuntu-latest
                    if: github.actor != 'github-classroom[bot]'
                    steps:
                      - uses: actions/checkout@v4
                      - uses: actions/setup-java@v4
                        with:
                          distribution: temurin
                          java-version: '25'
                          cache: maven
                """.formatted(total, bonus > 0 ? ", bonus " + bonus : ""));
        List<String> runners = new ArrayList<>();
        for (KataPoints k : katas) {
            String number = k.id().substring(0, 2);
            String command = "mvn -B verify -pl katas/" + k.id() + " -am -Dmaven.test.failure.ignore=false";
            step(b, k.id(), "kata-" + number, command + (k.maxBonusPoints() > 0 ? " -DexcludedGroups=bonus" : ""),
                    k.maxPoints());
            runners.add("kata-" + number);
            if (k.maxBonusPoints() > 0) {
                step(b, k.id() + " bonus", "kata-" + number + "-bonus", command + " -Dgroups=bonus",
                        k.maxBonusPoints());
                runners.add("kata-" + number + "-bonus");
            }
        }
        b.append("""
                      - name: Autograding Reporter
                        uses: classroom-resources/autograding-grading-reporter@v1
                        env:
                """);
        for (String runner : runners) {
            b.append("          ").append(runner.toUpperCase(java.util.Locale.ROOT)).append("_RESULTS: \"${{ steps.")
                    .append(runner).append(".outputs.result }}\"\n");
        }
        b.append("        with:\n          runners: ").append(String.join(",", runners)).append('\n');
        return b.toString();
    }

    private static void step(StringBuilder b, String name, String id, String command, int maxScore) {
        b.append("      - name: ").append(name).append('\n')
                .append("        id: ").append(id).append('\n')
                .append("        uses: classroom-resources/autograding-command-grader@v1\n")
                .append("        with:\n")
                .append("          test-name: ").append(name).append('\n')
                .append("          command: ").append(command).append('\n')
                .append("          timeout: 10\n")
                .append("          max-score: ").append(maxScore).append('\n');
    }
}

package errgroupkatas.tools.coach;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Maintainers' measurement of the coach's save→verdict time (JDK only, so it runs as a source
 * file: {@code bin/coach-latency}). It starts the coach as a learner does ({@code mvn -o -q -Pcoach}
 * in the repository), waits for its first run to end, then saves kata 01's
 * {@code FriendsHandler.java} {@code saves} times, alternating the stub (verdict FAIL, its first
 * test) and the reference solution (verdict PASS, after every test and rule), and measures each
 * time from just before the file write to the moment the verdict line ({@code PASS}/{@code FAIL}/
 * {@code ERROR 01-serial}) is read from the coach's output; it waits for the run's end before the
 * next save. Then, with {@code mvnRuns} > 0, the same change that many times through
 * {@code mvn -q -o verify -pl katas/01-serial -am}, timed to its end. The stub is restored at the end.
 *
 * <p>Usage: {@code CoachLatency <repository root> [saves=20] [mvnRuns=3]}.
 */
public final class CoachLatency {

    private static final String STUB = "katas/01-serial/src/main/java/errgroupkatas/serial/FriendsHandler.java";
    private static final String SOLUTION = "solutions/01-serial/src/main/java/errgroupkatas/serial/FriendsHandler.java";

    record Line(long at, String text) {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        int saves = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int mvnRuns = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path stub = root.resolve(STUB);
        String original = Files.readString(stub);
        String solution = Files.readString(root.resolve(SOLUTION));
        System.out.println("load average at start: " + loadAverage());
        try {
            measureCoach(root, stub, original, solution, saves);
            if (mvnRuns > 0) {
                measureMaven(root, stub, original, solution, mvnRuns);
            }
        } finally {
            Files.writeString(stub, original);
        }
        System.out.println("load average at end: " + loadAverage());
    }

    private static void measureCoach(Path root, Path stub, String original, String solution, int saves) throws Exception {
        Process coach = new ProcessBuilder("mvn", "-o", "-q", "-Pcoach").directory(root.toFile())
                .redirectErrorStream(true).start();
        BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(coach.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) {
                    lines.add(new Line(System.nanoTime(), l));
                }
            } catch (IOException e) {
                // the coach ended
            }
        });
        try {
            await(lines, "keys: ", 300);
            List<Long> all = new ArrayList<>(), fail = new ArrayList<>(), pass = new ArrayList<>();
            for (int i = 0; i < saves; i++) {
                boolean toSolution = i % 2 == 0;
                long start = System.nanoTime();
                Files.writeString(stub, toSolution ? solution : original);
                Line verdict = awaitVerdict(lines);
                long nanos = verdict.at() - start;
                all.add(nanos);
                (verdict.text().startsWith("PASS") ? pass : fail).add(nanos);
                System.out.printf(Locale.ROOT, "save %2d -> %-60s %6.3f s%n", i + 1, cut(verdict.text(), 60), nanos / 1e9);
                await(lines, "keys: ", 120);
            }
            System.out.println("coach save->verdict over " + saves + " saves: " + stats(all));
            System.out.println("  FAIL verdicts (stub): " + stats(fail));
            System.out.println("  PASS verdicts (solution, after every test and rule): " + stats(pass));
        } finally {
            try (OutputStream in = coach.getOutputStream()) {
                in.write("q\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // already gone
            }
            if (!coach.waitFor(30, TimeUnit.SECONDS)) {
                coach.descendants().forEach(ProcessHandle::destroyForcibly);
                coach.destroyForcibly();
            }
            reader.join(5000);
        }
    }

    private static void measureMaven(Path root, Path stub, String original, String solution, int runs) throws Exception {
        List<Long> all = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            boolean toSolution = i % 2 == 0;
            long start = System.nanoTime();
            Files.writeString(stub, toSolution ? solution : original);
            Process mvn = new ProcessBuilder("mvn", "-q", "-o", "verify", "-pl", "katas/01-serial", "-am")
                    .directory(root.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!mvn.waitFor(20, TimeUnit.MINUTES)) {
                mvn.destroyForcibly();
            }
            long nanos = System.nanoTime() - start;
            all.add(nanos);
            System.out.printf(Locale.ROOT, "mvn run %d (%s, exit %d): %.1f s%n", i + 1, toSolution ? "solution" : "stub",
                    mvn.exitValue(), nanos / 1e9);
        }
        System.out.println("mvn -q -o verify -pl katas/01-serial -am over " + runs + " runs: " + stats(all));
    }

    private static Line awaitVerdict(BlockingQueue<Line> lines) throws InterruptedException {
        return await(lines, null, 120);
    }

    /** The next line that starts with {@code prefix} (null: a verdict line of kata 01). */
    private static Line await(BlockingQueue<Line> lines, String prefix, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Line l = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (l == null) {
                throw new IllegalStateException("the coach printed no " + (prefix == null ? "verdict" : "'" + prefix + "'")
                        + " line within " + seconds + " s");
            }
            if (prefix == null ? l.text().matches("(PASS|FAIL|ERROR) +01-serial .*") : l.text().startsWith(prefix)) {
                return l;
            }
        }
    }

    private static String stats(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return "none";
        }
        long[] s = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
        return String.format(Locale.ROOT, "min %.3f s, median %.3f s, max %.3f s (n=%d)", s[0] / 1e9, median / 1e9,
                s[s.length - 1] / 1e9, s.length);
    }

    private static String loadAverage() {
        try {
            return Arrays.toString(Files.readString(Path.of("/proc/loadavg")).strip().split(" ", 4)).replaceAll(", [^,]*]$", "]");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}

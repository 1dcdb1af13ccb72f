package errgroupkatas.tools;

import errgroupkatas.tools.sandbox.Sandbox;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs one kata's compiled tests against several variants of its main code, one after another in a
 * single fresh JVM inside a {@link Sandbox}, once: the grader's run. Kata code in that JVM cannot
 * forge the results the grader reads, as far as the sandbox and the JVM allow:
 * <ul>
 *   <li>no results file: the results come back over the JVM's standard output, a pipe the grader
 *       reads, each line under a random key written to the JVM's standard input and read by
 *       {@link KataTestRun} before any kata class loads; a line without the key (kata code printing,
 *       say, "every test passed") is output, never a result, and is counted as forged when it
 *       looks like one;</li>
 *   <li>the output the grader keeps is capped at {@value #OUTPUT_CAP_BYTES} bytes (the results are
 *       read past the cap), in a log outside the sandbox;</li>
 *   <li>when the harness says it is done, the processes the run still has (a {@code setsid} child, a
 *       re-parented grandchild) are listed and killed, and the sandbox's PID namespace ends the rest
 *       with the JVM.</li>
 * </ul>
 * What a sandbox cannot stop is kata code that reads the key out of the harness's memory in the same
 * JVM (reflection on the harness, method handles, {@code sun.misc.Unsafe}, the foreign-memory API, a
 * heap dump): the grader's scan of the submission's compiled classes
 * ({@code errgroupkatas.tools.grade.ClassFileScan}, the {@code KataApi} allow-list) refuses those
 * APIs before any kata code runs, and only then does the grader start this run. Printing on
 * {@code System.out}, which the allow-list permits, is left, and without the key it forges nothing.
 */
public final class ConfinedKataRun {

    /** How much of the test JVM's output (other than results) the grader keeps: 1 MiB. */
    public static final int OUTPUT_CAP_BYTES = 1 << 20;

    /**
     * What came of the run: an outcome per variant, in the order given, and what the grader noticed
     * about the run beyond the tests (output cut, forged result lines, processes left behind,
     * limits hit), each a sentence.
     */
    public record Result(Map<String, ForkedKataRun.Outcome> outcomes, List<String> notes) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path testClasses;
    private final Path workDir;
    private final Sandbox sandbox;

    /**
     * @param testClasses the kata's compiled tests
     * @param workDir     where the plan, the JVM's output ({@code all.output.log}, capped) and the
     *                    sandbox's writable {@code scratch/} go; created if missing
     * @param sandbox     where the JVM runs
     */
    public ConfinedKataRun(Path testClasses, Path workDir, Sandbox sandbox) {
        this.testClasses = testClasses;
        this.workDir = workDir;
        this.sandbox = sandbox;
    }

    /**
     * Runs the variants one after another in a single fresh JVM, once: no retry, whatever happens.
     * The JVM is killed (with its sandbox and every process in it) when it outlives {@code timeout}. A
     * variant the JVM did not finish has an outcome that {@linkplain ForkedKataRun.Outcome#crashed()
     * crashed} (with {@link ForkedKataRun.Outcome#timedOut()} set when it was killed for time), and keeps
     * the results of the tests that did finish. Blocks at most about {@code timeout}.
     */
    public Result run(List<ForkedKataRun.Variant> variants, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path plan = workDir.resolve("all.plan.tsv");
        Path log = workDir.resolve("all.output.log");
        Path scratch = workDir.resolve("scratch");
        ForkedKataRun.deleteRecursively(scratch);
        List<Path> readOnly = new ArrayList<>(List.of(Path.of(System.getProperty("java.home")), testClasses, plan));
        List<String> lines = new ArrayList<>();
        for (ForkedKataRun.Variant v : variants) {
            lines.add(String.join("\t", v.name(), v.mainClasspath().stream().map(Path::toString)
                    .collect(Collectors.joining(File.pathSeparator)), "-", String.join(",", v.tests())));
            readOnly.addAll(v.mainClasspath());
        }
        Files.write(plan, lines);
        String classpath = System.getProperty("java.class.path");
        Arrays.stream(classpath.split(File.pathSeparator)).filter(e -> !e.isEmpty()).map(Path::of).forEach(readOnly::add);
        List<String> java = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx768m", "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + scratch.toAbsolutePath()));
        java.addAll(ForkedKataRun.extraJvmArgs());
        java.addAll(List.of("-cp", classpath, KataTestRun.class.getName(), testClasses.toString(), plan.toString(),
                KataTestRun.RESULTS_ON_STDOUT));

        String key = HexFormat.of().formatHex(randomBytes());
        Process p = new ProcessBuilder(sandbox.command(java, readOnly, scratch)).redirectErrorStream(true).start();
        Output output;
        try (OutputStream logFile = Files.newOutputStream(log)) {
            output = new Output(key, logFile, p);
            Thread reader = Thread.ofVirtual().name("kata-output-" + workDir.getFileName()).start(output);
            boolean timedOut;
            try {
                p.getOutputStream().write((key + "\n").getBytes(StandardCharsets.US_ASCII));
                p.getOutputStream().flush();
            } catch (IOException e) {
                // the JVM is gone already: its outcome says so
            }
            try {
                timedOut = !p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill(p); // whoever interrupted us gave up on this run: it must not outlive us
                throw e;
            }
            if (timedOut) {
                kill(p);
                p.waitFor();
            }
            // Without a sandbox a process that escaped the JVM's tree may still hold the pipe open.
            if (!reader.join(Duration.ofSeconds(10))) {
                p.getInputStream().close();
                reader.join(Duration.ofSeconds(10));
            }
            output.close();
            String problem = timedOut ? "timed out after " + timeout.toSeconds() + " s and was killed"
                    : p.exitValue() == 0 ? "" : "exited with code " + p.exitValue();
            Map<String, ForkedKataRun.Outcome> outcomes = new LinkedHashMap<>();
            for (ForkedKataRun.Variant v : variants) {
                TestResult.File file = new TestResult.File(List.copyOf(output.results(v.name())),
                        output.finished.contains(v.name()));
                String variantProblem = problem.isEmpty() && !file.finished() ? "the test JVM died before the run ended"
                        : problem;
                outcomes.put(v.name(), new ForkedKataRun.Outcome(file, file.finished() ? "" : variantProblem,
                        timedOut && !file.finished(), log));
            }
            return new Result(outcomes, notes(output, log, outcomes));
        } finally {
            try {
                ForkedKataRun.deleteRecursively(scratch);
            } catch (IOException | RuntimeException e) {
                // kata code made something there its own user cannot list: it stays, the grade does not suffer
            }
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private List<String> notes(Output output, Path log, Map<String, ForkedKataRun.Outcome> outcomes) throws IOException {
        List<String> notes = new ArrayList<>();
        if (output.outputBytes > OUTPUT_CAP_BYTES) {
            notes.add("its test JVM wrote " + size(output.outputBytes) + " of output; the grader kept the first "
                    + size(OUTPUT_CAP_BYTES) + " (the results were read to the end)");
        }
        if (output.forgedLines > 0) {
            notes.add("its output held " + output.forgedLines + " line(s) shaped like test results that did not come"
                    + " from the grader's harness (forged?); they were ignored");
        }
        if (!output.survivors.isEmpty()) {
            notes.add("kata code left " + output.survivors.size() + " process(es) running when its tests ended ("
                    + String.join(", ", output.survivors) + "); " + (sandbox.confines()
                            ? "they ended with the sandbox" : "they were killed"));
        }
        // What the JVM printed, and the failures kata code threw (a test that catches an error keeps it).
        String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8) + outcomes.values().stream()
                .flatMap(o -> o.results().results().stream()).map(TestResult::message).collect(Collectors.joining("\n"));
        if (text.contains("unable to create native thread")) {
            notes.add("its test JVM could not start a thread: " + (sandbox.limits().processes() > 0
                    ? "the sandbox's limit of " + sandbox.limits().processes() + " processes and threads was reached"
                    : "the machine's limits were reached"));
        } else if (text.contains("java.lang.OutOfMemoryError")) {
            notes.add("its test JVM ran out of memory (heap 768 MiB; "
                    + (sandbox.limits().memoryBytes() > 0 ? "in all, the sandbox allows " + size(sandbox.limits().memoryBytes())
                            : "native memory not limited") + ")");
        }
        return notes;
    }

    private static String size(long bytes) {
        return bytes >= 1L << 30 ? String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : bytes >= 1L << 20 ? String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20))
                : bytes + " bytes";
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /**
     * Reads the test JVM's standard output to its end: result lines (under the key) by variant, the
     * rest into the log up to the cap. Never holds more than one line of {@value #MAX_LINE} bytes.
     */
    private static final class Output implements Runnable {
        private static final int MAX_LINE = 16 * 1024;
        private static final Pattern FORGED = Pattern.compile("(^|\\t)test\\t(PASSED|FAILED|ABORTED|SKIPPED)\\t");

        private final byte[] prefix;
        private final OutputStream log;
        private final Process process;
        private final Map<String, List<TestResult>> results = new LinkedHashMap<>();
        final Set<String> finished = new LinkedHashSet<>();
        final List<String> survivors = new ArrayList<>();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private boolean overlong;
        private long stored;
        volatile long outputBytes;
        volatile int forgedLines;

        Output(String key, OutputStream log, Process process) {
            this.prefix = (key + "\t").getBytes(StandardCharsets.US_ASCII);
            this.log = log;
            this.process = process;
        }

        synchronized List<TestResult> results(String variant) {
            return results.getOrDefault(variant, List.of());
        }

        @Override
        public void run() {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = process.getInputStream()) {
                for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                    int from = 0;
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            append(buffer, from, i - from);
                            endOfLine();
                            from = i + 1;
                        }
                    }
                    append(buffer, from, n - from);
                }
                if (line.size() > 0 || overlong) {
                    endOfLine();
                }
            } catch (IOException e) {
                // the pipe was closed: what was read stands
            }
        }

        private void append(byte[] bytes, int from, int length) throws IOException {
            if (length == 0) {
                return;
            }
            if (!overlong && line.size() + length <= MAX_LINE) {
                line.write(bytes, from, length);
                return;
            }
            if (!overlong) { // too long for a result: output, kept up to the cap
                overlong = true;
                output(line.toByteArray(), 0, line.size());
                line.reset();
            }
            output(bytes, from, length);
        }

        private void endOfLine() throws IOException {
            if (overlong) {
                output(new byte[] {'\n'}, 0, 1);
                overlong = false;
                return;
            }
            byte[] bytes = line.toByteArray();
            line.reset();
            if (bytes.length == 0) {
                return; // the blank line before each result
            }
            if (bytes.length > prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length)) {
                result(new String(bytes, prefix.length, bytes.length - prefix.length, StandardCharsets.UTF_8));
                return;
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (FORGED.matcher(text).find() || text.endsWith("\tend") || text.endsWith("\tdone")) {
                forgedLines++;
            }
            output(bytes, 0, bytes.length);
            output(new byte[] {'\n'}, 0, 1);
        }

        private void result(String framed) {
            int tab = framed.indexOf('\t');
            if (tab < 0) {
                return;
            }
            String variant = framed.substring(0, tab);
            String body = framed.substring(tab + 1);
            if (variant.equals("-") && body.equals("done")) {
                done();
            } else if (body.equals("end")) {
                synchronized (this) {
                    finished.add(variant);
                }
            } else {
                TestResult.parse(body).ifPresent(r -> {
                    synchronized (this) {
                        results.computeIfAbsent(variant, k -> new ArrayList<>()).add(r);
                    }
                });
            }
        }

        /**
         * The harness ran every variant and waits for its standard input to end: lists the processes
         * the run still has besides the JVM (and the sandbox's own), kills them, and lets the JVM halt.
         */
        private void done() {
            List<ProcessHandle> kata = Stream.concat(Stream.of(process.toHandle()), process.descendants())
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> !h.info().command().map(c -> c.endsWith("/bwrap")).orElse(false)).toList();
            ProcessHandle jvm = kata.stream().min(Comparator.comparing((ProcessHandle h) -> h.info().startInstant()
                    .orElse(Instant.MAX)).thenComparingLong(ProcessHandle::pid)).orElse(null);
            for (ProcessHandle h : kata) {
                if (h != jvm) {
                    synchronized (this) {
                        survivors.add(h.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("?"));
                    }
                    h.destroyForcibly();
                }
            }
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // the JVM is gone already
            }
        }

        private void output(byte[] bytes, int from, int length) throws IOException {
            outputBytes += length;
            int keep = (int) Math.max(0, Math.min(length, OUTPUT_CAP_BYTES - stored));
            if (keep > 0) {
                log.write(bytes, from, keep);
                stored += keep;
            }
        }

        /** Ends the log, saying where the output was cut. */
        void close() throws IOException {
            if (outputBytes > stored) {
                log.write(("\n[grader: output cut at " + stored + " bytes of " + outputBytes + "]\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            log.flush();
        }
    }
}

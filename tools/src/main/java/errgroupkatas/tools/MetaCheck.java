package errgroupkatas.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;

/**
 * The repository's proof that its tests have teeth, run by {@code mvn verify -Psolutions} after
 * every kata's tests passed against the reference solutions:
 * <ol>
 *   <li>every behaviour test of every kata fails against the kata's stub (a test that passes
 *       against a stub cannot tell a solution from nothing);</li>
 *   <li>every planted mistake under {@code solutions/NN-name/mistakes/<name>/} is rejected: at least
 *       one test fails against the solution with the mistake's files laid over it, and every test
 *       its README names on a {@code caught-by:} line is among them.</li>
 * </ol>
 * Rule tests ({@code @Tag("rules")}) hold on any stub and are counted apart. Each variant runs in
 * its own JVM ({@link ForkedKataRun}), two at a time. Prints a line per mistake and the totals;
 * exits non-zero on any defect.
 *
 * <p>Usage: {@code MetaCheck <repository root>}; {@code -Dmeta.katas=01-serial,03-errgroup} checks
 * only those katas.
 */
public final class MetaCheck {
    private static final Duration FORK_TIMEOUT = Duration.ofSeconds(120);

    private final Path root;
    private final List<String> problems = new ArrayList<>();
    private int katas, tests, behaviourTests, ruleTests, passOnSolutions, failOnStubs, mistakes, rejected;

    private MetaCheck(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        MetaCheck check = new MetaCheck(root);
        long start = System.nanoTime();
        check.run(selectedKatas(root));
        check.printSummary(Duration.ofNanos(System.nanoTime() - start));
        System.exit(check.problems.isEmpty() ? 0 : 1);
    }

    private static List<Path> selectedKatas(Path root) throws IOException {
        String only = System.getProperty("meta.katas", "").trim();
        Set<String> wanted = only.isEmpty() ? Set.of() : Set.of(only.split(","));
        try (Stream<Path> dirs = Files.list(root.resolve("katas"))) {
            return dirs.filter(Files::isDirectory)
                    .filter(d -> d.getFileName().toString().matches("\\d\\d-.+"))
                    .filter(d -> wanted.isEmpty() || wanted.contains(d.getFileName().toString()))
                    .sorted().toList();
        }
    }

    private record Variant(String kata, String name, List<Path> sources, Set<String> caughtBy) {
        boolean isStub() {
            return name.equals("stub");
        }
    }

    private record Checked(Variant variant, ForkedKataRun.Outcome outcome, String compileError) {
    }

    private void run(List<Path> kataDirs) throws Exception {
        List<Variant> variants = new ArrayList<>();
        for (Path kata : kataDirs) {
            String id = kata.getFileName().toString();
            if (!Files.isDirectory(kata.resolve("target/test-classes"))) {
                problems.add(id + ": its tests were not compiled (run mvn verify -Psolutions first)");
                continue;
            }
            katas++;
            countSolutionRun(id, kata.resolve("target/surefire-reports"));
            variants.add(new Variant(id, "stub", List.of(kata.resolve("src/main/java")), Set.of()));
            Path solution = root.resolve("solutions").resolve(id).resolve("src/main/java");
            Path mistakesDir = root.resolve("solutions").resolve(id).resolve("mistakes");
            if (Files.isDirectory(mistakesDir)) {
                try (Stream<Path> dirs = Files.list(mistakesDir)) {
                    for (Path m : dirs.filter(Files::isDirectory).sorted().toList()) {
                        variants.add(new Variant(id, m.getFileName().toString(),
                                List.of(solution, m.resolve("src/main/java")), caughtBy(m)));
                    }
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Checked>> futures = new ArrayList<>();
            for (Variant v : variants) {
                futures.add(pool.submit(() -> runVariant(v)));
            }
            String kata = "";
            for (Future<Checked> f : futures) {
                Checked c = f.get();
                if (!c.variant().kata().equals(kata)) {
                    kata = c.variant().kata();
                    System.out.println("meta-check " + kata + ":");
                }
                if (c.variant().isStub()) {
                    checkStub(c);
                } else {
                    checkMistake(c);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Checked runVariant(Variant v) throws IOException, InterruptedException {
        Path kataDir = root.resolve("katas").resolve(v.kata());
        ForkedKataRun run = new ForkedKataRun(kataDir.resolve("target/test-classes"),
                kataDir.resolve("target/meta-check"), FORK_TIMEOUT);
        try {
            return new Checked(v, run.run(v.name(), v.sources()), "");
        } catch (IllegalStateException e) {
            return new Checked(v, null, e.getMessage());
        }
    }

    private static Set<String> caughtBy(Path mistake) throws IOException {
        Path readme = mistake.resolve("README.md");
        if (!Files.exists(readme)) {
            return Set.of();
        }
        return Files.readAllLines(readme).stream()
                .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("caught-by:"))
                .flatMap(l -> Arrays.stream(l.substring("caught-by:".length()).split(",")))
                .map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    private void countSolutionRun(String kata, Path reports) throws Exception {
        if (!Files.isDirectory(reports)) {
            problems.add(kata + ": no test reports from the solutions run");
            return;
        }
        int total = 0, bad = 0;
        try (Stream<Path> files = Files.list(reports)) {
            for (Path xml : files.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).toList()) {
                Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile())
                        .getDocumentElement();
                total += Integer.parseInt(suite.getAttribute("tests"));
                for (String a : List.of("failures", "errors", "skipped")) {
                    bad += Integer.parseInt(suite.getAttribute(a).isEmpty() ? "0" : suite.getAttribute(a));
                }
            }
        }
        if (total == 0) {
            problems.add(kata + ": the solutions run ran no test");
        }
        if (bad > 0) {
            problems.add(kata + ": " + bad + " tests did not pass against the reference solution");
        }
        passOnSolutions += total - bad;
    }

    private void checkStub(Checked c) {
        String kata = c.variant().kata();
        if (!c.compileError().isEmpty()) {
            problems.add(kata + ": the stub does not compile: " + c.compileError());
            System.out.println("  stub: DOES NOT COMPILE");
            return;
        }
        ForkedKataRun.Outcome o = c.outcome();
        if (o.crashed()) {
            problems.add(kata + ": the run against the stub " + o.problem() + " (see " + o.log() + ")");
        }
        List<TestResult> results = o.results().results();
        List<TestResult> behaviour = results.stream().filter(r -> !r.isRule()).toList();
        List<TestResult> passing = behaviour.stream().filter(r -> !r.failed()).toList();
        long rules = results.size() - behaviour.size();
        tests += results.size();
        behaviourTests += behaviour.size();
        ruleTests += (int) rules;
        failOnStubs += behaviour.size() - passing.size();
        if (behaviour.isEmpty()) {
            problems.add(kata + ": no behaviour tests found");
        }
        for (TestResult r : passing) {
            problems.add(kata + ": " + r.key() + " " + r.status().toLowerCase(Locale.ROOT)
                    + " against the stub: a test that cannot fail is a defect");
        }
        System.out.printf(Locale.ROOT, "  stub: %d of %d behaviour tests fail (%d rule tests hold), %.1f s%n",
                behaviour.size() - passing.size(), behaviour.size(), rules, o.elapsed().toMillis() / 1000.0);
    }

    private void checkMistake(Checked c) {
        Variant v = c.variant();
        String name = v.kata() + "/" + v.name();
        mistakes++;
        if (!c.compileError().isEmpty()) {
            problems.add("mistake " + name + " does not compile: " + c.compileError());
            System.out.println("  mistake " + v.name() + ": DOES NOT COMPILE");
            return;
        }
        ForkedKataRun.Outcome o = c.outcome();
        List<TestResult> failed = o.results().results().stream().filter(TestResult::failed).toList();
        List<String> missed = v.caughtBy().stream().sorted()
                .filter(n -> failed.stream().noneMatch(r -> r.matches(n))).toList();
        boolean isRejected = (!failed.isEmpty() || o.crashed()) && missed.isEmpty();
        String by = failed.stream().map(TestResult::key).collect(Collectors.joining(", "));
        if (o.crashed()) {
            by = (by.isEmpty() ? "" : by + "; ") + "and the test JVM " + o.problem();
        }
        if (isRejected) {
            rejected++;
            System.out.printf(Locale.ROOT, "  mistake %s: rejected by %s (%.1f s)%n", v.name(), by,
                    o.elapsed().toMillis() / 1000.0);
        } else if (failed.isEmpty() && !o.crashed()) {
            problems.add("mistake " + name + " passes every test: the tests cannot tell it from a solution");
            System.out.println("  mistake " + v.name() + ": NOT REJECTED, every test passes");
        } else {
            problems.add("mistake " + name + " is not caught by " + missed + " as its README says (failed: " + by + ")");
            System.out.println("  mistake " + v.name() + ": NOT CAUGHT by " + missed + "; failed: " + by);
        }
        if (v.caughtBy().isEmpty()) {
            problems.add("mistake " + name + " has no caught-by line in its README.md");
        }
    }

    private void printSummary(Duration elapsed) {
        System.out.println();
        System.out.printf(Locale.ROOT,
                "katas: %d, tests: %d (%d behaviour, %d rules), pass on solutions: %d, fail on stubs: %d of %d behaviour tests%n",
                katas, tests, behaviourTests, ruleTests, passOnSolutions, failOnStubs, behaviourTests);
        System.out.printf(Locale.ROOT, "mistakes: %d, rejected: %d%n", mistakes, rejected);
        if (passOnSolutions != tests && problems.stream().noneMatch(p -> p.contains("solutions run"))) {
            problems.add("the solutions run counted " + passOnSolutions + " passing tests, the meta-check found "
                    + tests + " tests");
        }
        if (problems.isEmpty()) {
            System.out.printf(Locale.ROOT, "meta-check: OK (%.1f s)%n", elapsed.toMillis() / 1000.0);
        } else {
            System.out.println("meta-check: FAILED");
            problems.forEach(p -> System.out.println("  - " + p));
        }
    }
}

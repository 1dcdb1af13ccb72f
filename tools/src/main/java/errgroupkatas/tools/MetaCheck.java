package errgroupkatas.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The repository's own check, run by {@code mvn verify -Psolutions} once every kata is compiled:
 * <ol>
 *   <li>every test of every kata passes against the kata's reference solution;</li>
 *   <li>every behaviour test of every kata fails against the kata's stub (a test that passes
 *       against a stub cannot tell a solution from nothing);</li>
 *   <li>every planted mistake {@code solutions/NN-name/mistakes/<name>.patch} ({@link PlantedVariant}:
 *       a diff against the solution that must still apply) is rejected: the tests its
 *       {@code caught-by:} line names all fail against the solution with the patch applied. Only
 *       those tests run, so the check proves exactly that claim and stays fast. By default a cover
 *       of the kata's rules runs ({@link #coverOfTheRules}); {@code -Dmeta.mistakes=all} runs
 *       every mistake;</li>
 *   <li>the kata's contract ({@link KataContract}): every numbered rule of its README has a test
 *       that names it ({@code @Checks}) and a rejected mistake that breaks it ({@code breaks:});</li>
 *   <li>every alternative {@code solutions/NN-name/alternatives/<name>.patch} passes every test:
 *       an alternative is a correct solution written to be awkward for the tests (e.g. a stage
 *       that works on after each hand-over without checking for interrupts, as a thread the
 *       scheduler keeps waiting does), so a test that would reject a correct solution on a bad
 *       schedule fails here every time, not once in a hundred loaded runs.</li>
 * </ol>
 * Rule tests ({@code @Tag("rules")}) hold on any stub and are counted apart. A kata's solution,
 * alternatives and stub run in one fresh JVM ({@link ForkedKataRun}), the solution first, and its
 * mistakes in a few more beside it ({@link #MISTAKES_PER_JVM}), all katas at once. Prints each
 * failing solution test with its message, a line per mistake, the totals, and a closing
 * {@code N passed, N failed} line for the solutions; exits non-zero on any defect.
 *
 * <p>Usage: {@code MetaCheck <repository root>}; {@code -Dmeta.katas=01-serial,03-errgroup} checks
 * only those katas.
 *
 * <p>With {@code -Dmeta.measure=DIR} it measures instead of checking: every folder
 * {@code DIR/NN-name/<name>/} (a wrong solution written as a learner would, whole files under
 * {@code src/main/java}, over the solution's classes) runs every test of its kata, and the check
 * prints each one as rejected (with the tests that failed) or ESCAPED, and the share rejected. It
 * fails only when the solution itself fails. This is how a set of wrong solutions written blind,
 * from the README and the stub, is kept apart from the corpus and measured again.
 */
public final class MetaCheck {
    private static final String SOLUTION = "solution";

    private final Path root;
    /** The set of wrong solutions to measure ({@code -Dmeta.measure}), or null to check the corpus. */
    private final Path measure;
    private final List<String> problems = new ArrayList<>();
    private final List<String> escaped = new ArrayList<>();
    private int candidates, candidatesRejected;
    private int katas, tests, behaviourTests, ruleTests, passOnSolutions, failOnSolutions, failOnStubs, mistakes,
            rejected, alternatives, accepted, rules, corpusSize;
    /** Per kata, in kata order: the reference solution's tests and the sum of their times. */
    private final Map<String, SolutionTime> solutionTimes = new TreeMap<>();

    private record SolutionTime(int passed, int tests, long millis) {
    }

    private MetaCheck(Path root, Path measure) {
        this.root = root;
        this.measure = measure;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        String measure = System.getProperty("meta.measure", "").strip();
        MetaCheck check = new MetaCheck(root, measure.isEmpty() ? null : Path.of(measure).toAbsolutePath().normalize());
        long start = System.nanoTime();
        check.run(selectedKatas(root));
        check.printSummary(Duration.ofNanos(System.nanoTime() - start));
        System.exit(check.problems.isEmpty() ? 0 : 1);
    }

    /** The catalog's katas, or those named by {@code -Dmeta.katas}, in the catalog's order. */
    private static List<Path> selectedKatas(Path root) throws IOException {
        String only = System.getProperty("meta.katas", "").trim();
        Set<String> wanted = only.isEmpty() ? Set.of() : Set.of(only.split(","));
        return Catalog.load(root).katas().stream().map(Catalog.Kata::id)
                .filter(id -> wanted.isEmpty() || wanted.contains(id))
                .map(id -> root.resolve("katas").resolve(id)).toList();
    }

    /** One kata's variants, compiled and ready to run, and what could not be compiled. */
    private record KataCheck(String kata, List<ForkedKataRun.Variant> variants, Map<String, String> compileErrors,
            Set<String> alternatives, Map<String, Set<String>> caughtBy, Map<String, Set<Integer>> breaks,
            KataContract contract) {
    }

    /** A kata's check and its outcomes. */
    private record Checked(KataCheck check, Map<String, ForkedKataRun.Outcome> outcomes, Duration elapsed) {
    }

    /**
     * The most mistakes one kata JVM runs. A rejected mistake mostly waits (for a deadline its wrong
     * code misses, for the leak check's grace), so a kata's mistakes run in several JVMs at once, beside
     * the JVM of its solution, alternatives and stub; more JVMs than that would cost more CPU to start
     * than the waits they overlap save.
     */
    private static final int MISTAKES_PER_JVM = 20;

    /** {@code -Dmeta.mistakes=all}: run every mistake of the corpus, not only a cover of the rules. */
    private static final boolean ALL_MISTAKES = "all".equals(System.getProperty("meta.mistakes", "").strip());

    /** One JVM's share of a kata's variants, and when it ended. */
    private record BatchResult(Map<String, ForkedKataRun.Outcome> outcomes, long endNanos) {
    }

    private void run(List<Path> kataDirs) throws Exception {
        // All katas at once: a kata's JVMs spend most of their time waiting (a rejected mistake waits out
        // a test's deadline and the leak check's grace), so the machine's two cores are not the limit.
        // Each kata's JVMs start as soon as its variants are compiled (javac runs here, one kata at a
        // time), the last kata first: the later katas have more tests and longer deadlines, so the
        // longest runs overlap the compiling of the others instead of waiting for all of it.
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            Map<Path, KataCheck> checks = new LinkedHashMap<>();
            Map<Path, Long> starts = new LinkedHashMap<>();
            Map<Path, List<Future<BatchResult>>> futures = new LinkedHashMap<>();
            long compileStart = System.nanoTime();
            int variants = 0, jvms = 0;
            for (Path kata : kataDirs.reversed()) {
                String id = kata.getFileName().toString();
                if (!Files.isDirectory(kata.resolve("target/test-classes"))) {
                    problems.add(id + ": its tests were not compiled (run mvn verify -Psolutions first)");
                    continue;
                }
                katas++;
                KataCheck c = prepare(id, kata);
                variants += c.variants().size() - 1;
                checks.put(kata, c);
                starts.put(kata, System.nanoTime());
                List<Future<BatchResult>> batches = new ArrayList<>();
                Map<String, List<ForkedKataRun.Variant>> split = batches(c);
                for (Map.Entry<String, List<ForkedKataRun.Variant>> batch : split.entrySet()) {
                    jvms++;
                    batches.add(pool.submit(() -> new BatchResult(new ForkedKataRun(kata.resolve("target/test-classes"),
                            kata.resolve("target/meta-check")).run(batch.getKey(), batch.getValue()), System.nanoTime())));
                }
                futures.put(kata, batches);
            }
            System.out.printf(Locale.ROOT,
                    "meta-check: %d variants compiled (%.1f s, while the first katas ran), run in %d JVMs%n",
                    variants, (System.nanoTime() - compileStart) / 1e9, jvms);
            for (Path kata : kataDirs) { // reported in the catalog's order
                if (futures.containsKey(kata)) {
                    Map<String, ForkedKataRun.Outcome> outcomes = new LinkedHashMap<>();
                    long end = starts.get(kata);
                    for (Future<BatchResult> f : futures.get(kata)) {
                        BatchResult r = f.get();
                        outcomes.putAll(r.outcomes());
                        end = Math.max(end, r.endNanos());
                    }
                    report(new Checked(checks.get(kata), outcomes, Duration.ofNanos(end - starts.get(kata))));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A kata's variants by JVM: "all" runs the solution (first, before any wrong code can leave a thread
     * behind), the alternatives and the stub, and the mistakes too when there are at most
     * {@link #MISTAKES_PER_JVM}; else "mistakes-1", "mistakes-2", … at most
     * {@link #MISTAKES_PER_JVM} mistakes (or measured candidates) each, in as even shares as the count allows.
     */
    private Map<String, List<ForkedKataRun.Variant>> batches(KataCheck c) {
        Map<String, List<ForkedKataRun.Variant>> batches = new LinkedHashMap<>();
        List<ForkedKataRun.Variant> mistakes = new ArrayList<>();
        List<ForkedKataRun.Variant> correct = new ArrayList<>();
        for (ForkedKataRun.Variant v : c.variants()) {
            boolean wrong = measure != null ? !v.name().equals(SOLUTION) : c.caughtBy().containsKey(v.name());
            (wrong ? mistakes : correct).add(v); // -Dmeta.measure: its candidates are wrong solutions too
        }
        if (mistakes.size() <= MISTAKES_PER_JVM) { // a JVM's start costs more CPU than a few waits overlapped save
            correct.addAll(mistakes);
            batches.put("all", correct);
            return batches;
        }
        batches.put("all", correct);
        int jvms = (mistakes.size() + MISTAKES_PER_JVM - 1) / MISTAKES_PER_JVM;
        for (int i = 0; i < jvms; i++) {
            batches.put("mistakes-" + (i + 1), mistakes.subList(i * mistakes.size() / jvms, (i + 1) * mistakes.size() / jvms));
        }
        return batches;
    }

    /** Compiles the kata's stub, each alternative and each mistake (both over the solution's classes). */
    private KataCheck prepare(String id, Path kata) throws IOException {
        Path work = kata.resolve("target/meta-check");
        Path solutionClasses = kata.resolve("target/classes");
        Path solutionSources = root.resolve("solutions").resolve(id).resolve("src/main/java");
        List<ForkedKataRun.Variant> variants = new ArrayList<>();
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, Set<String>> caughtBy = new LinkedHashMap<>();
        Map<String, Set<Integer>> breaks = new LinkedHashMap<>();
        // The solution runs first, before any mistake can leave a thread behind in the shared JVM.
        variants.add(new ForkedKataRun.Variant(SOLUTION, List.of(solutionClasses), List.of()));
        if (measure != null) {
            Set<String> names = new TreeSet<>();
            for (Path candidate : subdirectories(measure.resolve(id))) {
                PlantedVariant c = PlantedVariant.fromFolder(candidate);
                names.add(c.name());
                addOverlay(id + " candidate", c, List.of(), kata, variants, errors);
            }
            return new KataCheck(id, variants, errors, names, Map.of(), Map.of(), KataContract.read(kata));
        }
        // Then the alternatives, correct too: every test runs (an empty list of tests).
        Set<String> alternatives = new TreeSet<>();
        for (PlantedVariant a : planted(id, "alternatives", solutionSources)) {
            alternatives.add(a.name());
            addOverlay(id + " alternative", a, List.of(), kata, variants, errors);
        }
        try {
            Path stub = work.resolve("stub-classes");
            ForkedKataRun.compile(id + " stub", List.of(kata.resolve("src/main/java")), List.of(), stub);
            variants.add(new ForkedKataRun.Variant("stub", List.of(stub), List.of()));
        } catch (IllegalStateException e) {
            errors.put("stub", e.getMessage());
        }
        List<PlantedVariant> corpus = new ArrayList<>();
        for (PlantedVariant m : planted(id, "mistakes", solutionSources)) { // every patch must apply, run or not
            if (alternatives.contains(m.name())) {
                problems.add(id + ": " + m.name() + " is both an alternative and a mistake: rename one");
                continue;
            }
            corpus.add(m);
            breaks.put(m.name(), m.breaks());
        }
        KataContract contract = KataContract.read(kata);
        List<PlantedVariant> run = ALL_MISTAKES ? corpus : coverOfTheRules(corpus, contract);
        corpusSize += corpus.size();
        for (PlantedVariant m : run) {
            caughtBy.put(m.name(), m.caughtBy());
            addOverlay(id + " mistake", m, List.copyOf(m.caughtBy()), kata, variants, errors);
        }
        return new KataCheck(id, variants, errors, alternatives, caughtBy, breaks, contract);
    }

    /**
     * The mistakes a default run rejects: a cover of the README's rules, so every rule still has a
     * mistake that breaks it and is rejected, at a fraction of the corpus' cost. Greedy and
     * deterministic: for each rule in order that no chosen mistake breaks yet, the mistake that breaks
     * the most such rules (ties: by name). A mistake whose {@code breaks:} line is missing or names no
     * rule of the README runs too, so its problem is reported with its result. With
     * {@code -Dmeta.mistakes=all} every mistake of the corpus runs.
     */
    static List<PlantedVariant> coverOfTheRules(List<PlantedVariant> corpus, KataContract contract) {
        List<PlantedVariant> byName = corpus.stream().sorted(java.util.Comparator.comparing(PlantedVariant::name)).toList();
        Set<Integer> uncovered = new TreeSet<>(contract.rules().keySet());
        Set<PlantedVariant> chosen = new java.util.LinkedHashSet<>();
        for (PlantedVariant m : byName) {
            if (m.breaks().isEmpty() || !contract.rules().keySet().containsAll(m.breaks())) {
                chosen.add(m);
            }
        }
        for (int rule : contract.rules().keySet()) {
            if (!uncovered.contains(rule)) {
                continue;
            }
            byName.stream().filter(m -> m.breaks().contains(rule))
                    .max(java.util.Comparator.comparingLong((PlantedVariant m) -> m.breaks().stream().filter(uncovered::contains).count())
                            .thenComparing(PlantedVariant::name, java.util.Comparator.reverseOrder()))
                    .ifPresent(m -> {
                        chosen.add(m);
                        uncovered.removeAll(m.breaks());
                    });
        }
        return byName.stream().filter(chosen::contains).toList();
    }

    /**
     * The kata's mistakes or alternatives ({@code kind}), each a {@code <name>.patch} applied to the
     * solution's sources. A patch that does not apply, or a variant still kept as a folder of whole
     * files, is a problem of the check.
     */
    private List<PlantedVariant> planted(String id, String kind, Path solutionSources) throws IOException {
        Path dir = root.resolve("solutions").resolve(id).resolve(kind);
        for (Path folder : subdirectories(dir)) {
            problems.add(id + ": " + kind + "/" + folder.getFileName() + " is a folder of whole files: store it as "
                    + folder.getFileName() + ".patch, a diff against the solution (docs/authoring-a-kata.md, \"Mistakes\")");
        }
        List<PlantedVariant> variants = new ArrayList<>();
        for (Path patch : PlantedVariant.patchesIn(dir)) {
            try {
                variants.add(PlantedVariant.load(patch, solutionSources));
            } catch (IllegalStateException e) {
                problems.add(id + ": " + e.getMessage());
                System.out.println("  " + patch.getFileName() + ": DOES NOT APPLY");
            }
        }
        return variants;
    }

    /**
     * Writes the variant's files, compiles them over the solution's classes and adds the variant to
     * {@code variants}, to run {@code tests} (empty for all); or records why it does not compile.
     */
    private static void addOverlay(String kind, PlantedVariant variant, List<String> tests, Path kata,
            List<ForkedKataRun.Variant> variants, Map<String, String> errors) throws IOException {
        String name = variant.name();
        try {
            Path sources = kata.resolve("target/meta-check").resolve(name + "-src");
            variant.writeTo(sources);
            Path classes = kata.resolve("target/meta-check").resolve(name + "-classes");
            ForkedKataRun.compileOver(kind + " " + name, sources, kata.resolve("target/classes"), classes);
            variants.add(new ForkedKataRun.Variant(name, List.of(classes), tests));
        } catch (IllegalStateException e) {
            errors.put(name, e.getMessage());
        }
    }

    /** The folders directly under {@code dir}, sorted; none if it does not exist. */
    private static List<Path> subdirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        }
    }

    private void report(Checked c) {
        String kata = c.check().kata();
        System.out.printf(Locale.ROOT, "meta-check %s (%.1f s):%n", kata, c.elapsed().toMillis() / 1000.0);
        c.check().compileErrors().forEach((variant, error) -> {
            problems.add(kata + ": " + variant + " does not compile: " + error);
            System.out.println("  " + variant + ": DOES NOT COMPILE");
            if (c.check().alternatives().contains(variant)) {
                alternatives++;
            } else if (!variant.equals("stub")) {
                mistakes++;
            }
        });
        if (measure != null) {
            c.check().compileErrors().forEach((variant, error) -> System.out.println("  candidate " + variant
                    + ": DOES NOT COMPILE (not counted): " + error.lines().skip(1).findFirst().orElse("")));
            c.outcomes().forEach((variant, outcome) -> {
                if (variant.equals(SOLUTION)) {
                    checkSolution(kata, outcome);
                } else {
                    measureCandidate(kata, variant, outcome);
                }
            });
            return;
        }
        Set<String> rejectedMistakes = new TreeSet<>();
        c.outcomes().forEach((variant, outcome) -> {
            if (variant.equals(SOLUTION)) {
                checkSolution(kata, outcome);
            } else if (variant.equals("stub")) {
                checkStub(kata, outcome);
            } else if (c.check().alternatives().contains(variant)) {
                checkAlternative(kata, variant, outcome);
            } else if (checkMistake(kata, variant, c.check().caughtBy().get(variant), outcome)) {
                rejectedMistakes.add(variant);
            }
        });
        ForkedKataRun.Outcome solution = c.outcomes().get(SOLUTION);
        checkContract(kata, c.check(), solution == null ? List.of() : solution.results().results(), rejectedMistakes);
    }

    /**
     * The kata's contract as data ({@link KataContract}): prints rule → tests → rejected mistakes,
     * and records a problem for a test that names no rule or one the README lacks, a mistake whose
     * {@code breaks:} line is missing or names no rule of the README, and a rule that has no test
     * or no rejected mistake that breaks it.
     */
    private void checkContract(String kata, KataCheck check, List<TestResult> results, Set<String> rejectedMistakes) {
        KataContract contract = check.contract();
        if (contract.rules().isEmpty()) {
            problems.add(kata + ": its README has no numbered rules under \"## The rules\"");
            return;
        }
        Map<Integer, Set<String>> testsOf = new TreeMap<>();
        Map<Integer, Set<String>> mistakesOf = new TreeMap<>();
        contract.rules().keySet().forEach(r -> {
            testsOf.put(r, new TreeSet<>());
            mistakesOf.put(r, new TreeSet<>());
        });
        Set<String> seen = new TreeSet<>();
        for (TestResult r : results) {
            String test = r.key().contains("[") ? r.key().substring(0, r.key().indexOf('[')) : r.key();
            if (!seen.add(test)) {
                continue;
            }
            var rules = contract.rulesOf(r.key());
            if (rules.isEmpty() || rules.get().isEmpty()) {
                problems.add(kata + ": " + test + " names no rule: put @Checks({...}) with the README rules it checks on it");
                continue;
            }
            for (int rule : rules.get()) {
                if (testsOf.containsKey(rule)) {
                    testsOf.get(rule).add(test);
                } else {
                    problems.add(kata + ": " + test + " names rule " + (rule < 0 ? "(not a number)" : rule)
                            + ", which the README does not have");
                }
            }
        }
        check.breaks().forEach((mistake, rules) -> {
            if (rules.isEmpty()) {
                problems.add("mistake " + kata + "/" + mistake + " has no breaks: line: name the README rules it breaks");
            }
            for (int rule : rules) {
                if (!mistakesOf.containsKey(rule)) {
                    problems.add("mistake " + kata + "/" + mistake + " breaks rule " + (rule < 0 ? "(not a number)" : rule)
                            + ", which the README does not have");
                } else if (rejectedMistakes.contains(mistake)) {
                    mistakesOf.get(rule).add(mistake);
                }
            }
        });
        System.out.printf(Locale.ROOT, "  contract: %d rules%n", contract.rules().size());
        for (int rule : contract.rules().keySet()) {
            Set<String> tests = testsOf.get(rule);
            Set<String> mistakes = mistakesOf.get(rule);
            System.out.printf(Locale.ROOT, "    rule %2d  %s%n", rule, contract.ruleText(rule, 90));
            System.out.println("             tests: " + (tests.isEmpty() ? "NONE" : String.join(", ", tests)));
            long notRun = check.breaks().entrySet().stream()
                    .filter(e -> e.getValue().contains(rule) && !check.caughtBy().containsKey(e.getKey())).count();
            System.out.println("             rejected mistakes: " + (mistakes.isEmpty() ? "NONE" : String.join(", ", mistakes))
                    + (notRun == 0 ? "" : " (and " + notRun + " more in the corpus, not run)"));
            if (tests.isEmpty()) {
                problems.add(kata + ": rule " + rule + " has no test: put @Checks(" + rule + ") on the tests that check it, or write one");
            }
            if (mistakes.isEmpty()) {
                problems.add(kata + ": rule " + rule + " has no rejected mistake that breaks it: plant one (breaks: " + rule + ")");
            }
        }
        rules += contract.rules().size();
    }

    /** A wrong solution of the measured set: rejected when any test fails against it (or its JVM died). */
    private void measureCandidate(String kata, String name, ForkedKataRun.Outcome o) {
        candidates++;
        List<String> failing = o.results().results().stream().filter(TestResult::failed)
                .map(r -> r.key().contains("[") ? r.key().substring(0, r.key().indexOf('[')) : r.key())
                .distinct().toList();
        if (!failing.isEmpty() || o.crashed()) {
            candidatesRejected++;
            System.out.println("  candidate " + name + ": rejected by " + failing.size() + " test(s): "
                    + String.join(", ", failing.stream().limit(4).toList()) + (failing.size() > 4 ? ", …" : "")
                    + (o.crashed() ? " (its JVM " + o.problem() + ")" : ""));
        } else {
            escaped.add(kata + "/" + name);
            System.out.println("  candidate " + name + ": ESCAPED (all " + o.results().results().size() + " tests pass)");
        }
    }

    private void checkSolution(String kata, ForkedKataRun.Outcome o) {
        if (o.crashed()) {
            problems.add(kata + ": the run against the solution " + o.problem() + " (see " + o.log() + ")");
        }
        List<TestResult> results = o.results().results();
        List<TestResult> failing = results.stream().filter(r -> !r.passed()).toList();
        passOnSolutions += results.size() - failing.size();
        failOnSolutions += failing.size();
        if (results.isEmpty()) {
            problems.add(kata + ": the solution run ran no test");
        }
        long millis = results.stream().mapToLong(TestResult::millis).sum();
        solutionTimes.put(kata, new SolutionTime(results.size() - failing.size(), results.size(), millis));
        System.out.printf(Locale.ROOT, "  solution: %d of %d tests pass (%.1f s)%n", results.size() - failing.size(),
                results.size(), millis / 1000.0);
        for (TestResult r : failing) {
            problems.add(kata + ": " + r.key() + " " + r.status().toLowerCase(Locale.ROOT)
                    + " against the reference solution");
            printFailure(r);
        }
    }

    /** A test that should have passed: its status, name and message, indented under its variant. */
    private static void printFailure(TestResult r) {
        System.out.println("    " + r.status() + " " + r.key() + " (" + r.display() + ")");
        System.out.println("      " + r.message().replace(" ⏎ ", "\n      "));
    }

    private void checkAlternative(String kata, String name, ForkedKataRun.Outcome o) {
        alternatives++;
        String id = kata + "/" + name;
        List<TestResult> results = o.results().results();
        List<TestResult> failing = results.stream().filter(r -> !r.passed()).toList();
        if (o.crashed()) {
            problems.add("alternative " + id + ": its test JVM " + o.problem() + " (see " + o.log() + ")");
        } else if (results.isEmpty()) {
            problems.add("alternative " + id + " ran no test");
        } else if (failing.isEmpty()) {
            accepted++;
        }
        System.out.printf(Locale.ROOT, "  alternative %s: %d of %d tests pass%n", name,
                results.size() - failing.size(), results.size());
        for (TestResult r : failing) {
            problems.add("alternative " + id + ": " + r.key() + " " + r.status().toLowerCase(Locale.ROOT)
                    + ", but the alternative is a correct solution (see its patch's description): the test rejects a"
                    + " correct solution on some schedules; redesign it (gates and ordering, not timing)");
            printFailure(r);
        }
    }

    private void checkStub(String kata, ForkedKataRun.Outcome o) {
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
        System.out.printf(Locale.ROOT, "  stub: %d of %d behaviour tests fail (%d rule tests hold)%n",
                behaviour.size() - passing.size(), behaviour.size(), rules);
    }

    /** Whether the mistake was rejected as its {@code caught-by:} line says. */
    private boolean checkMistake(String kata, String name, Set<String> caughtBy, ForkedKataRun.Outcome o) {
        String id = kata + "/" + name;
        mistakes++;
        if (caughtBy.isEmpty()) {
            problems.add("mistake " + id + " has no caught-by line in its patch's description: name the test that rejects it");
            System.out.println("  mistake " + name + ": NO caught-by LINE");
            return false;
        }
        List<TestResult> results = o.results().results();
        List<String> unknown = caughtBy.stream().sorted()
                .filter(n -> results.stream().noneMatch(r -> r.matches(n))).toList();
        // A name catches the mistake when a test it names failed (a factory's name covers its
        // dynamic tests, e.g. RulesTest.rules: one broken rule is enough).
        List<String> passed = caughtBy.stream().sorted()
                .filter(n -> results.stream().anyMatch(r -> r.matches(n)))
                .filter(n -> results.stream().noneMatch(r -> r.matches(n) && r.failed())).toList();
        String crash = o.crashed() ? " (and its test JVM " + o.problem() + ", see " + o.log() + ")" : "";
        if (unknown.isEmpty() && passed.isEmpty()) {
            rejected++;
            System.out.println("  mistake " + name + ": rejected by " + String.join(", ", new TreeSet<>(caughtBy)) + crash);
            return true;
        } else if (!passed.isEmpty()) {
            problems.add("mistake " + id + " passes " + passed + ", which its caught-by line says catch it" + crash);
            System.out.println("  mistake " + name + ": NOT CAUGHT by " + passed + crash);
        } else {
            problems.add("mistake " + id + ": its caught-by line names " + unknown + ", which did not run" + crash);
            System.out.println("  mistake " + name + ": " + unknown + " DID NOT RUN" + crash);
        }
        return false;
    }

    private void printSummary(Duration elapsed) {
        System.out.println();
        if (measure != null) {
            System.out.printf(Locale.ROOT, "measured %s: %d wrong solutions, %d rejected (%.0f %%), %d escaped%s%n",
                    measure, candidates, candidatesRejected, candidates == 0 ? 0.0 : 100.0 * candidatesRejected / candidates,
                    escaped.size(), escaped.isEmpty() ? "" : ": " + String.join(", ", escaped));
            System.out.println(problems.isEmpty() ? "meta-check: the solutions pass" : "meta-check: FAILED");
            problems.forEach(p -> System.out.println("  - " + p));
            return;
        }
        System.out.printf(Locale.ROOT,
                "katas: %d, tests: %d (%d behaviour, %d rules), pass on solutions: %d, fail on stubs: %d of %d behaviour tests%n",
                katas, tests, behaviourTests, ruleTests, passOnSolutions, failOnStubs, behaviourTests);
        System.out.printf(Locale.ROOT, "alternatives: %d, accepted: %d%n", alternatives, accepted);
        System.out.printf(Locale.ROOT, "mistakes: %d, rejected: %d%s%n", mistakes, rejected, ALL_MISTAKES
                ? " (the whole corpus)"
                : " (a cover of the rules, of " + corpusSize + " in the corpus; -Dmeta.mistakes=all runs every one)");
        System.out.printf(Locale.ROOT, "rules: %d (each with a test and a rejected mistake, or a problem below)%n", rules);
        if (passOnSolutions + failOnSolutions != tests) {
            problems.add("the solution runs ran " + (passOnSolutions + failOnSolutions) + " tests, the stub runs "
                    + tests + ": every test must run against both");
        }
        if (problems.isEmpty()) {
            System.out.printf(Locale.ROOT, "meta-check: OK (%.1f s)%n", elapsed.toMillis() / 1000.0);
        } else {
            System.out.println("meta-check: FAILED");
            problems.forEach(p -> System.out.println("  - " + p));
        }
        // The suite's speed, kata by kata: what the reference solution's tests cost (the meta-check's
        // own time per kata above also covers the stub and every mistake).
        System.out.println("solution test time per kata:");
        solutionTimes.forEach((kata, t) -> System.out.printf(Locale.ROOT, "  %-18s %7s tests  %5.1f s%n",
                kata, t.passed() + "/" + t.tests(), t.millis() / 1000.0));
        // The kata tests against the reference solutions, in the plain form CI reads.
        System.out.println("solutions: " + passOnSolutions + " passed, " + failOnSolutions + " failed");
    }
}

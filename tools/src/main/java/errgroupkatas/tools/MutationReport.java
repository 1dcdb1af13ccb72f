package errgroupkatas.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The test-strength table: reads the PIT report each kata's mutation run left
 * ({@code katas/NN-name/target/pit-reports/mutations.xml}, from {@code mvn -Psolutions,mutation
 * verify}) and the equivalent mutants listed in {@code docs/mutation-testing.md}, and prints per
 * kata the mutants generated, killed, survived and listed as equivalent, and the score: killed /
 * (generated − equivalent). Then every survivor that is not listed, with its line. Exits 1 when a
 * kata of the catalog has no report or one older than its solution or tests, scores under
 * {@value #BAR_PERCENT} %, or when the list names a mutant the report does not have (a stale line:
 * the solution changed).
 *
 * <p>A mutant is killed when PIT detected it (a test failed, or the run timed out or ran out of
 * memory); survived and no-coverage mutants are survivors. An equivalent line in the docs is a
 * table row {@code | NN-name | Class.method | line | MutatorShortName | reason |} and covers every
 * survivor of that mutator on that line of that method. A listed mutant that this run killed is
 * reported (it may not be equivalent after all, or a loaded machine timed a test out) but is not an
 * error.
 *
 * <p>Usage: {@code MutationReport <repository root> [kata ids…]} (all katas of the catalog when
 * none are given); {@code bin/mutation} runs PIT, then this.
 */
public final class MutationReport {
    /** The bar: the share of non-equivalent mutants the kata's tests must kill. */
    static final int BAR_PERCENT = 90;
    static final String EQUIVALENTS = "docs/mutation-testing.md";
    private static final Pattern ROW = Pattern.compile(
            "^\\|\\s*(\\d\\d-[\\w-]+)\\s*\\|\\s*`?([\\w$]+\\.[\\w$<>]+)`?\\s*\\|\\s*(\\d+)\\s*\\|\\s*`?(\\w+)`?\\s*\\|(.*)\\|\\s*$");

    /** One mutant of PIT's report. */
    record Mutant(String kata, String method, int line, String mutator, String description, String status,
            boolean detected) {
        /** {@code Class.method:line Mutator — description}, the class without its package. */
        String describe() {
            return method + ":" + line + " " + mutator + " — " + description + " (" + status + ")";
        }
    }

    /** One line of the equivalents list. */
    record Equivalent(String kata, String method, int line, String mutator, String reason) {
        boolean covers(Mutant m) {
            return m.kata().equals(kata) && m.method().equals(method) && m.line() == line && m.mutator().equals(mutator);
        }
    }

    /** A kata's row of the table. */
    record Row(String kata, int generated, int killed, int equivalent, List<Mutant> survivors) {
        int survived() {
            return generated - killed;
        }

        /** Killed / (generated − equivalent), in percent; 100 when nothing is left to kill. */
        double score() {
            int counted = generated - equivalent;
            return counted == 0 ? 100.0 : 100.0 * killed / counted;
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        List<String> only = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
        System.exit(run(root, only, System.out) ? 0 : 1);
    }

    /** Prints the table for the catalog's katas (or {@code only} those) and says whether all is well. */
    static boolean run(Path root, List<String> only, PrintStream out) throws Exception {
        List<Equivalent> equivalents = readEquivalents(root.resolve(EQUIVALENTS));
        List<String> problems = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        List<String> katas = Catalog.load(root).katas().stream().map(Catalog.Kata::id).toList();
        equivalents.stream().filter(e -> !katas.contains(e.kata())).forEach(e -> problems.add(
                EQUIVALENTS + " lists a mutant of " + e.kata() + ", which is not a kata of the catalog"));
        for (String kata : katas) {
            if (!only.isEmpty() && !only.contains(kata)) {
                continue;
            }
            Path report = root.resolve("katas").resolve(kata).resolve("target/pit-reports/mutations.xml");
            if (!Files.isRegularFile(report)) {
                problems.add(kata + ": no PIT report at " + root.relativize(report)
                        + " (run: mvn -Psolutions,mutation verify -pl katas/" + kata + " -am)");
                continue;
            }
            Path newer = newestSource(root, kata);
            if (newer != null && Files.getLastModifiedTime(newer).compareTo(Files.getLastModifiedTime(report)) > 0) {
                problems.add(kata + ": " + root.relativize(newer) + " changed after the PIT report was written: rerun it");
            }
            List<Mutant> mutants = readMutants(kata, report);
            List<Equivalent> mine = equivalents.stream().filter(e -> e.kata().equals(kata)).toList();
            rows.add(row(kata, mutants, mine, problems, out));
        }
        print(rows, out);
        for (Row r : rows) {
            if (r.score() < BAR_PERCENT) {
                problems.add(String.format(Locale.ROOT, "%s: %.1f %% of its mutants killed, under the bar of %d %%",
                        r.kata(), r.score(), BAR_PERCENT));
            }
        }
        if (!problems.isEmpty()) {
            out.println();
            problems.forEach(p -> out.println("  - " + p));
        }
        out.println("mutation: " + (problems.isEmpty() ? "OK" : problems.size() + " problem(s)"));
        return problems.isEmpty();
    }

    private static Row row(String kata, List<Mutant> mutants, List<Equivalent> equivalents, List<String> problems,
            PrintStream out) {
        int killed = (int) mutants.stream().filter(Mutant::detected).count();
        int equivalent = 0;
        List<Mutant> survivors = new ArrayList<>();
        for (Mutant m : mutants) {
            if (!m.detected()) {
                if (equivalents.stream().anyMatch(e -> e.covers(m))) {
                    equivalent++;
                } else {
                    survivors.add(m);
                }
            }
        }
        for (Equivalent e : equivalents) {
            List<Mutant> matched = mutants.stream().filter(e::covers).toList();
            if (matched.isEmpty()) {
                problems.add(kata + ": " + EQUIVALENTS + " lists " + e.method() + ":" + e.line() + " " + e.mutator()
                        + ", which PIT did not generate: the solution changed; update the list");
            } else if (matched.stream().allMatch(Mutant::detected)) {
                out.println("note: " + kata + " " + e.method() + ":" + e.line() + " " + e.mutator()
                        + " is listed as equivalent but was killed this run (" + matched.getFirst().status() + ")");
            }
        }
        return new Row(kata, mutants.size(), killed, equivalent, survivors);
    }

    private static void print(List<Row> rows, PrintStream out) {
        out.println(String.format(Locale.ROOT, "%-20s %8s %7s %9s %11s %8s", "kata", "mutants", "killed", "survived",
                "equivalent", "score"));
        int generated = 0, killed = 0, equivalent = 0;
        for (Row r : rows) {
            out.println(String.format(Locale.ROOT, "%-20s %8d %7d %9d %11d %6.1f %%  %s", r.kata(), r.generated(),
                    r.killed(), r.survived(), r.equivalent(), r.score(), r.score() >= BAR_PERCENT ? "ok" : "UNDER"));
            generated += r.generated();
            killed += r.killed();
            equivalent += r.equivalent();
        }
        Row total = new Row("total", generated, killed, equivalent, List.of());
        out.println(String.format(Locale.ROOT, "%-20s %8d %7d %9d %11d %6.1f %%", "total", total.generated(),
                total.killed(), total.survived(), total.equivalent(), total.score()));
        out.println("(score = killed / (mutants - equivalent); bar: " + BAR_PERCENT + " % per kata; equivalents: "
                + EQUIVALENTS + ")");
        for (Row r : rows) {
            if (!r.survivors().isEmpty()) {
                out.println();
                out.println(r.kata() + ": " + r.survivors().size() + " survivor(s) not listed as equivalent");
                r.survivors().forEach(m -> out.println("  " + m.describe()));
            }
        }
    }

    /** The newest file of the kata's solution and tests, which the report must be younger than. */
    private static Path newestSource(Path root, String kata) throws IOException {
        Path newest = null;
        for (Path dir : List.of(root.resolve("solutions").resolve(kata).resolve("src"),
                root.resolve("katas").resolve(kata).resolve("src/test"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    if (newest == null || Files.getLastModifiedTime(f).compareTo(Files.getLastModifiedTime(newest)) > 0) {
                        newest = f;
                    }
                }
            }
        }
        return newest;
    }

    /** The mutants of one PIT {@code mutations.xml}. */
    static List<Mutant> readMutants(String kata, Path report) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        NodeList nodes = factory.newDocumentBuilder().parse(report.toFile()).getElementsByTagName("mutation");
        List<Mutant> mutants = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element m = (Element) nodes.item(i);
            String cls = text(m, "mutatedClass");
            String mutator = text(m, "mutator");
            mutants.add(new Mutant(kata, cls.substring(cls.lastIndexOf('.') + 1) + "." + text(m, "mutatedMethod"),
                    Integer.parseInt(text(m, "lineNumber")), mutator.substring(mutator.lastIndexOf('.') + 1),
                    text(m, "description"), m.getAttribute("status"), Boolean.parseBoolean(m.getAttribute("detected"))));
        }
        return mutants;
    }

    private static String text(Element parent, String tag) {
        NodeList n = parent.getElementsByTagName(tag);
        return n.getLength() == 0 ? "" : n.item(0).getTextContent().strip();
    }

    /** The equivalents table rows of {@code docs/mutation-testing.md}; none when it is missing. */
    static List<Equivalent> readEquivalents(Path doc) throws IOException {
        List<Equivalent> list = new ArrayList<>();
        if (!Files.isRegularFile(doc)) {
            return list;
        }
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (String line : Files.readAllLines(doc)) {
            Matcher m = ROW.matcher(line.strip());
            if (m.matches()) {
                Equivalent e = new Equivalent(m.group(1), m.group(2), Integer.parseInt(m.group(3)), m.group(4),
                        m.group(5).strip());
                String key = e.kata() + " " + e.method() + ":" + e.line() + " " + e.mutator();
                if (seen.merge(key, 1, Integer::sum) > 1) {
                    throw new IllegalStateException(doc + " lists " + key + " twice");
                }
                list.add(e);
            }
        }
        return list;
    }
}

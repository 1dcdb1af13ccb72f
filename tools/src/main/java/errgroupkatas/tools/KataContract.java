package errgroupkatas.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A kata's contract as data: the numbered rules of its README and the rules each test names with
 * {@code @Checks} ({@code errgroupkatas.support.Checks}).
 *
 * <p>The rules are the items of the numbered list under the README's {@code ## The rules} heading
 * ({@code 1. ...}, {@code 13. ...}; continuation lines and text between parts are ignored). The
 * tests' rules are read from the test sources, not by loading the classes: the meta-check runs
 * outside the kata's class path, and a line-based reading is all the house style needs. An
 * annotation applies to the next method declared after it, or to every test of the class when it
 * comes before the {@code class} line.
 *
 * @param rules       rule number → its text's first line, in the README's order
 * @param methodRules {@code TestClass.method} → the rules its {@code @Checks} names
 * @param classRules  {@code TestClass} → the rules a class-level {@code @Checks} names
 */
public record KataContract(Map<Integer, String> rules, Map<String, Set<Integer>> methodRules,
        Map<String, Set<Integer>> classRules) {

    private static final Pattern RULE = Pattern.compile("^(\\d{1,3})\\. (.*)$");
    private static final Pattern CHECKS = Pattern.compile("@Checks\\(\\s*\\{?([^)}]*)\\}?\\s*\\)");
    private static final Pattern CLASS = Pattern.compile("\\b(?:class|interface|record)\\s+(\\w+)");
    private static final Pattern METHOD = Pattern.compile(
            "^\\s*(?:(?:public|protected|private|static|final|synchronized)\\s+)*[\\w.<>\\[\\], ?]+\\s+(\\w+)\\s*\\(");

    /** Reads the rules of {@code kata/README.md} and the {@code @Checks} of {@code kata/src/test/java}. */
    public static KataContract read(Path kata) throws IOException {
        Map<Integer, String> rules = new TreeMap<>();
        Path readme = kata.resolve("README.md");
        if (Files.exists(readme)) {
            boolean inRules = false;
            for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
                if (line.startsWith("## ")) {
                    inRules = line.strip().equals("## The rules");
                } else if (inRules) {
                    Matcher m = RULE.matcher(line);
                    if (m.matches()) {
                        rules.put(Integer.parseInt(m.group(1)), m.group(2).strip());
                    }
                }
            }
        }
        Map<String, Set<Integer>> methods = new LinkedHashMap<>();
        Map<String, Set<Integer>> classes = new LinkedHashMap<>();
        Path tests = kata.resolve("src/test/java");
        if (Files.isDirectory(tests)) {
            try (Stream<Path> walk = Files.walk(tests)) {
                for (Path f : walk.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    readTests(Files.readAllLines(f, StandardCharsets.UTF_8), methods, classes);
                }
            }
        }
        return new KataContract(rules, methods, classes);
    }

    private static void readTests(List<String> lines, Map<String, Set<Integer>> methods,
            Map<String, Set<Integer>> classes) {
        String className = null;
        Set<Integer> pending = null;
        for (String line : lines) {
            String code = line.strip();
            if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*")) {
                continue;
            }
            Matcher checks = CHECKS.matcher(code);
            if (checks.find()) {
                pending = numbers(checks.group(1));
                continue;
            }
            if (code.startsWith("@")) {
                continue;
            }
            Matcher type = CLASS.matcher(code);
            if (className == null && type.find()) {
                className = type.group(1);
                if (pending != null) {
                    classes.put(className, pending);
                }
                pending = null;
                continue;
            }
            Matcher method = METHOD.matcher(line);
            if (pending != null && className != null && method.find() && !code.startsWith("return ")
                    && !code.startsWith("new ")) {
                methods.put(className + "." + method.group(1), pending);
                pending = null;
            }
        }
    }

    /** {@code "3, 4"} → {3, 4}; a word that is not a number becomes -1, which no rule has. */
    private static Set<Integer> numbers(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.matches("\\d{1,3}") ? Integer.parseInt(s) : -1)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The rules the test with result key {@code key} ({@code TestClass.method}, or
     * {@code TestClass.method[invocation]}) names, or empty when it names none.
     */
    public Optional<Set<Integer>> rulesOf(String key) {
        int bracket = key.indexOf('[');
        String method = bracket < 0 ? key : key.substring(0, bracket);
        if (methodRules.containsKey(method)) {
            return Optional.of(methodRules.get(method));
        }
        int dot = method.lastIndexOf('.');
        return dot < 0 ? Optional.empty() : Optional.ofNullable(classRules.get(method.substring(0, dot)));
    }

    /** The rule's first line, shortened to {@code width} characters for a one-line table. */
    public String ruleText(int rule, int width) {
        String text = rules.getOrDefault(rule, "").replace("**", "").replace("`", "");
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}

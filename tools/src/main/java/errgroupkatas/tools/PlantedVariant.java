package errgroupkatas.tools;

import com.github.difflib.patch.PatchFailedException;
import com.github.difflib.unifieddiff.UnifiedDiff;
import com.github.difflib.unifieddiff.UnifiedDiffFile;
import com.github.difflib.unifieddiff.UnifiedDiffParserException;
import com.github.difflib.unifieddiff.UnifiedDiffReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A planted mistake or an alternative, stored as what it changes: one file
 * {@code solutions/NN-name/{mistakes,alternatives}/<name>.patch} that holds a description, then a
 * unified diff against the kata's reference solution ({@code solutions/NN-name/src/main/java},
 * paths relative to it, with git's {@code a/} and {@code b/} prefixes).
 *
 * <p>The description is every line before the diff's first {@code diff }, {@code --- } or
 * {@code Index: } line: a {@code # name} heading, the wrong idea in words, and for a mistake the
 * lines {@code caught-by: Test.method, ...} (the tests that reject it) and {@code breaks: 3, 11}
 * (the README rules it breaks). A diff may change existing files and add new ones ({@code --- /dev/null});
 * it may not delete one.
 *
 * <p>A patch that no longer applies to the solution (its context lines are not found) is an error
 * that names the patch, the file and the hunk: a mistake must go on testing the solution as it is,
 * not an old shape of it. The diff is read and applied with java-diff-utils, which does exactly
 * that and nothing more, so the meta-check needs no {@code git} or {@code patch} on the machine.
 *
 * <p>A maintainer makes one by editing the solution and running, at the top of the repository,
 * {@code git diff --relative=solutions/NN-name/src/main/java >> solutions/NN-name/mistakes/<name>.patch}
 * after the description, then {@code git checkout solutions/NN-name/src}.
 *
 * @param name        the file's name without {@code .patch}
 * @param description the text before the diff
 * @param files       each changed or added file's path under the solution's sources → its patched text
 */
public record PlantedVariant(String name, String description, Map<String, String> files) {

    /** Reads {@code patch} and applies it to the sources under {@code solutionSources}. */
    public static PlantedVariant load(Path patch, Path solutionSources) throws IOException {
        String fileName = patch.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - ".patch".length());
        List<String> lines = Files.readAllLines(patch, StandardCharsets.UTF_8);
        int diffStart = 0;
        while (diffStart < lines.size() && !isDiffStart(lines.get(diffStart))) {
            diffStart++;
        }
        if (diffStart == lines.size()) {
            throw new IllegalStateException(patch + " holds no diff: write the change as a unified diff after the description");
        }
        String description = String.join("\n", lines.subList(0, diffStart)).strip();
        String diff = String.join("\n", lines.subList(diffStart, lines.size())) + "\n";
        UnifiedDiff parsed;
        try {
            parsed = UnifiedDiffReader.parseUnifiedDiff(new ByteArrayInputStream(diff.getBytes(StandardCharsets.UTF_8)));
        } catch (UnifiedDiffParserException e) {
            throw new IllegalStateException(patch + " is not a unified diff: " + e.getMessage(), e);
        }
        if (parsed.getFiles().isEmpty()) {
            throw new IllegalStateException(patch + " changes no file");
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (UnifiedDiffFile file : parsed.getFiles()) {
            String to = stripPrefix(file.getToFile(), "b/");
            String from = file.getFromFile();
            if (to == null || to.equals("/dev/null")) {
                throw new IllegalStateException(patch + " deletes " + from + ": a variant may change or add files, not delete them");
            }
            List<String> original;
            if (from == null || from.equals("/dev/null")) {
                original = List.of();
            } else {
                Path source = solutionSources.resolve(stripPrefix(from, "a/")).normalize();
                if (!source.startsWith(solutionSources) || !Files.isRegularFile(source)) {
                    throw new IllegalStateException(patch + " changes " + from + ", which the solution does not have ("
                            + solutionSources + "): rewrite the patch against the solution as it is");
                }
                original = Files.readAllLines(source, StandardCharsets.UTF_8);
            }
            try {
                files.put(to, String.join("\n", file.getPatch().applyTo(original)) + "\n");
            } catch (PatchFailedException | RuntimeException e) {
                throw new IllegalStateException(patch + " no longer applies to " + to + " of the solution (" + e.getMessage()
                        + "): the solution changed under it; rewrite the mistake against the solution as it is, or delete it",
                        e);
            }
        }
        return new PlantedVariant(name, description, files);
    }

    /** TRANSITION: a variant kept as a folder of whole files and a README.md. */
    static PlantedVariant fromFolder(Path dir) throws IOException {
        Path readme = dir.resolve("README.md");
        String description = Files.exists(readme) ? Files.readString(readme) : "";
        Path src = dir.resolve("src/main/java");
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                files.put(src.relativize(f).toString(), Files.readString(f));
            }
        }
        return new PlantedVariant(dir.getFileName().toString(), description, files);
    }

    /** The {@code *.patch} files directly in {@code dir}, sorted; none if it does not exist. */
    public static List<Path> patchesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".patch")).sorted().toList();
        }
    }

    /** Writes the patched files under {@code dir} (their paths as in the solution's sources). */
    public void writeTo(Path dir) throws IOException {
        ForkedKataRun.deleteRecursively(dir);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path target = dir.resolve(f.getKey()).normalize();
            if (!target.startsWith(dir)) {
                throw new IllegalStateException(name + ".patch writes outside its folder: " + f.getKey());
            }
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
        }
    }

    /** The tests its {@code caught-by:} line names. */
    public Set<String> caughtBy() {
        return listed("caught-by:").collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The rule numbers its {@code breaks:} line names; a word that is not a number is returned as
     * {@code -1}, which no rule has, so the meta-check reports it.
     */
    public Set<Integer> breaks() {
        return listed("breaks:").map(s -> s.matches("\\d{1,4}") ? Integer.parseInt(s) : -1)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private Stream<String> listed(String key) {
        return description.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(key))
                .flatMap(l -> Arrays.stream(l.substring(key.length()).split(",")))
                .map(String::strip).filter(s -> !s.isEmpty());
    }

    private static boolean isDiffStart(String line) {
        return line.startsWith("diff ") || line.startsWith("--- ") || line.startsWith("Index: ");
    }

    private static String stripPrefix(String path, String prefix) {
        return path != null && path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    }
}

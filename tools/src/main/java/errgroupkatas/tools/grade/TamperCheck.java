package errgroupkatas.tools.grade;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tamper evidence: which of the files the grade takes from the pristine repository differ in the
 * submission. A learner may edit tests; the grade never uses the submission's copies, and the
 * report names every one that differs.
 *
 * <p>Watched paths (relative, {@code /}-separated, anything under a {@code target} or {@code .git}
 * folder ignored): {@code katas/*}{@code /src/test/**}, {@code katas/support/**},
 * {@code katas/story/**}, {@code katas/catalog.properties}, {@code tools/**}, every
 * {@code pom.xml} and {@code .mvn/**}. Files are compared by content, with CRLF line ends read as
 * LF (a checkout on Windows is not tampering).
 */
public final class TamperCheck {

    /**
     * The watched files that differ, each list sorted.
     *
     * @param changed in both, with different content
     * @param added   only in the submission
     * @param missing only in the pristine repository
     */
    public record Report(List<String> changed, List<String> added, List<String> missing) {

        /** Whether every watched file is as in the pristine repository. */
        public boolean clean() {
            return changed.isEmpty() && added.isEmpty() && missing.isEmpty();
        }
    }

    private static final Set<String> SKIPPED_FOLDERS = Set.of("target", ".git");

    private TamperCheck() {
    }

    /** Compares the watched files of {@code submission} with those of {@code pristine}. */
    public static Report compare(Path pristine, Path submission) throws IOException {
        Set<String> ours = watchedFiles(pristine);
        Set<String> theirs = watchedFiles(submission);
        List<String> changed = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String rel : ours) {
            if (!theirs.contains(rel)) {
                missing.add(rel);
            } else if (!sameContent(pristine.resolve(rel), submission.resolve(rel))) {
                changed.add(rel);
            }
        }
        List<String> added = theirs.stream().filter(rel -> !ours.contains(rel)).toList();
        return new Report(List.copyOf(changed), List.copyOf(added), List.copyOf(missing));
    }

    /** Whether the grade takes {@code rel} (relative, {@code /}-separated) from the pristine repository. */
    static boolean watched(String rel) {
        return rel.matches("katas/[^/]+/src/test/.+")
                || rel.startsWith("katas/support/") || rel.startsWith("katas/story/")
                || rel.equals("katas/catalog.properties")
                || rel.startsWith("tools/")
                || rel.equals("pom.xml") || rel.endsWith("/pom.xml")
                || rel.startsWith(".mvn/");
    }

    private static Set<String> watchedFiles(Path root) throws IOException {
        Set<String> files = new TreeSet<>();
        if (!Files.isDirectory(root)) {
            return files;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(root) && SKIPPED_FOLDERS.contains(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String rel = root.relativize(file).toString().replace('\\', '/');
                if (attrs.isRegularFile() && watched(rel)) {
                    files.add(rel);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }

    private static boolean sameContent(Path a, Path b) throws IOException {
        byte[] x = Files.readAllBytes(a);
        byte[] y = Files.readAllBytes(b);
        return Arrays.equals(x, y) || lf(x).equals(lf(y));
    }

    private static String lf(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
    }
}

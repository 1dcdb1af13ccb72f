package errgroupkatas.tools.grade;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The grader's rules for a submission's files: it follows no symbolic link in a submission (a link
 * can point a kata source at the reference solution, or at a secret javac would then quote, and a
 * link on the output path can make the grader delete or overwrite files elsewhere), and it never
 * prints its own absolute paths to the learner.
 */
final class SubmissionFiles {

    private SubmissionFiles() {
    }

    /**
     * Every symbolic link in {@code submission} ({@code .git} left out), as sorted paths relative to
     * it, {@code /}-separated; no link is followed.
     */
    static List<String> symlinks(Path submission) throws IOException {
        TreeSet<String> links = new TreeSet<>();
        Files.walkFileTree(submission, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(submission) && dir.getFileName().toString().equals(".git")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isSymbolicLink()) {
                    links.add(relative(submission, file));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return List.copyOf(links);
    }

    /**
     * The links among {@code symlinks} (from {@link #symlinks}) at or under {@code folder} (relative,
     * {@code /}-separated), or on the way to it: e.g. for {@code katas/01-serial/src/main/java}, a
     * link {@code katas/01-serial/src} or one of its source files.
     */
    static List<String> linksAtOrUnder(List<String> symlinks, String folder) {
        List<String> found = new ArrayList<>();
        for (String link : symlinks) {
            if (link.equals(folder) || link.startsWith(folder + "/") || folder.startsWith(link + "/")) {
                found.add(link);
            }
        }
        return found;
    }

    /**
     * Makes {@code folder} a real folder reached without a link. Where it lies inside
     * {@code submission}, each step from there down to it that is a link (or a file) is removed
     * first (the link, never what it points to): the grader owns its output folder there.
     */
    static void realFolder(Path submission, Path folder) throws IOException {
        if (folder.startsWith(submission)) {
            Path at = submission;
            for (Path step : submission.relativize(folder)) {
                at = at.resolve(step);
                if (Files.isSymbolicLink(at) || Files.exists(at, LinkOption.NOFOLLOW_LINKS)
                        && !Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(at);
                }
            }
        }
        Files.createDirectories(folder);
    }

    /** Removes {@code file} if it exists (a link is removed, never followed). */
    static void remove(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    /** {@code file} relative to {@code root}, {@code /}-separated. */
    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    /**
     * Replaces the grader's absolute paths in {@code text} with what a learner may read: each key
     * of {@code names} (an absolute folder) by its value, e.g. the output folder by "" so that
     * {@code /home/grader/out/work/01-serial/all.output.log} reads {@code work/01-serial/all.output.log}.
     * Longer paths are replaced first.
     */
    static String redact(String text, Map<Path, String> names) {
        String result = text;
        List<Map.Entry<Path, String>> byLength = new ArrayList<>(names.entrySet());
        byLength.sort((a, b) -> b.getKey().toString().length() - a.getKey().toString().length());
        for (Map.Entry<Path, String> e : byLength) {
            String path = e.getKey().toString();
            if (path.length() > 1) {
                result = result.replace(path + "/", e.getValue().isEmpty() ? "" : e.getValue() + "/")
                        .replace(path, e.getValue().isEmpty() ? "." : e.getValue());
            }
        }
        return result;
    }

    /** The first link in {@code links}, if any. */
    static Optional<String> first(List<String> links) {
        return links.stream().findFirst();
    }
}

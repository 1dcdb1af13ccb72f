package errgroupkatas.tools.grade;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The pristine harness is this checkout's own build: the {@code story} and {@code support} classes
 * the grader and its test JVMs load (they inherit its classpath) must come from the pristine
 * repository's own {@code target} folders, never from a shared local Maven repository, where
 * whatever installed {@code 1.0.0-SNAPSHOT} last would be the "pristine" harness.
 *
 * <p>As a program ({@code Harness <file>}, run by {@code mvn package -pl tools -am -Pgrader-classpath},
 * which {@code bin/grade} does) it writes its own classpath, this checkout's reactor build, to
 * {@code <file>}.
 */
final class Harness {

    private Harness() {
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[0]), System.getProperty("java.class.path"));
    }

    /**
     * @throws IllegalArgumentException the story, the support or the grader itself was not loaded
     *                                  from under {@code pristine}
     */
    static void requireBuiltFrom(Path pristine) {
        Path root = real(pristine);
        for (Class<?> c : List.of(errgroupkatas.story.User.class, errgroupkatas.support.Kata.class, Harness.class)) {
            Path where = location(c);
            if (!where.startsWith(root)) {
                throw new IllegalArgumentException("the harness must be this checkout's own build, but "
                        + c.getPackageName() + " was loaded from " + where + ", outside " + root + "; build it with"
                        + " mvn package -pl tools -am -Pgrader-classpath (bin/grade does), never from a shared local"
                        + " Maven repository");
            }
        }
    }

    private static Path location(Class<?> c) {
        try {
            return real(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("cannot tell where " + c.getName() + " was loaded from", e);
        }
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}

package errgroupkatas.tools;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The one list of katas ({@code katas/catalog.properties}): their order, titles and how many
 * points each test is worth. Every tool that walks the katas reads it here.
 */
public final class Catalog {

    /** One kata of the catalog. */
    public record Kata(String id, String title) {
    }

    private final List<Kata> katas;
    private final Properties properties;

    private Catalog(List<Kata> katas, Properties properties) {
        this.katas = katas;
        this.properties = properties;
    }

    /**
     * Reads {@code katas/catalog.properties} under {@code root}.
     *
     * @throws IllegalStateException the catalog and the {@code katas/NN-name} folders disagree, or
     *                               a kata has no title
     */
    public static Catalog load(Path root) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(root.resolve("katas/catalog.properties"))) {
            p.load(r);
        }
        List<Kata> katas = new ArrayList<>();
        for (String id : Arrays.stream(p.getProperty("katas", "").split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList()) {
            String title = p.getProperty(id + ".title");
            if (title == null || title.isBlank()) {
                throw new IllegalStateException("katas/catalog.properties: kata " + id + " has no " + id + ".title");
            }
            katas.add(new Kata(id, title.strip()));
        }
        Set<String> listed = new TreeSet<>(katas.stream().map(Kata::id).toList());
        Set<String> folders = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(root.resolve("katas"))) {
            dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .filter(n -> n.matches("\\d\\d-.+")).forEach(folders::add);
        }
        if (!listed.equals(folders)) {
            throw new IllegalStateException("katas/catalog.properties lists " + listed + " but katas/ has " + folders
                    + ": every kata folder must be listed, and every listed kata must have a folder");
        }
        return new Catalog(List.copyOf(katas), p);
    }

    /** The katas, in the order a learner does them. */
    public List<Kata> katas() {
        return katas;
    }

    /**
     * The points a test is worth: 0 for a rule test, otherwise its weight in the catalog or
     * {@code points.default}.
     *
     * @param kata the kata's id
     * @param key  the test's key, {@code TestClass.method} or {@code TestClass.factory[display name]}
     * @param rule whether it is a rule test
     */
    public int points(String kata, String key, boolean rule) {
        if (rule) {
            return 0;
        }
        String base = key.contains("[") ? key.substring(0, key.indexOf('[')) : key;
        String weight = properties.getProperty(kata + ".points." + base);
        return Integer.parseInt((weight != null ? weight : properties.getProperty("points.default", "1")).strip());
    }
}

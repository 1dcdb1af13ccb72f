package errgroupkatas.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

@DisplayName("InvocationNames: the display names of the tests Surefire names by index, for the scoreboard")
class InvocationNamesTest {

    /** Run by the launcher below, never by Surefire (it leaves nested classes alone). */
    static class Sample {
        @ParameterizedTest(name = "{0} friends")
        @ValueSource(ints = {0, 6})
        void returnsEveryFriend(int count) {
        }

        @TestFactory
        Stream<DynamicTest> rules() {
            return Stream.of(DynamicTest.dynamicTest("never calls System.exit", () -> { }));
        }

        @Test
        void plain() {
        }
    }

    @TempDir
    Path dir;

    @Test
    @DisplayName("writes, per test class, Surefire's name of each invocation and dynamic test with its display name")
    void recordsTheDisplayNames() throws Exception {
        Path names = dir.resolve("invocation-names");

        run(new InvocationNames(names));

        Path file = names.resolve(Sample.class.getName() + InvocationNames.SUFFIX);
        Properties recorded = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            recorded.load(r);
        }
        assertThat(recorded).containsOnly(Map.entry("returnsEveryFriend(int)[1]", "0 friends"),
                Map.entry("returnsEveryFriend(int)[2]", "6 friends"), Map.entry("rules()[1]", "never calls System.exit"));
        try (Stream<Path> files = Files.list(names)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    @DisplayName("the service loader's listener writes only where the system property says, and nothing without it")
    void onlyWithTheProperty() throws Exception {
        assertThat(ServiceLoader.load(TestExecutionListener.class).stream().map(ServiceLoader.Provider::type))
                .contains(InvocationNames.class);
        assertThat(System.getProperty(InvocationNames.DIRECTORY_PROPERTY)).isNull();
        Path names = dir.resolve("invocation-names");
        System.setProperty(InvocationNames.DIRECTORY_PROPERTY, names.toString());
        try {
            run(new InvocationNames());
        } finally {
            System.clearProperty(InvocationNames.DIRECTORY_PROPERTY);
        }
        assertThat(names.resolve(Sample.class.getName() + InvocationNames.SUFFIX)).isRegularFile();

        try (Stream<Path> files = Files.list(names)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(names);
        run(new InvocationNames());

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    private static void run(TestExecutionListener listener) {
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Sample.class))
                .build(), listener);
    }
}

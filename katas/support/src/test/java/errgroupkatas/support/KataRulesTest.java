package errgroupkatas.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import errgroupkatas.support.KataRules.KataRule;
import errgroupkatas.support.planted.rules.PlantedViolations;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each teaching rule really runs: a planted violation fails it with its teaching message. These
 * tests run no kata code, only ArchUnit imports, and a cold import on a loaded 2-core machine has
 * taken over 5 s (the default timeout), so they get the rules' 60 s, like the kata rule factories.
 */
@DisplayName("The teaching rules")
@Timeout(60)
class KataRulesTest {

    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of(KataRules.NO_EXIT, PlantedViolations.ExitsTheJvm.class, "log.Fatalf"),
                Arguments.of(KataRules.NO_EXIT, PlantedViolations.HaltsTheJvm.class, "log.Fatalf"),
                Arguments.of(KataRules.NO_THREAD_STOP, PlantedViolations.StopsThreads.class, "interrupting"),
                Arguments.of(KataRules.NO_PRINT_STACK_TRACE, PlantedViolations.PrintsStackTraces.class, "not handling"),
                Arguments.of(KataRules.NO_COMMON_POOL, PlantedViolations.UsesParallelStream.class, "common pool"),
                Arguments.of(KataRules.NO_COMMON_POOL, PlantedViolations.UsesParallelOnAStream.class, "common pool"),
                Arguments.of(KataRules.NO_COMMON_POOL, PlantedViolations.UsesAsyncWithoutExecutor.class, "common pool"),
                Arguments.of(KataRules.NO_TEST_DEPENDENCIES, PlantedViolations.DependsOnFakes.class, "fakes"),
                Arguments.of(KataRules.ONLY_THE_KATA_API, PlantedViolations.ReadsAFile.class, "files are refused"),
                Arguments.of(KataRules.ONLY_THE_KATA_API, PlantedViolations.UsesReflection.class, "reflection"),
                Arguments.of(KataRules.ONLY_THE_KATA_API, PlantedViolations.InspectsItsProcess.class, "processes"),
                Arguments.of(KataRules.ONLY_THE_KATA_API, PlantedViolations.DeletesThroughAMethodReference.class,
                        "java.nio.file.Files.delete"),
                Arguments.of(KataRules.ONLY_THE_KATA_API, PlantedViolations.ReadsTheEnvironment.class, "environment"),
                Arguments.of(KataRules.ONLY_THE_KATA_API, PlantedViolations.InheritsFromThread.class,
                        "getContextClassLoader"),
                Arguments.of(KataRules.NO_THREADS, PlantedViolations.StartsThreads.class, "kata 01"),
                Arguments.of(KataRules.NO_THREADS, PlantedViolations.UsesExecutors.class, "kata 01"));
    }

    @ParameterizedTest(name = "{0} catches {1}")
    @MethodSource("violations")
    @DisplayName("a planted violation fails its rule with the rule's reason")
    void plantedViolationFails(KataRule rule, Class<?> violator, String reason) {
        JavaClasses classes = new ClassFileImporter().importClasses(violator);

        assertThatThrownBy(() -> rule.rule().check(classes))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Architecture Violation")
                .hasMessageContaining(violator.getSimpleName())
                .hasMessageContaining(reason);
    }

    @Test
    @DisplayName("clean code keeps every rule")
    void cleanCodePasses() {
        JavaClasses classes = new ClassFileImporter().importClasses(PlantedViolations.Clean.class);
        Stream.concat(KataRules.COMMON.stream(), Stream.of(KataRules.NO_THREADS))
                .forEach(r -> assertThatCode(() -> r.rule().check(classes)).as(r.title()).doesNotThrowAnyException());
    }

    @Test
    @DisplayName("a rule that imported no class at all fails instead of passing silently")
    void emptyImportFails() {
        JavaClasses nothing = new ClassFileImporter().importPackages("errgroupkatas.no.such.kata");

        assertThatThrownBy(() -> KataRules.NO_EXIT.rule().check(nothing)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("failed to check any classes");
    }

    @Test
    @DisplayName("import the kata's main classes: every class of its package, and nothing else")
    void importsTheKatasPackage() {
        JavaClasses classes = KataRules.mainClassesOf(new Kata("story", "errgroupkatas.story"));

        assertThat(classes.contain(errgroupkatas.story.User.class)).as("the story's User in %s", classes).isTrue();
        assertThat(classes.contain(errgroupkatas.story.FriendService.class)).isTrue();
        assertThat(classes).allSatisfy(c -> assertThat(c.getPackageName()).startsWith("errgroupkatas.story"));
    }
}

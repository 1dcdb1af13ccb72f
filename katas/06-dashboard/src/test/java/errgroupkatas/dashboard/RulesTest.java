package errgroupkatas.dashboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import errgroupkatas.support.Checks;
import errgroupkatas.support.KataRules;
import errgroupkatas.support.KataRules.KataRule;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

@Order(3)
@DisplayName("Kata 06 — rules the code keeps")
@Checks({7, 9})
class RulesTest {

    /** Kata 06's own rule: everything it reports goes through the logger it was given. */
    static final KataRule LOGS_THROUGH_ITS_LOGGER = new KataRule(
            "logs through its System.Logger, never System.out or System.err",
            noClasses().should().accessField(System.class, "out")
                    .orShould().accessField(System.class, "err")
                    .because("the dashboard is configured with a logger (withLogger) so that the application"
                            + " decides where its messages go; printing bypasses that choice, and tests cannot"
                            + " see it"));

    @Tag("rules")
    @TestFactory
    @DisplayName("kata 06's code")
    Stream<DynamicTest> rules() {
        return KataRules.check(DashboardAggregatorTest.KATA, LOGS_THROUGH_ITS_LOGGER);
    }
}
